"""Property-based tests over random VALID answer documents (docs/questionnaire.md).

The strategy (tests/screening/strategies.py) is written from docs/questionnaire.md,
independently of the intake's questionnaire definition; two tests check the two agree (same
ids, and every generated document passes the intake's document parser).
"""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings

from intake.questionnaire import CURRENT
from screening.engine import (
    PRIVATE_QUESTIONS,
    URGENT_RULES_READ_PARAMETERS,
    Parameters,
    Severity,
    flag_sort_key,
    partner_flags,
    screen,
    urgent_partner_flags,
)
from screening.services import urgent_steps
from tests.screening.strategies import (
    ALL_QUESTION_IDS,
    BANNED,
    EVALUATION,
    PARAMETERS,
    SETTINGS,
    documents,
    partner_answers,
)

# --- the properties ---------------------------------------------------------------------------


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_screening_never_fails_and_is_deterministic(document, params, evaluated):
    first = screen(document, params, evaluated)
    second = screen(json.loads(json.dumps(document)), params, evaluated)
    assert first.as_dict() == second.as_dict()
    assert first == second
    assert json.loads(json.dumps(first.as_dict())) == first.as_dict()  # JSON-friendly


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_flags_are_sorted_and_each_rule_fires_once_per_partner(document, params, evaluated):
    flags = screen(document, params, evaluated).flags
    assert list(flags) == sorted(flags, key=flag_sort_key)
    ranks = [flag.severity.rank for flag in flags]
    assert ranks == sorted(ranks)
    keys = [(flag.rule, flag.partner) for flag in flags]
    assert len(keys) == len(set(keys))


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_couple_flags_never_cite_a_private_question(document, params, evaluated):
    result = screen(document, params, evaluated)
    for flag in result.flags:
        if flag.partner == "couple":
            cited = set(flag.as_dict()["evidence"])
            assert not cited & PRIVATE_QUESTIONS
            assert not any(qid.startswith(("si_", "ipv_")) for qid in cited)
    if len(document["partners"]) < 2:
        assert not any(flag.partner == "couple" for flag in result.flags)


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_no_message_uses_a_banned_word_or_says_no_risk(document, params, evaluated):
    result = screen(document, params, evaluated)
    for flag in result.flags:
        assert not BANNED.search(flag.message), flag.message
        assert "no risk" not in flag.message.lower()
    rendered = json.dumps(result.as_dict()["scores"]).lower()
    assert "no risk" not in rendered


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_evidence_is_what_was_answered(document, params, evaluated):
    result = screen(document, params, evaluated)
    for flag in result.flags:
        evidence = flag.as_dict()["evidence"]
        assert evidence, flag.rule
        if flag.partner == "couple":
            continue
        answers = document["partners"][flag.partner]
        for qid, value in evidence.items():
            if qid == "escort_name" and qid not in answers:
                assert value == ""  # LG-1 cites a left-out escort as empty
            else:
                assert answers[qid] == value, (flag.rule, qid)


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_scores_are_missing_exactly_when_an_item_is_missing(document, params, evaluated):
    result = screen(document, params, evaluated)
    assert set(result.scores) == set(document["partners"])
    ranges = {"phq9": 27, "gad7": 21, "pcptsd5": 5, "auditc": 12, "csi4": 21, "hark": 4}
    for scores in result.scores.values():
        for instrument, score in scores.items():
            if score.total is None:
                assert score.band is None
                assert score.missing or "declined" in score.note
            else:
                assert score.missing == ()
                assert 0 <= score.total <= ranges[instrument]
                assert score.band is not None


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_partner_flags_agree_with_screen(document, params, evaluated):
    result = screen(document, params, evaluated)
    on_date = result.date_used
    label = "the appointment date" if result.appointment_date else "the evaluation date"
    for partner, answers in document["partners"].items():
        alone = partner_flags(answers, partner, on_date, params, label)
        assert alone == [flag for flag in result.flags if flag.partner == partner]


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_the_urgent_check_on_each_save_finds_exactly_the_urgent_flags(document, params, evaluated):
    """check_urgent runs only the urgent rules, with default parameters when none of them reads
    one: it must find what the full screening finds, whatever the clinic's parameters."""
    on_date = evaluated
    used = params if URGENT_RULES_READ_PARAMETERS else Parameters()
    for partner, answers in document["partners"].items():
        everything = partner_flags(answers, partner, on_date, params)
        urgent = [flag for flag in everything if flag.severity == Severity.URGENT]
        assert urgent_partner_flags(answers, partner, on_date, used) == urgent


@SETTINGS
@given(documents(), PARAMETERS, EVALUATION)
def test_swapping_partners_swaps_the_flags(document, params, evaluated):
    swap = {"a": "b", "b": "a", "couple": "couple"}
    swapped = dict(document, partners={swap[p]: v for p, v in document["partners"].items()})
    before = screen(document, params, evaluated).flags
    after = screen(swapped, params, evaluated).flags
    assert sorted((f.rule, swap[f.partner]) for f in before) == sorted(
        (f.rule, f.partner) for f in after
    )


# --- the strategy agrees with the intake's definition and parser ---------------------------------


def test_the_strategy_covers_every_question_of_the_questionnaire():
    from intake.questionnaire import QUESTIONNAIRES

    questionnaire = QUESTIONNAIRES["1"]
    assert set(questionnaire.question_ids) == ALL_QUESTION_IDS
    # What the rules keep to per-partner flags: the safety step and the pressure questions.
    safety = {q.id for q in questionnaire.step("safety").questions}
    assert {"whose_idea", "free_to_decline", "pressured"} | safety == PRIVATE_QUESTIONS
    assert "si_wish_dead" in safety and "unsafe_now" in safety


@SETTINGS
@given(documents(), EVALUATION)
def test_generated_documents_are_valid_for_the_intake_parser(document, evaluated):
    from intake.questionnaire.document import parse_document

    parsed = parse_document(document)
    assert parsed["partners"] == document["partners"]
    params = Parameters()
    assert screen(parsed, params, evaluated) == screen(document, params, evaluated)


@settings(max_examples=200, deadline=None)
@given(answers=partner_answers())
def test_urgent_flags_only_cite_questions_of_steps_with_safety_questions(answers):
    """Urgent alerts are checked when such a step is saved (and at submission), so an urgent
    rule must never read a question from another step."""
    steps = urgent_steps(CURRENT.version)
    for flag in partner_flags(answers, "a", date(2027, 1, 15), Parameters()):
        if flag.severity == Severity.URGENT:
            for question_id, _ in flag.evidence:
                assert CURRENT.step_of(question_id).id in steps, (flag.rule, question_id)
