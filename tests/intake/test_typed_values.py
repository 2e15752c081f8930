"""What people type in the number and date boxes, read as they meant it or refused with a
message saying what to type: never a number made by dropping letters ("140 lbs" is not
140 kg), never a date read in another order. Every message a partner can see is Tandem's
own, never one of Django's."""

import datetime
import re

import django.core.validators
import django.forms.fields
import pytest
from freezegun import freeze_time

from intake.forms import DATE_FORMAT, FULL_YEAR, MONTH_FORMAT
from intake.questionnaire import CURRENT
from intake.questionnaire.document import (
    DATE_IN_FUTURE,
    MONTH_IN_FUTURE,
    YEAR_TOO_EARLY,
)
from tests.intake.helpers import (
    StepPage,
    assert_error_shown,
    completed_steps,
    html_of,
    step_url,
    stored_answers,
    summary_errors,
    visible_text,
)
from tests.pageform import current_values, parse_form

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 15, 19, 0, tzinfo=datetime.UTC)  # noon in Vancouver
HINT = {q: CURRENT.question(q).format_hint for q in CURRENT.question_ids}
FEET_BOXES = "You chose feet and inches: please type them in the Feet and Inches boxes."

# question, boxes typed (one box, or each box of the group), stored value or message,
# the unit kept (for weight and height)
TYPED = [
    # weight: a number and kg / lb beside it
    ("weight_kg", ("140 lbs", "kg"), HINT["weight_kg"], None),
    ("weight_kg", ("140", "lb"), 63.5, "lb"),
    ("weight_kg", ("154", "lb"), 69.85, "lb"),
    ("weight_kg", ("72,5", "kg"), 72.5, None),
    ("weight_kg", ("6,5", "kg"), "Please enter a number from 30 to 300 kg.", None),
    ("weight_kg", ("5'10", "kg"), HINT["weight_kg"], None),
    ("weight_kg", ("178/108", "kg"), HINT["weight_kg"], None),
    ("weight_kg", ("15/07/1986", "kg"), HINT["weight_kg"], None),
    ("weight_kg", ("86", "kg"), 86, None),
    ("weight_kg", ("1000", "lb"), "Please enter a weight from 67 to 661 lb.", None),
    ("weight_kg", ("72.555", "kg"), "at most two decimal places", None),
    # height: cm, or feet and inches
    ("height_cm", ("178", "cm", "", ""), 178, None),
    ("height_cm", ("", "ft_in", "5", "10"), 178, "ft_in"),
    ("height_cm", ("5'10", "cm", "", ""), HINT["height_cm"], None),
    ("height_cm", ("5'10", "ft_in", "", ""), FEET_BOXES, None),
    ("height_cm", ("", "ft_in", "5'10", ""), "whole numbers in their own boxes", None),
    ("height_cm", ("", "ft_in", "5", "12"), "whole numbers in their own boxes", None),
    ("height_cm", ("", "cm", "5", "10"), "please choose “feet and inches”", None),
    ("height_cm", ("6,5", "cm", "", ""), HINT["height_cm"], None),
    ("height_cm", ("86", "cm", "", ""), "Please enter a number from 100 to 250 cm.", None),
    ("height_cm", ("", "ft_in", "2", "0"), "from 3 ft 4 in to 8 ft 2 in", None),
    # years together: a decimal comma is a decimal point
    ("relationship_years", ("6,5",), 6.5, None),
    ("relationship_years", ("6.5",), 6.5, None),
    ("relationship_years", ("6 years",), HINT["relationship_years"], None),
    ("relationship_years", ("86",), "Please enter a number from 0 to 80.", None),
    ("relationship_years", ("15/07/1986",), HINT["relationship_years"], None),
    # blood pressure: one number per box
    ("bp_systolic", ("178/108",), HINT["bp_systolic"], None),
    ("bp_systolic", ("140 lbs",), HINT["bp_systolic"], None),
    ("bp_systolic", ("178",), 178, None),
    ("bp_systolic", ("6,5",), HINT["bp_systolic"], None),
    ("bp_diastolic", ("178/108",), HINT["bp_diastolic"], None),
    ("bp_diastolic", ("86",), 86, None),
    # dates: day, month and year boxes
    ("date_of_birth", ("15", "7", "1986"), "1986-07-15", None),
    ("date_of_birth", ("15/07/1986", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("31", "2", "1990"), "February 1990 has no day 31", None),
    ("date_of_birth", ("29", "2", "1988"), "1988-02-29", None),
    ("date_of_birth", ("1", "1", "86"), FULL_YEAR, None),
    ("date_of_birth", ("15", "13", "1986"), "month as a number from 1 to 12", None),
    ("date_of_birth", ("32", "1", "1986"), "day as a number from 1 to 31", None),
    ("date_of_birth", ("15", "", "1986"), "Please give the month too.", None),
    ("date_of_birth", ("15", "July", "1986"), DATE_FORMAT, None),
    ("date_of_birth", ("1", "1", "1850"), YEAR_TOO_EARLY, None),
    ("date_of_birth", ("16", "6", "2026"), DATE_IN_FUTURE, None),
    ("date_of_birth", ("15", "6", "2026"), "2026-06-15", None),
    ("bp_reading_date", ("15/05/2026", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("1", "5", "26"), FULL_YEAR, None),
    ("bp_reading_date", ("16", "6", "2026"), DATE_IN_FUTURE, None),
    ("bp_reading_date", ("01", "05", "2026"), "2026-05-01", None),
    # months: month and year boxes
    ("heart_attack_when", ("6", "2020"), "2020-06", None),
    ("heart_attack_when", ("06/2020", ""), MONTH_FORMAT, None),
    ("heart_attack_when", ("June", "2020"), MONTH_FORMAT, None),
    ("heart_attack_when", ("13", "2020"), "month as a number from 1 to 12", None),
    ("heart_attack_when", ("6", "86"), FULL_YEAR, None),
    ("heart_attack_when", ("12", "1899"), YEAR_TOO_EARLY, None),
    ("heart_attack_when", ("7", "2026"), MONTH_IN_FUTURE, None),
    ("stroke_tia_when", ("31/02/1990", ""), MONTH_FORMAT, None),
]
SET_UP = {"bp_systolic": 120, "bp_diastolic": 80, "heart_attack": True, "stroke_tia": True}


def _django_messages() -> list[str]:
    """The start of every message Django's form fields and validators give by default."""
    texts = set()
    for value in vars(django.forms.fields).values():
        if isinstance(value, type) and issubclass(value, django.forms.Field):
            texts.update(str(m) for m in value.default_error_messages.values())
    for value in vars(django.core.validators).values():
        message = getattr(value, "message", None)
        if isinstance(value, type) and message:
            texts.add(str(message))
    # Messages built with ngettext (lengths, decimal places) and MultiValueField's.
    texts.update(
        ["Enter a complete value.", "Ensure this value has", "Ensure that there are no more"]
    )
    return sorted({re.split(r"%\(|\{", text)[0].strip() for text in texts} - {""})


DJANGO_MESSAGES = _django_messages()


def assert_no_django_message(response) -> None:
    shown = visible_text(response)
    found = [message for message in DJANGO_MESSAGES if message in shown]
    assert not found, found


@pytest.fixture
def page_for(partner_a, at_step):
    def go(question_id):
        step_id = CURRENT.step_of(question_id).id
        answers = at_step(step_id, **SET_UP)
        return StepPage(partner_a, step_id), answers, step_id

    return go


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("question_id", "boxes", "expected", "unit"),
    TYPED,
    ids=[f"{q}:{'|'.join(b)}" for q, b, _, _ in TYPED],
)
def test_what_is_typed_is_stored_as_meant_or_refused_saying_what_to_type(
    partner_a, page_for, question_id, boxes, expected, unit
):
    page, answers, step_id = page_for(question_id)
    response = page.type_in(answers, question_id, *boxes)
    assert_no_django_message(response)
    stored = stored_answers(partner_a.partner)
    unit_key = f"{question_id.rsplit('_', 1)[0]}_unit"
    if isinstance(expected, str) and not re.fullmatch(r"[0-9-]+", expected):
        assert_error_shown(response, f"{step_id}-{question_id}", expected)
        assert step_id not in completed_steps(partner_a.partner)
        assert question_id not in stored
        assert unit_key not in stored
    else:
        assert response.status_code == 302, summary_errors(response)
        assert stored[question_id] == expected
        assert type(stored[question_id]) is type(expected)
        assert stored.get(unit_key) == unit


@freeze_time(TODAY)
def test_the_boxes_show_what_was_typed_when_the_partner_comes_back(partner_a, page_for):
    """A weight in lb and a height in feet and inches come back in the boxes as typed."""
    page, answers, step_id = page_for("weight_kg")
    answers = {k: v for k, v in answers.items() if k not in ("weight_kg", "height_cm")}
    extra = {
        "about-weight_kg_0": "154",
        "about-weight_kg_1": "lb",
        "about-height_cm_0": "",
        "about-height_cm_1": "ft_in",
        "about-height_cm_2": "5",
        "about-height_cm_3": "10",
        "about-date_of_birth_0": "15",
        "about-date_of_birth_1": "7",
        "about-date_of_birth_2": "1986",
    }
    assert page.post(answers, extra=extra).status_code == 302
    values = current_values(parse_form(html_of(partner_a.get(step_url(partner_a, step_id)))))
    for key, value in extra.items():
        assert values[key] == [value], key


def test_changing_back_to_kilograms_drops_the_unit_typed_before(partner_a, page_for):
    page, answers, _step_id = page_for("weight_kg")
    assert page.type_in(answers, "weight_kg", "154", "lb").status_code == 302
    assert stored_answers(partner_a.partner)["weight_unit"] == "lb"
    assert page.type_in(answers, "weight_kg", "70", "kg").status_code == 302
    stored = stored_answers(partner_a.partner)
    assert stored["weight_kg"] == 70
    assert "weight_unit" not in stored
