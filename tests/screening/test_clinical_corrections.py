"""The clinical corrections (docs/clinical-background.md), one table row each.

Each row is a rule raised on given answers with what its message must and must not say, or a
scoring row, or a fact of the questionnaire definition a partner sees.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from intake.demo import make_answers
from intake.forms import make_field
from intake.questionnaire import CURRENT
from intake.questionnaire.document import DocumentError, parse_partner
from screening.engine import Parameters, Severity, partner_flags, urgent_partner_flags
from screening.scoring import score_partner
from tests.screening import rule_support as table

QUESTIONNAIRE = CURRENT
DROP = table.DROP


def flag(rule: str, overrides: dict[str, Any]):
    [found] = [f for f in table.flags_for(table.answers_with(**overrides)) if f.rule == rule]
    return found


# --- HARK, verbatim (Sohal 2007: "Within the last year, have you been ...") -----------------

HARK_WORDING = {
    "ipv_humiliated": "Within the last year, have you been humiliated or emotionally abused in "
    "other ways by your partner or ex-partner?",
    "ipv_afraid": "Within the last year, have you been afraid of your partner or ex-partner?",
    "ipv_forced_sex": "Within the last year, have you been raped or forced to have any kind of "
    "sexual activity by your partner or ex-partner?",
    "ipv_physical": "Within the last year, have you been kicked, hit, slapped or otherwise "
    "physically hurt by your partner or ex-partner?",
}


@pytest.mark.parametrize(("question_id", "wording"), HARK_WORDING.items())
def test_hark_items_are_asked_in_the_published_wording(question_id, wording):
    assert QUESTIONNAIRE.question(question_id).label == wording


# --- rules: (correction, rule raised, answers, words the message has, words it never has) ----

SI_UNANSWERED = {"si_thoughts": True, "si_method": DROP, "si_intent": DROP, "si_plan": DROP}

MESSAGE_ROWS: list[tuple[str, str, dict[str, Any], tuple[str, ...], tuple[str, ...]]] = [
    ("SU-1 names the frequency in the partner's words", "SU-1",
     {"dissociative_use": "monthly_or_less"},
     ('"More than once in the past year, but less than once a week"',), ("monthly or less",)),
    ("SU-1 once", "SU-1", {"dissociative_use": "once_past_year"},
     ('"Once in the past year"',), ()),
    ("SU-1 weekly", "SU-1", {"dissociative_use": "weekly_or_more"},
     ('"Once a week or more"',), ()),
    ("SI-1 on a save with si_thoughts yes, intent and plan not answered yet", "SI-1",
     SI_UNANSWERED, ("questions on intent and a plan not answered yet",), ()),
    ("SI-1 with the plan not answered yet", "SI-1",
     {"si_thoughts": True, "si_intent": False, "si_plan": DROP},
     ("question on a plan not answered yet",), ("intent and",)),
    ("SI-3 never says not reported: only a wish to be dead", "SI-3", {"si_wish_dead": True},
     ("intent and a plan were not asked (no thoughts of ending their life)",
      "they answered no to ever having done something to end their life"),
     ("reported,", "was reported", "not reported")),
    ("SI-3: thoughts, intent and plan answered no", "SI-3", table.SI_THOUGHTS_ONLY,
     ("they answered no to intent and to a plan",), ("not reported", "was reported")),
    ("SI-3: behaviour not answered", "SI-3", {"si_wish_dead": True, "si_behaviour": DROP},
     ("whether they have ever done something to end their life is not answered",),
     ("not reported", "was reported")),
    ("SI-3: a wish to be dead saved before the other questions", "SI-3",
     {"si_wish_dead": True, "si_thoughts": DROP, "si_behaviour": DROP},
     ("thoughts of ending their life, intent and a plan are not answered",), ("not reported",)),
    ("AG-1 states the bound min_age keeps", "AG-1", {"date_of_birth": "2009-01-16"},
     ("esketamine is not approved under 18 and the clinic's minimum age is 18",), ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "overrides", "has", "has_not"),
    [row[1:] for row in MESSAGE_ROWS],
    ids=[row[0] for row in MESSAGE_ROWS],
)
def test_correction_messages(rule, overrides, has, has_not):
    message = flag(rule, overrides).message
    for words in has:
        assert words in message
    for words in has_not:
        assert words not in message


def test_si_1_on_a_partial_safety_save_is_urgent_and_found_by_the_check_made_on_save():
    answers = table.answers_with(**SI_UNANSWERED)
    raised = {f.rule for f in table.flags_for(answers)}
    assert "SI-1" in raised and "SI-3" not in raised
    # What screening.services.check_urgent runs when the safety step is saved.
    [urgent] = urgent_partner_flags(answers, "a", date(2027, 1, 15), Parameters())
    assert (urgent.rule, urgent.severity) == ("SI-1", Severity.URGENT)
    assert urgent.evidence == (("si_thoughts", True),)


def test_si_1_is_not_raised_once_intent_and_plan_are_answered_no():
    answers = table.answers_with(**table.SI_THOUGHTS_ONLY)
    assert {f.rule for f in partner_flags(answers, "a", date(2027, 1, 15), Parameters())} == {
        "SI-3"
    }


# --- AUDIT-C: a partner who never drinks ----------------------------------------------------

NEVER = {"auditc_1": 0, "auditc_2": DROP, "auditc_3": DROP}


@pytest.mark.parametrize(
    ("overrides", "total", "band", "missing"),
    [
        (NEVER, 0, "negative", ()),
        ({**NEVER, "sex_for_scoring": "male"}, 0, "negative", ()),
        ({"auditc_1": 1, "auditc_2": DROP, "auditc_3": DROP}, None, None, ("auditc_2", "auditc_3")),
        (
            {"auditc_1": DROP, "auditc_2": DROP, "auditc_3": DROP},
            None,
            None,
            ("auditc_1", "auditc_2", "auditc_3"),
        ),
    ],
    ids=["never drinks", "never drinks, male", "drinks, items missing", "not answered"],
)
def test_auditc_scoring_table(overrides, total, band, missing):
    score = score_partner(table.answers_with(**overrides), Parameters())["auditc"]
    assert (score.total, score.band, score.missing) == (total, band, missing)
    if total == 0:
        assert "auditc_1 is never, so auditc_2 and auditc_3 are not asked and score 0" in (
            score.note
        )


def test_a_partner_who_never_drinks_is_not_asked_how_much_and_no_record_says_they_drink():
    answers = make_answers(auditc_1=0)
    assert "auditc_2" not in answers and "auditc_3" not in answers
    for question_id in ("auditc_2", "auditc_3"):
        question = QUESTIONNAIRE.question(question_id)
        assert not question.when.holds({"auditc_1": 0})
        assert question.when.holds({"auditc_1": 1})
        assert "never drink" not in question.help
        with pytest.raises(DocumentError, match="not asked"):
            parse_partner(QUESTIONNAIRE, "a", {**answers, question_id: 0})
    assert "SU-2" not in {f.rule for f in table.flags_for(table.answers_with(**NEVER))}


# --- ptsd_declined is a checkbox, and its hint says so --------------------------------------


def test_the_ptsd_declined_hint_fits_its_checkbox():
    question = QUESTIONNAIRE.question("ptsd_declined")
    field = make_field(question)
    assert field.widget.input_type == "checkbox"
    assert question.help == "Tick this box to skip the questions on this page."


# --- min_age cannot go below what AG-1's message states --------------------------------------


@pytest.mark.parametrize(("value", "accepted"), [(16, False), (17, False), (18, True), (21, True)])
def test_min_age_cannot_be_set_below_18(value, accepted):
    from screening.models import ClinicParameters

    field = ClinicParameters._meta.get_field("min_age")
    if accepted:
        assert field.clean(value, None) == value
    else:
        with pytest.raises(ValidationError, match="greater than or equal to 18"):
            field.clean(value, None)
