"""Instrument scores and bands at every band edge; missing items give None, never 0."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from screening.engine import Parameters, score_partner
from screening.scoring import (
    AUDITC_ITEMS,
    CSI4_ITEMS,
    GAD7_ITEMS,
    HARK_ITEMS,
    PCPTSD5_ITEMS,
    PHQ9_ITEMS,
    Score,
)

DEFAULTS = Parameters()


def spread(total: int, items: tuple[str, ...], top: int) -> dict[str, int]:
    """Answers to `items` (each 0..top) adding up to `total`, filled from the first item."""
    assert 0 <= total <= top * len(items)
    answers = {}
    for item in items:
        answers[item] = min(top, total)
        total -= answers[item]
    return answers


def scores(answers: dict, params: Parameters = DEFAULTS) -> dict[str, Score]:
    return score_partner(answers, params)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total, band):
    score = scores(spread(total, PHQ9_ITEMS, 3))["phq9"]
    assert (score.total, score.band, score.missing) == (total, band, ())


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total, band):
    score = scores(spread(total, GAD7_ITEMS, 3))["gad7"]
    assert (score.total, score.band, score.missing) == (total, band, ())


def test_phq9_item_9_is_not_needed_to_be_nonzero_for_a_total_and_never_says_no_risk():
    score = scores(spread(0, PHQ9_ITEMS, 3))["phq9"]
    assert score.total == 0
    assert "risk" not in json.dumps(score.as_dict()).lower()


@pytest.mark.parametrize(
    ("instrument", "items", "top"),
    [
        ("phq9", PHQ9_ITEMS, 3),
        ("gad7", GAD7_ITEMS, 3),
        ("auditc", AUDITC_ITEMS, 4),
        ("csi4", CSI4_ITEMS, 5),
    ],
)
def test_one_missing_item_gives_none_not_a_partial_sum(instrument, items, top):
    answers = spread(1, items, top)  # the first item 1: AUDIT-C's never-drinks rule is apart
    del answers[items[-1]]
    score = scores(answers)[instrument]
    assert score.total is None
    assert score.band is None
    assert score.missing == (items[-1],)


def test_nothing_answered_lists_every_item_as_missing():
    result = scores({})
    assert result["phq9"].missing == PHQ9_ITEMS
    assert result["gad7"].missing == GAD7_ITEMS
    assert result["auditc"].missing == AUDITC_ITEMS
    assert result["csi4"].missing == CSI4_ITEMS
    assert result["hark"].missing == HARK_ITEMS
    assert result["pcptsd5"].missing == ("ptsd_event",)
    assert all(score.total is None for score in result.values())


def test_all_zero_answers_give_zero_not_none():
    answers = {
        **spread(0, PHQ9_ITEMS, 3),
        **spread(0, GAD7_ITEMS, 3),
        **spread(0, AUDITC_ITEMS, 4),
        **spread(0, CSI4_ITEMS, 5),
        **dict.fromkeys(HARK_ITEMS, False),
    }
    result = scores(answers)
    assert [result[i].total for i in ("phq9", "gad7", "auditc", "csi4", "hark")] == [0] * 5


# --- PC-PTSD-5 -----------------------------------------------------------------------------


def pcptsd(yes: int) -> dict:
    return {"ptsd_event": True, **{item: n < yes for n, item in enumerate(PCPTSD5_ITEMS)}}


@pytest.mark.parametrize(
    ("yes", "cutoff", "band"),
    [
        (2, 3, "negative"),
        (3, 3, "positive"),
        (3, 4, "negative"),
        (4, 4, "positive"),
        (5, 4, "positive"),
        (0, 4, "negative"),
    ],
)
def test_pcptsd5_cutoff(yes, cutoff, band):
    score = scores(pcptsd(yes), Parameters(ptsd_cutoff=cutoff))["pcptsd5"]
    assert (score.total, score.band) == (yes, band)


def test_pcptsd5_is_zero_when_no_event():
    score = scores({"ptsd_event": False})["pcptsd5"]
    assert (score.total, score.band, score.missing) == (0, "negative", ())


def test_pcptsd5_is_missing_when_declined():
    score = scores({"ptsd_declined": True})["pcptsd5"]
    assert (score.total, score.band) == (None, None)
    assert "declined" in score.note


def test_pcptsd5_is_missing_when_an_item_is_missing():
    answers = pcptsd(5)
    del answers["pcptsd_3"]
    score = scores(answers)["pcptsd5"]
    assert (score.total, score.band, score.missing) == (None, None, ("pcptsd_3",))


# --- AUDIT-C --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("female", 3, "positive"),
        ("male", 3, "negative"),
        ("intersex", 3, "positive"),
        ("prefer_not_to_say", 3, "positive"),
        ("male", 4, "positive"),
        ("female", 2, "negative"),
        (None, 3, "positive"),  # not answered: the lower threshold, and the note says so
        (None, 2, "negative"),
    ],
)
def test_auditc_threshold_by_sex_for_scoring(sex, total, band):
    answers = spread(total, AUDITC_ITEMS, 4)
    if sex is not None:
        answers["sex_for_scoring"] = sex
    score = scores(answers)["auditc"]
    assert (score.total, score.band) == (total, band)
    if sex is None:
        assert "not answered" in score.note


# --- CSI-4 and HARK -------------------------------------------------------------------------


@pytest.mark.parametrize("cutoff", [13.5, Decimal("13.5")])
@pytest.mark.parametrize(
    ("total", "band"),
    [(13, "notable dissatisfaction"), (14, "above cut-off"), (0, "notable dissatisfaction")],
)
def test_csi4_cutoff(total, band, cutoff):
    score = scores(spread(total, CSI4_ITEMS, 6), Parameters(csi_cutoff=cutoff))["csi4"]
    assert (score.total, score.band) == (total, band)


def test_csi4_first_item_goes_to_6():
    answers = {"csi_1": 6, "csi_2": 5, "csi_3": 5, "csi_4": 5}
    assert scores(answers)["csi4"].total == 21


@pytest.mark.parametrize(("yes", "band"), [(0, "negative"), (1, "positive"), (4, "positive")])
def test_hark(yes, band):
    answers = {item: n < yes for n, item in enumerate(HARK_ITEMS)}
    score = scores(answers)["hark"]
    assert (score.total, score.band) == (yes, band)


# --- shapes ---------------------------------------------------------------------------------


def test_score_as_dict_is_json_friendly():
    score = scores(spread(12, PHQ9_ITEMS, 3))["phq9"]
    assert score.as_dict() == {
        "instrument": "phq9",
        "total": 12,
        "band": "moderate",
        "missing": [],
        "note": "",
    }


def test_parameters_defaults_and_as_dict():
    assert Parameters().as_dict() == {
        "cardiac_window_months": 12,
        "bp_systolic_max": 140,
        "bp_diastolic_max": 90,
        "ptsd_cutoff": 4,
        "csi_cutoff": 13.5,
        "min_age": 18,
    }
    assert (
        json.loads(json.dumps(Parameters(csi_cutoff=Decimal("12.5")).as_dict()))["csi_cutoff"]
        == 12.5
    )


def test_values_of_the_wrong_type_count_as_not_answered():
    # The document is validated before screening; the engine never guesses.
    answers = {**spread(5, PHQ9_ITEMS, 3), "phq9_1": True, "ipv_afraid": 1}
    answers.update({item: False for item in HARK_ITEMS if item != "ipv_afraid"})
    result = scores(answers)
    assert (result["phq9"].total, result["phq9"].missing) == (None, ("phq9_1",))
    assert (result["hark"].total, result["hark"].missing) == (None, ("ipv_afraid",))


def test_each_instruments_items_are_the_questions_tagged_with_it():
    """The scored items come from the questionnaire's `instrument` tags, in its order: PHQ-9's
    difficulty question and PC-PTSD-5's event question are asked with them but not summed."""
    from intake.questionnaire import QUESTIONNAIRES

    questionnaire = QUESTIONNAIRES["1"]
    assert tuple(f"phq9_{n}" for n in range(1, 10)) == PHQ9_ITEMS
    assert tuple(f"gad7_{n}" for n in range(1, 8)) == GAD7_ITEMS
    assert tuple(f"pcptsd_{n}" for n in range(1, 6)) == PCPTSD5_ITEMS
    assert AUDITC_ITEMS == ("auditc_1", "auditc_2", "auditc_3")
    assert CSI4_ITEMS == ("csi_1", "csi_2", "csi_3", "csi_4")
    assert HARK_ITEMS == ("ipv_humiliated", "ipv_afraid", "ipv_forced_sex", "ipv_physical")
    for unscored in ("phq9_difficulty", "ptsd_event"):
        question = questionnaire.question(unscored)
        assert question.instrument and not question.scored
    tagged = {q for q in questionnaire.question_ids if questionnaire.question(q).instrument}
    summed = {*PHQ9_ITEMS, *GAD7_ITEMS, *PCPTSD5_ITEMS, *AUDITC_ITEMS, *CSI4_ITEMS, *HARK_ITEMS}
    assert tagged == summed | {"phq9_difficulty", "ptsd_event"}
