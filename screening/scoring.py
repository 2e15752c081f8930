"""Instrument scores for one partner's answers (docs/rules.md, Instruments).

Pure functions over a mapping of question id -> value. A total is None, never 0, when any
of its items is missing; the `missing` tuple says which. Bands are plain labels, never a
verdict: a PHQ-9 item 9 of 0 is never called anything here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, TypeGuard

# The instruments' items: the same in every version (tests/intake/test_versions.py).
from intake.questionnaire import CURRENT as QUESTIONNAIRE

# Esketamine is not approved under 18 (docs/clinical-background.md): AG-1's message says so,
# so a clinic's minimum age can be set higher, never lower.
MIN_AGE = 18


@dataclass(frozen=True)
class Parameters:
    """Clinic parameters (docs/rules.md, Parameters). Stored with every screening."""

    cardiac_window_months: int = 12
    bp_systolic_max: int = 140
    bp_diastolic_max: int = 90
    ptsd_cutoff: int = 4
    csi_cutoff: float | Decimal = 13.5
    min_age: int = MIN_AGE  # at least MIN_AGE

    def as_dict(self) -> dict[str, Any]:
        return {
            name: float(value) if isinstance(value, Decimal) else value
            for name, value in asdict(self).items()
        }


@dataclass(frozen=True)
class Score:
    """One instrument's total for one partner.

    `total` is None when any item is missing (or the section was declined); `band` is None
    whenever `total` is. `note` explains anything a reader would otherwise have to guess
    (a declined section, a default threshold).
    """

    instrument: str
    total: int | None
    band: str | None
    missing: tuple[str, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "missing": list(self.missing),
            "note": self.note,
        }


INSTRUMENT_NAMES: dict[str, str] = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "pcptsd5": "PC-PTSD-5",
    "auditc": "AUDIT-C",
    "csi4": "CSI-4",
    "hark": "HARK",
}

# Each instrument's scored items, in order: the questions of the questionnaire tagged with its
# `instrument` (and `scored`, so not PHQ-9's difficulty question or PC-PTSD-5's event question).
INSTRUMENT_ITEMS: dict[str, tuple[str, ...]] = {
    code: QUESTIONNAIRE.instrument_items(code) for code in INSTRUMENT_NAMES
}
if not all(INSTRUMENT_ITEMS.values()):  # pragma: no cover - a guard
    raise RuntimeError("every instrument needs items tagged in the questionnaire")
PHQ9_ITEMS = INSTRUMENT_ITEMS["phq9"]
GAD7_ITEMS = INSTRUMENT_ITEMS["gad7"]
PCPTSD5_ITEMS = INSTRUMENT_ITEMS["pcptsd5"]
AUDITC_ITEMS = INSTRUMENT_ITEMS["auditc"]
CSI4_ITEMS = INSTRUMENT_ITEMS["csi4"]
HARK_ITEMS = INSTRUMENT_ITEMS["hark"]

# AUDIT-C: positive at >= 4 for `male`, >= 3 for everyone else (docs/questionnaire.md:
# `intersex` and `prefer_not_to_say` use the lower threshold). When sex_for_scoring is
# not answered we also use the lower threshold (more sensitive) and say so in the note.
AUDITC_THRESHOLD_MALE = 4
AUDITC_THRESHOLD_OTHER = 3


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def item_value(answers: Mapping[str, Any], question_id: str, yes_no: bool = False) -> int | None:
    """An item's points: an int (or, for yes/no items, 1 for yes and 0 for no).

    A value of the wrong type counts as missing (documents are validated before screening).
    """
    value = answers.get(question_id)
    if yes_no:
        return int(value) if isinstance(value, bool) else None
    return value if is_int(value) else None


def _sum(
    answers: Mapping[str, Any], items: tuple[str, ...], yes_no: bool = False
) -> tuple[int | None, tuple[str, ...]]:
    """(total, ()) when every item is answered, else (None, the missing item ids)."""
    values = [item_value(answers, item, yes_no) for item in items]
    missing = tuple(item for item, value in zip(items, values, strict=True) if value is None)
    if missing:
        return None, missing
    return sum(v for v in values if v is not None), ()


def phq9_band(total: int) -> str:
    if total < 5:
        return "minimal"
    if total < 10:
        return "mild"
    if total < 15:
        return "moderate"
    if total < 20:
        return "moderately severe"
    return "severe"


def gad7_band(total: int) -> str:
    if total < 5:
        return "minimal"
    if total < 10:
        return "mild"
    if total < 15:
        return "moderate"
    return "severe"


def auditc_threshold(sex_for_scoring: Any) -> int:
    return AUDITC_THRESHOLD_MALE if sex_for_scoring == "male" else AUDITC_THRESHOLD_OTHER


def score_phq9(answers: Mapping[str, Any]) -> Score:
    total, missing = _sum(answers, PHQ9_ITEMS)
    band = phq9_band(total) if total is not None else None
    return Score("phq9", total, band, missing)


def score_gad7(answers: Mapping[str, Any]) -> Score:
    total, missing = _sum(answers, GAD7_ITEMS)
    band = gad7_band(total) if total is not None else None
    return Score("gad7", total, band, missing)


def score_pcptsd5(answers: Mapping[str, Any], params: Parameters) -> Score:
    if answers.get("ptsd_declined") is True:
        return Score("pcptsd5", None, None, (), "section declined (ptsd_declined)")
    event = answers.get("ptsd_event")
    if event is False:
        return Score("pcptsd5", 0, "negative", (), "no event reported (ptsd_event is no)")
    if event is not True:
        return Score("pcptsd5", None, None, ("ptsd_event",))
    total, missing = _sum(answers, PCPTSD5_ITEMS, yes_no=True)
    if total is None:
        return Score("pcptsd5", None, None, missing)
    band = "positive" if total >= params.ptsd_cutoff else "negative"
    return Score("pcptsd5", total, band, (), f"positive at >= {params.ptsd_cutoff}")


def score_auditc(answers: Mapping[str, Any]) -> Score:
    """AUDIT-C; someone who never drinks (auditc_1 is 0) is not asked items 2 and 3, which
    then score 0 as the instrument says, so their total is 0."""
    first, *others = AUDITC_ITEMS
    never_drinks = item_value(answers, first) == 0
    total: int | None
    missing: tuple[str, ...]
    if never_drinks:
        total, missing = 0, ()
    else:
        total, missing = _sum(answers, AUDITC_ITEMS)
    sex = answers.get("sex_for_scoring")
    threshold = auditc_threshold(sex)
    if sex is None:
        note = f"sex_for_scoring not answered; the lower threshold (>= {threshold}) is used"
    else:
        note = f"positive at >= {threshold} (sex_for_scoring: {sex})"
    if never_drinks:
        note = f"{first} is never, so {' and '.join(others)} are not asked and score 0; {note}"
    if total is None:
        return Score("auditc", None, None, missing, note)
    band = "positive" if total >= threshold else "negative"
    return Score("auditc", total, band, (), note)


def score_csi4(answers: Mapping[str, Any], params: Parameters) -> Score:
    total, missing = _sum(answers, CSI4_ITEMS)
    note = f"notable dissatisfaction below {params.csi_cutoff}"
    if total is None:
        return Score("csi4", None, None, missing, note)
    band = "notable dissatisfaction" if total < params.csi_cutoff else "above cut-off"
    return Score("csi4", total, band, (), note)


def score_hark(answers: Mapping[str, Any]) -> Score:
    total, missing = _sum(answers, HARK_ITEMS, yes_no=True)
    band = None if total is None else ("positive" if total >= 1 else "negative")
    return Score("hark", total, band, missing)


def score_partner(answers: Mapping[str, Any], params: Parameters) -> dict[str, Score]:
    """Every instrument's score for one partner, keyed by instrument id."""
    return {
        "phq9": score_phq9(answers),
        "gad7": score_gad7(answers),
        "pcptsd5": score_pcptsd5(answers, params),
        "auditc": score_auditc(answers),
        "csi4": score_csi4(answers, params),
        "hark": score_hark(answers),
    }
