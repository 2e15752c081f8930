"""The screening engine: scores and flags for one couple's answers document.

Pure: no database, no request, no clock. The only dates are the appointment date in the
document and the evaluation date passed in (both recorded in the result). The same document,
parameters and evaluation date always give the same result.

    result = screen(document, Parameters(), evaluation_date=date(2027, 1, 10))
    result.as_dict()  # {"ruleset", "parameters", "date", ..., "scores", "flags"}

The rules themselves are data: see `screening.rules.RULES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from intake.questionnaire.answers import parse_date
from screening.rules import (
    COUPLE_QUESTIONS,
    PRIVATE_INSTRUMENTS,
    PRIVATE_QUESTIONS,
    RULE_ORDER,
    RULES,
    CoupleContext,
    Hit,
    PartnerContext,
    Rule,
    Severity,
)
from screening.scoring import Parameters, Score, score_partner

RULESET_VERSION = "1"

PARTNERS = ("a", "b")
PARTNER_ORDER = {"a": 0, "b": 1, "couple": 2}

# Words no flag message may contain (docs/design.md, Wording); checked by the tests.
WORDS_NEVER_USED = (
    "diagnosis",
    "diagnosed",
    "diagnostic",
    "eligible",
    "ineligible",
    "eligibility",
    "contraindicated",
    "contraindication",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass(frozen=True)
class RaisedFlag:
    """One raised rule for one partner (or the couple).

    `evidence` is a tuple of (question id, value) pairs; for couple flags each value is
    {"a": value, "b": value}. In `as_dict()` the evidence is a JSON object keyed by question
    id, in the order the rule cites them.
    """

    rule: str
    topic: str
    severity: Severity
    partner: str  # "a", "b" or "couple"
    evidence: tuple[tuple[str, Any], ...]
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "topic": self.topic,
            "severity": str(self.severity),
            "partner": self.partner,
            "evidence": {qid: _jsonable(value) for qid, value in self.evidence},
            "message": self.message,
        }


def flag_sort_key(flag: RaisedFlag) -> tuple[int, int, int]:
    """Severity (urgent first), then the rule's place in the catalogue, then partner."""
    return (
        flag.severity.rank,
        RULE_ORDER.get(flag.rule, len(RULE_ORDER)),
        PARTNER_ORDER[flag.partner],
    )


@dataclass(frozen=True)
class ScreeningResult:
    ruleset: str
    parameters: Parameters
    appointment_date: date | None
    evaluation_date: date
    date_used: date  # the appointment date, else the evaluation date
    scores: dict[str, dict[str, Score]]  # partner -> instrument -> score (present partners)
    flags: tuple[RaisedFlag, ...]  # sorted by flag_sort_key
    questionnaire_version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "questionnaire_version": self.questionnaire_version,
            "parameters": self.parameters.as_dict(),
            "appointment_date": _jsonable(self.appointment_date),
            "evaluation_date": self.evaluation_date.isoformat(),
            "date": self.date_used.isoformat(),
            "scores": {
                partner: {instrument: score.as_dict() for instrument, score in scores.items()}
                for partner, scores in self.scores.items()
            },
            "flags": [flag.as_dict() for flag in self.flags],
        }


def _flag(rule: Rule, partner: str, hit: Hit) -> RaisedFlag:
    return RaisedFlag(
        rule=rule.id,
        topic=rule.topic,
        severity=hit.severity or rule.severity,
        partner=partner,
        evidence=tuple(hit.evidence),
        message=hit.message,
    )


def _partner_flags(
    answers: Mapping[str, Any],
    partner: str,
    on_date: date,
    params: Parameters,
    scores: Mapping[str, Score],
    date_label: str,
    rules: tuple[Rule, ...] = RULES,
) -> list[RaisedFlag]:
    context = PartnerContext(answers, scores, params, on_date, date_label)
    flags = []
    for rule in rules:
        if rule.scope == "partner" and (hit := rule.check(context)) is not None:
            flags.append(_flag(rule, partner, hit))
    return flags


def partner_flags(
    answers: Mapping[str, Any],
    partner: str,
    on_date: date,
    params: Parameters,
    date_label: str = "the appointment date",
    rules: tuple[Rule, ...] = RULES,
) -> list[RaisedFlag]:
    """The per-partner flags for one partner's answers, sorted; `on_date` is the appointment
    date (or the evaluation date when there is none, with date_label="the evaluation date").
    `rules`: only these (URGENT_PARTNER_RULES for the check made as each step is saved)."""
    scores = score_partner(answers, params)
    flags = _partner_flags(answers, partner, on_date, params, scores, date_label, rules)
    return sorted(flags, key=flag_sort_key)


# The per-partner rules that can raise an urgent flag. They are checked on their own each time
# a step with safety questions is saved (screening.services.check_urgent), so they must never
# raise another severity, and none of them reads the clinic's parameters (both checked by the
# tests: the urgent flags of partner_flags are exactly those of urgent_partner_flags).
URGENT_PARTNER_RULES: tuple[Rule, ...] = tuple(
    rule for rule in RULES if rule.scope == "partner" and rule.severity == Severity.URGENT
)
URGENT_RULES_READ_PARAMETERS = any(rule.parameters for rule in URGENT_PARTNER_RULES)


def urgent_partner_flags(
    answers: Mapping[str, Any],
    partner: str,
    on_date: date,
    params: Parameters,
    date_label: str = "the appointment date",
) -> list[RaisedFlag]:
    """Only the urgent per-partner flags: what `partner_flags` gives of severity urgent,
    without running every other rule (this runs on every save of a safety step)."""
    return partner_flags(answers, partner, on_date, params, date_label, URGENT_PARTNER_RULES)


def couple_flags(
    partners: Mapping[str, Mapping[str, Any]],
    scores: Mapping[str, Mapping[str, Score]],
    on_date: date,
    params: Parameters,
    date_label: str = "the appointment date",
) -> list[RaisedFlag]:
    """Couple-level flags. The checks only ever see COUPLE_QUESTIONS (none of them private)
    and the non-private scores."""
    public_answers = {
        p: {qid: partners[p][qid] for qid in COUPLE_QUESTIONS if qid in partners[p]}
        for p in PARTNERS
    }
    public_scores = {
        p: {name: score for name, score in scores[p].items() if name not in PRIVATE_INSTRUMENTS}
        for p in PARTNERS
    }
    context = CoupleContext(public_answers, public_scores, params, on_date, date_label)
    flags = []
    for rule in RULES:
        if rule.scope == "couple" and (hit := rule.check(context)) is not None:
            flags.append(_flag(rule, "couple", hit))
    return flags


def screen(
    document: Mapping[str, Any], params: Parameters, evaluation_date: date
) -> ScreeningResult:
    """Score and flag an answers document (docs/questionnaire.md, The answers document).

    A missing partner is skipped; a partly filled one is screened on what is there. The
    couple rules run only when both partners are present. Raises ValueError when
    appointment_date is present but not a YYYY-MM-DD date.
    """
    raw_appointment = document.get("appointment_date")
    appointment = parse_date(raw_appointment)
    if raw_appointment not in (None, "") and appointment is None:
        raise ValueError(f"appointment_date {raw_appointment!r} is not a YYYY-MM-DD date")
    on_date = appointment or evaluation_date
    date_label = "the appointment date" if appointment else "the evaluation date"

    partners_in = document.get("partners") or {}
    partners = {p: partners_in[p] for p in PARTNERS if isinstance(partners_in.get(p), Mapping)}
    scores = {p: score_partner(answers, params) for p, answers in partners.items()}

    flags: list[RaisedFlag] = []
    for p, answers in partners.items():
        flags += _partner_flags(answers, p, on_date, params, scores[p], date_label)
    if len(partners) == 2:
        flags += couple_flags(partners, scores, on_date, params, date_label)
    flags.sort(key=flag_sort_key)

    version = document.get("questionnaire_version")
    return ScreeningResult(
        ruleset=RULESET_VERSION,
        parameters=params,
        appointment_date=appointment,
        evaluation_date=evaluation_date,
        date_used=on_date,
        scores=scores,
        flags=tuple(flags),
        questionnaire_version=str(version) if version is not None else None,
    )


__all__ = [
    "PRIVATE_QUESTIONS",
    "RULES",
    "RULESET_VERSION",
    "WORDS_NEVER_USED",
    "RaisedFlag",
    "Parameters",
    "Rule",
    "Score",
    "ScreeningResult",
    "Severity",
    "couple_flags",
    "flag_sort_key",
    "partner_flags",
    "score_partner",
    "screen",
]
