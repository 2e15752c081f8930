"""Every `when` condition of questionnaire v1, on and off.

On: the question is asked (required ones must be answered: "Please answer this question."
next to the field and in the summary). Off: it is not required, and whatever was posted for
it is dropped from the saved answers.
"""

import pytest

from intake.forms import REQUIRED
from intake.questionnaire import CURRENT
from tests.intake.helpers import (
    StepPage,
    assert_error_shown,
    assert_no_error,
    completed_steps,
    post_step,
    step_url,
    stored_answers,
)

pytestmark = pytest.mark.django_db

PCPTSD = [f"pcptsd_{n}" for n in range(1, 6)]

NONE_BOXES = {q.id for step in CURRENT.steps for q in step.questions if q.none_for}

# (step, question, answers that turn it on, answers that turn it off, a value for it)
CONDITIONS = [
    ("physical", "heart_attack_when", {"heart_attack": True}, {"heart_attack": False}, "2021-04"),
    ("physical", "stroke_tia_when", {"stroke_tia": True}, {"stroke_tia": False}, "2019-12"),
    (
        "physical",
        "angina_stent_bypass_when",
        {"angina_stent_bypass": True},
        {"angina_stent_bypass": False},
        "2022-07",
    ),
    (
        "physical",
        "bp_reading_date",
        {"bp_systolic": 128, "bp_diastolic": 82},
        {"bp_systolic": None, "bp_diastolic": None},
        "2025-10-03",
    ),
    (
        "physical",
        "reaction_details",
        {"ketamine_reaction": True},
        {"ketamine_reaction": False, "anaesthesia_reaction": False},
        "Rash after a dose in 2019.",
    ),
    (
        "physical",
        "reaction_details",
        {"anaesthesia_reaction": True},
        {"ketamine_reaction": False, "anaesthesia_reaction": False},
        "Very sick after surgery.",
    ),
    ("physical", "allergies", {"no_allergies": False}, {"no_allergies": True}, "Latex: a rash."),
    (
        "medications",
        "medications",
        {"no_medicines": False},
        {"no_medicines": True},
        [{"name": "Lithium", "dose": "300 mg", "frequency": "twice a day"}],
    ),
    ("mental_health", "mania_now", {"mania_ever": True}, {"mania_ever": False}, True),
    *(("experiences", qid, {"ptsd_event": True}, {"ptsd_event": False}, True) for qid in PCPTSD),
    ("experiences", "ptsd_event", {"ptsd_declined": False}, {"ptsd_declined": True}, False),
    *(
        ("safety", qid, {"si_thoughts": True}, {"si_thoughts": False}, False)
        for qid in ("si_method", "si_intent", "si_plan")
    ),
    ("safety", "si_behaviour_3m", {"si_behaviour": True}, {"si_behaviour": False}, False),
    # a partner who never drinks is not asked how much or how often they drink heavily
    *(("substances", qid, {"auditc_1": 1}, {"auditc_1": 0}, 2) for qid in ("auditc_2", "auditc_3")),
]


def _id(case):
    step, question, on, *_ = case
    return f"{question}-when-{'-'.join(on) or 'always'}"


def test_every_condition_of_v1_is_covered():
    # The unit a weight or height was typed in is asked with its number: covered by
    # tests/intake/test_typed_values.py.
    conditional = {
        q.id
        for step in CURRENT.steps
        for q in step.questions
        if q.when is not None and not q.unit_of
    }
    assert conditional == {case[1] for case in CONDITIONS}


@pytest.mark.parametrize("case", CONDITIONS, ids=[_id(c) for c in CONDITIONS])
def test_condition_on_asks_the_question(partner_a, at_step, case):
    step_id, question_id, on, _off, value = case
    question = CURRENT.question(question_id)
    answers = at_step(step_id, **on)
    answers.pop(question_id, None)
    page = StepPage(partner_a, step_id)
    response = page.post(answers)

    if question.required:
        assert_error_shown(response, f"{step_id}-{question_id}", REQUIRED)
        assert step_id not in completed_steps(partner_a.partner)
        assert question_id not in stored_answers(partner_a.partner)
    else:
        assert response.status_code == 302
        assert question_id not in stored_answers(partner_a.partner)

    response = page.post({**answers, question_id: value})
    assert response.status_code == 302, response.content.decode()[:300]
    if response["Location"].startswith(step_url(partner_a, step_id) + "#question-"):
        # A safety answer: saved, and the step comes back with the crisis contacts first.
        response = StepPage(partner_a, step_id).post({**answers, question_id: value})
    assert response["Location"] == step_url(partner_a, _next(step_id))
    assert stored_answers(partner_a.partner)[question_id] == value
    assert step_id in completed_steps(partner_a.partner)


@pytest.mark.parametrize("case", CONDITIONS, ids=[_id(c) for c in CONDITIONS])
def test_condition_off_drops_the_answer(partner_a, at_step, case):
    step_id, question_id, _on, off, value = case
    answers = at_step(step_id, **off)
    assert question_id not in answers
    posted = {**answers, question_id: value}
    if question_id == "ptsd_event":  # and everything that hangs on it
        posted.update(dict.fromkeys(PCPTSD, True))
    # "I have no allergies" ticked with allergies typed: without JavaScript both are on the
    # page, and the partner is asked which (tests/intake/test_none_answers.py); with it, the
    # box was put away and what is left in it is not asked, as here.
    extra = {"js": "1"} if CURRENT.question(question_id).when.questions() & NONE_BOXES else None
    response = post_step(partner_a, step_id, posted, extra)

    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, _next(step_id))
    saved = stored_answers(partner_a.partner)
    assert question_id not in saved
    if question_id == "ptsd_event":
        assert not set(PCPTSD) & set(saved)
        assert saved["ptsd_declined"] is True
    for other, other_value in off.items():
        assert saved.get(other) == other_value
    assert step_id in completed_steps(partner_a.partner)


def test_a_condition_that_is_off_never_shows_an_error(partner_a, at_step):
    """Garbage in a question that is not asked does not block the step."""
    answers = at_step("physical", heart_attack=False)
    response = post_step(partner_a, "physical", {**answers, "heart_attack_when": "not a month"})
    assert response.status_code == 302
    assert "heart_attack_when" not in stored_answers(partner_a.partner)


def test_a_condition_that_is_on_checks_the_value(partner_a, at_step):
    answers = at_step("physical", heart_attack=True)
    response = post_step(partner_a, "physical", {**answers, "heart_attack_when": "last spring"})
    assert_error_shown(response, "physical-heart_attack_when", "Please give the month and year")
    assert_no_error(response, "physical-heart_attack")


def _next(step_id):
    ids = [s.id for s in CURRENT.steps]
    return ids[ids.index(step_id) + 1]
