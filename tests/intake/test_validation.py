"""Each validation rule of the step forms, as the partner sees it: the message next to the
field and the same message in the error summary at the top, which links to the field."""

import datetime

import pytest

from intake.forms import CHOOSE, MUST_TICK, REQUIRED
from intake.questionnaire import CURRENT
from intake.questionnaire.document import CANNOT_PRINT, number_range
from intake.questionnaire.schema import QType
from tests.intake.helpers import (
    StepPage,
    assert_error_shown,
    assert_no_error,
    completed_steps,
    form_values,
    html_of,
    post_step,
    step_url,
    stored_answers,
    summary_errors,
)
from tests.pageform import current_values, parse_form

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 15, 19, 0, tzinfo=datetime.UTC)  # noon in Vancouver


def _assert_refused(client, step_id, question_id, response, message=None):
    error = assert_error_shown(response, f"{step_id}-{question_id}", message)
    assert step_id not in completed_steps(client.partner)
    return error


def _assert_accepted(client, step_id, response):
    assert response.status_code == 302, summary_errors(response)
    assert step_id in completed_steps(client.partner)


# --- required ------------------------------------------------------------------------------------


@pytest.mark.parametrize("step_id", [s.id for s in CURRENT.steps])
def test_an_empty_step_asks_for_every_required_answer(partner_a, at_step, step_id):
    at_step(step_id)
    page = partner_a.get(step_url(partner_a, step_id))
    form = parse_form(html_of(page))
    data = {k: v for k, v in current_values(form).items() if not k.startswith(f"{step_id}-")}
    response = partner_a.post(step_url(partner_a, step_id), data)

    step = CURRENT.step(step_id)
    boxes = {q.id for section in step.sections for q in section.items}
    required = [
        q
        for q in step.questions
        if q.required and (q.when is None or q.when.holds({})) and q.id not in boxes
    ]
    for question in required:
        message = MUST_TICK if question.must_be_true else REQUIRED
        _assert_refused(partner_a, step_id, question.id, response, message)
    # A checklist asks once, next to the list: a box ticked, or "None of these".
    checklists = [section for section in step.sections if section.checklist]
    for section in checklists:
        _assert_refused(partner_a, step_id, section.none_name, response, REQUIRED)
    required += checklists
    assert len(summary_errors(response)) == len(required)
    assert f"Please check {len(required)} answer" in html_of(response)


# --- numbers and their ranges ------------------------------------------------------------------

RANGES = [
    # step, question, below, above, not a number, valid min, valid max (typed in the stored
    # unit; tests/intake/test_typed_values.py has the other units and what people type)
    ("about", "height_cm", "99", "251", "tall", "100", "250"),
    ("about", "weight_kg", "29.9", "300.01", "heavy", "30", "300"),
    ("relationship", "relationship_years", "-0.5", "80.5", "ten", "0", "80"),
    ("physical", "bp_systolic", "59", "261", "12O", "60", "260"),
    ("physical", "bp_diastolic", "29", "161", "eighty", "30", "160"),
]


@pytest.mark.parametrize("rule", RANGES, ids=[r[1] for r in RANGES])
def test_number_ranges(partner_a, at_step, rule):
    step_id, question_id, below, above, word, low, high = rule
    question = CURRENT.question(question_id)
    # The other number of a blood-pressure reading leaves room for both ends of the range
    # (the top number is larger than the bottom one).
    answers = at_step(step_id, bp_systolic=260, bp_diastolic=30)
    page = StepPage(partner_a, step_id)
    boxes = {"height_cm": ("cm", "", ""), "weight_kg": ("kg",)}.get(question_id, ())
    for value, message in (
        (below, number_range(question)),
        (above, number_range(question)),
        (word, question.format_hint),
    ):
        response = page.type_in(answers, question_id, value, *boxes)
        _assert_refused(partner_a, step_id, question_id, response, message)
        assert stored_answers(partner_a.partner).get(question_id) != value

    for value in (low, high):
        response = page.type_in(answers, question_id, value, *boxes)
        _assert_accepted(partner_a, step_id, response)
        assert stored_answers(partner_a.partner)[question_id] == float(value)


def test_a_decimal_is_saved_as_a_number(partner_a, at_step):
    answers = at_step("relationship")
    page = StepPage(partner_a, "relationship")
    page.post({**answers, "relationship_years": "2.5"})
    assert stored_answers(partner_a.partner)["relationship_years"] == 2.5
    page.post({**answers, "relationship_years": "3"})
    assert stored_answers(partner_a.partner)["relationship_years"] == 3


@pytest.mark.parametrize(
    ("given", "missing"), [("bp_systolic", "bp_diastolic"), ("bp_diastolic", "bp_systolic")]
)
def test_blood_pressure_needs_both_numbers_or_neither(partner_a, at_step, given, missing):
    answers = at_step("physical", bp_systolic=None, bp_diastolic=None)
    page = StepPage(partner_a, "physical")
    response = page.post({**answers, given: 120})
    _assert_refused(partner_a, "physical", missing, response, "Please give both numbers")
    assert_no_error(response, f"physical-{given}")

    response = page.post(answers)  # neither
    _assert_accepted(partner_a, "physical", response)
    response = page.post({**answers, "bp_systolic": 120, "bp_diastolic": 80})
    _assert_accepted(partner_a, "physical", response)
    saved = stored_answers(partner_a.partner)
    assert (saved["bp_systolic"], saved["bp_diastolic"]) == (120, 80)


# --- lists of codes -------------------------------------------------------------------------------

EXCLUSIVE = [
    (step.id, question.id, code, other)
    for step in CURRENT.steps
    for question in step.questions
    if question.exclusive
    for code in question.exclusive
    for other in [next(c.code for c in question.choices if c.code != code)]
]


@pytest.mark.parametrize(
    ("step_id", "question_id", "code", "other"),
    EXCLUSIVE,
    ids=[f"{e[1]}-{e[2]}" for e in EXCLUSIVE],
)
def test_exclusive_codes_cannot_be_combined(partner_a, at_step, step_id, question_id, code, other):
    answers = at_step(step_id)
    label = CURRENT.question(question_id).choice_label(code)
    page = StepPage(partner_a, step_id)
    response = page.post({**answers, question_id: [other, code]})
    _assert_refused(
        partner_a, step_id, question_id, response, f"“{label}” can't be combined with other answers"
    )
    assert stored_answers(partner_a.partner).get(question_id) != [other, code]

    response = page.post({**answers, question_id: [code]})
    _assert_accepted(partner_a, step_id, response)
    assert stored_answers(partner_a.partner)[question_id] == [code]


def test_every_exclusive_question_is_covered():
    questions = {q.id for s in CURRENT.steps for q in s.questions if q.exclusive}
    assert questions == {
        "safe_contact",
        "pregnancy",
        "med_classes",
        "conditions_told",
        "substances_past_year",
    }
    assert {e[1] for e in EXCLUSIVE} == questions


def test_codes_that_are_not_offered_are_refused(partner_a, at_step):
    answers = at_step("about")
    page = partner_a.get(step_url(partner_a, "about"))
    data = current_values(parse_form(html_of(page)))
    data.update(
        {
            "about-preferred_name": ["Sam"],
            "about-date_of_birth": ["1988-04-02"],
            "about-sex_for_scoring": ["robot"],
            "about-safe_contact": ["email", "carrier_pigeon"],
        }
    )
    response = partner_a.post(step_url(partner_a, "about"), data)
    _assert_refused(partner_a, "about", "sex_for_scoring", response, CHOOSE)
    _assert_refused(partner_a, "about", "safe_contact", response, CHOOSE)
    saved = stored_answers(partner_a.partner)
    assert "sex_for_scoring" not in saved and "safe_contact" not in saved
    assert answers


# --- must be yes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "question_id"), [("practical", "consent_share"), ("review", "certify_accurate")]
)
def test_must_be_ticked(partner_a, at_step, step_id, question_id):
    answers = at_step(step_id)
    page = StepPage(partner_a, step_id)
    response = page.post({**answers, question_id: False})
    _assert_refused(partner_a, step_id, question_id, response, MUST_TICK)
    assert not partner_a.partner.submissions.exists()
    response = page.post({**answers, question_id: True})
    assert response.status_code == 302
    if step_id == "review":  # ticking it submits: the locked answers say so
        assert partner_a.partner.submissions.get().answers[question_id] is True
    else:
        assert stored_answers(partner_a.partner)[question_id] is True


# --- formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["not-an-email", "sam@", "sam at example.com", "@example.com"])
def test_email_format(partner_a, at_step, value):
    answers = at_step("about")
    response = post_step(partner_a, "about", {**answers, "email": value})
    _assert_refused(partner_a, "about", "email", response, "like name@example.com")


@pytest.mark.parametrize("value", ["call me", "12345", "+1 604 555 0101 ext 9", "0" * 25])
def test_phone_format(partner_a, at_step, value):
    answers = at_step("about")
    response = post_step(partner_a, "about", {**answers, "phone": value})
    _assert_refused(partner_a, "about", "phone", response, "Please enter a phone number")


@pytest.mark.parametrize("value", ["Sam\x1b[31m", "Sam\x07", "Sam\x7fLee"])
def test_text_that_cannot_be_printed_is_refused_next_to_the_field(partner_a, at_step, value):
    """The page refuses what the answers document refuses: the draft stays a valid document."""
    answers = at_step("about")
    response = post_step(partner_a, "about", {**answers, "emergency_contact": value})
    _assert_refused(
        partner_a, "about", "emergency_contact", response, "Please remove the special character"
    )


def test_a_box_posted_twice_is_one_answer(partner_a, at_step):
    answers = at_step("about")
    response = post_step(partner_a, "about", {**answers, "safe_contact": ["email", "email"]})
    _assert_accepted(partner_a, "about", response)
    assert stored_answers(partner_a.partner)["safe_contact"] == ["email"]


@pytest.mark.parametrize("value", ["+1 (604) 555-0101", "604.555.0101", "07700 900123"])
def test_phone_numbers_people_write_are_accepted(partner_a, at_step, value):
    answers = at_step("about")
    response = post_step(partner_a, "about", {**answers, "phone": value})
    _assert_accepted(partner_a, "about", response)
    assert stored_answers(partner_a.partner)["phone"] == value


# --- long text ------------------------------------------------------------------------------------

TEXTS = [q for s in CURRENT.steps for q in s.questions if q.type == QType.TEXT]


@pytest.mark.parametrize("question", TEXTS, ids=[q.id for q in TEXTS])
def test_over_long_text_is_refused_with_a_message(partner_a, at_step, question):
    step_id = CURRENT.step_of(question.id).id
    answers = at_step(step_id, ketamine_reaction=True)
    limit = question.text_max_length
    too_long = (
        ("x" * limit + "x") if not question.format else _formatted(question.format, limit + 1)
    )

    page = StepPage(partner_a, step_id)
    # Nothing cuts what is typed or pasted before the server sees it.
    assert "maxlength" not in html_of(partner_a.get(step_url(partner_a, step_id)))
    response = page.post({**answers, question.id: too_long})
    error = _assert_refused(partner_a, step_id, question.id, response)
    assert f"This answer is {limit + 1} characters; the limit is {limit}." in error
    assert "Please shorten it." in error
    assert stored_answers(partner_a.partner).get(question.id) != too_long
    # What was typed is all still in the box, to shorten.
    assert form_values(response)[f"{step_id}-{question.id}"] == [too_long]

    if not question.format:
        at_limit = "y" * limit
        response = page.post({**answers, question.id: at_limit})
        _assert_accepted(partner_a, step_id, response)
        assert stored_answers(partner_a.partner)[question.id] == at_limit


def _formatted(kind: str, length: int) -> str:
    if kind == "email":
        return "a" * (length - len("@example.com")) + "@example.com"
    return "+" + "1" * (length - 1)


def test_text_is_saved_without_surrounding_spaces(partner_a, at_step):
    answers = at_step("about")
    page = StepPage(partner_a, "about")
    page.post({**answers, "preferred_name": "   Sam  "})
    assert stored_answers(partner_a.partner)["preferred_name"] == "Sam"
    response = page.post({**answers, "preferred_name": "    "})
    _assert_refused(partner_a, "about", "preferred_name", response, REQUIRED)


# --- medicines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        {"name": "", "dose": "20 mg", "frequency": ""},
        {"name": "", "dose": "", "frequency": "twice a day"},
        {"name": "  ", "dose": "5 mg", "frequency": "daily"},
    ],
)
def test_a_medicine_row_needs_a_name(partner_a, at_step, row):
    answers = at_step("medications")
    meds = [{"name": "Sertraline", "dose": "50 mg", "frequency": "daily"}, row]
    response = post_step(partner_a, "medications", {**answers, "medications": meds})
    _assert_refused(
        partner_a,
        "medications",
        "medications__1__name",
        response,
        "Please give the medicine's name, or clear this row.",
    )
    assert_no_error(response, "medications-medications__0__name")


def test_medicine_rows_are_saved_in_order_and_empty_rows_are_skipped(partner_a, at_step):
    answers = at_step("medications")
    page = partner_a.get(step_url(partner_a, "medications"))
    data = current_values(parse_form(html_of(page)))
    data.update(
        {
            "medications-medications__0__name": ["Sertraline"],
            "medications-medications__0__dose": ["50 mg"],
            "medications-medications__2__name": ["Vitamin D"],
            "medications-medications__2__frequency": ["daily"],
            "medications-med_classes": ["ssri_snri"],
        }
    )
    response = partner_a.post(step_url(partner_a, "medications"), data)
    _assert_accepted(partner_a, "medications", response)
    assert stored_answers(partner_a.partner)["medications"] == [
        {"name": "Sertraline", "dose": "50 mg", "frequency": ""},
        {"name": "Vitamin D", "dose": "", "frequency": "daily"},
    ]
    assert answers


def test_save_and_add_more_rows_keeps_the_rows_and_offers_three_empty_ones(partner_a, at_step):
    answers = at_step("medications")
    meds = [{"name": f"Medicine {n}", "dose": "", "frequency": ""} for n in range(3)]
    response = post_step(
        partner_a, "medications", {**answers, "medications": meds}, extra={"wizard_more_rows": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "medications") + "?more=1#medicines"
    assert stored_answers(partner_a.partner)["medications"] == meds
    values = current_values(parse_form(html_of(partner_a.get(response["Location"]))))
    names = [values.get(f"medications-medications__{n}__name") for n in range(10)]
    assert names == [["Medicine 0"], ["Medicine 1"], ["Medicine 2"]] + [[""]] * 6 + [None]


def test_add_more_rows_with_nothing_filled_in_still_adds_rows(partner_a, at_step):
    answers = at_step("medications")
    url = step_url(partner_a, "medications")
    response = post_step(
        partner_a, "medications", {**answers, "medications": []}, extra={"wizard_more_rows": "1"}
    )
    assert response["Location"] == url + "?more=1#medicines"
    values = current_values(parse_form(html_of(partner_a.get(response["Location"]))))
    assert "medications-medications__5__name" in values
    assert "medications-medications__6__name" not in values
    for junk in ("junk", "²", "٣", "-1", "99999999999999999999"):  # typed into the address
        assert partner_a.get(f"{url}?more={junk}").status_code == 200, junk


def test_nul_characters_are_refused_and_never_break_saving(partner_a, at_step):
    """A NUL cannot be stored in PostgreSQL's JSON: the draft must be saved without it."""
    answers = at_step("goals")
    page = StepPage(partner_a, "goals")
    response = page.post(
        {**answers, "goals_self": "Feel\x00 better"}, extra={"goals-\x00odd-key": ["\x00"]}
    )
    _assert_refused(partner_a, "goals", "goals_self", response, CANNOT_PRINT)
    response = page.post(
        {**answers, "goals_self": "Feel\x00 better"}, extra={"wizard_goto_step": "about"}
    )
    assert response.status_code == 302
    assert "goals_self" not in stored_answers(partner_a.partner)
    values = form_values(partner_a.get(step_url(partner_a, "goals")))
    assert values["goals-goals_self"] == ["Feel better"]
