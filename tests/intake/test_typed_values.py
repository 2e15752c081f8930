"""What people type in the number and date boxes, read as they meant it or refused with a
message saying what to type: never a number made by dropping letters ("140 lbs" is not
140 kg), never a date read in another order. Every message a partner can see is Tandem's
own, never one of Django's."""

import re

import pytest
from freezegun import freeze_time

from intake.forms import DATE_FORMAT, FULL_YEAR, MONTH_FORMAT, step_form_class
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
    form_values,
    html_of,
    step_url,
    stored_answers,
    summary_errors,
)
from tests.intake.typed_support import (
    LB_AND_FEET_BOXES,
    SET_UP,
    TODAY,
    assert_no_django_message,
)
from tests.pageform import current_values, parse_form

pytestmark = pytest.mark.django_db

HINT = {q: CURRENT.question(q).format_hint for q in CURRENT.question_ids}
# New messages, written out here (not imported from the code that gives them).
THOUSANDS = "Please type the number without a comma: 1000 for one thousand, or 1.5 with a point"
LB_PLACES = "Please type pounds with at most one decimal place, for example 154.5."
SWAPPED = "The top number is usually the larger one, for example 128 in 128/82."
FEET_BOXES = "You chose feet and inches but typed in the cm box: 5'10. Please type your height"
CM_BOX = "You chose cm but typed in the Feet and Inches boxes. Please type your height in the cm"
BOTH_FEET = "You chose feet and inches, and the cm box has 178 in it too. Please clear the cm box"
BOTH_CM = "You chose cm, and the Feet and Inches boxes have something in them too."
W, H, Y = HINT["weight_kg"], HINT["height_cm"], HINT["relationship_years"]
TOP, BOTTOM = HINT["bp_systolic"], HINT["bp_diastolic"]

# question, boxes typed (one box, or each box of the group in the page's order), stored
# value or (part of) the message shown next to the boxes, the unit kept (weight and height).
#
# Every number and date box gets each of "140 lbs", "6,5", "5'10", "178/108", "15/07/1986",
# "31/02/1990" and "86" (and the weight "140" with lb chosen). Weight boxes: (number, unit).
# Height boxes: (cm, unit, feet, inches). Date boxes: (day, month, year); month boxes:
# (month, year). A date typed whole goes into the first box, as a person who does not see
# the three boxes types it; the dates are also typed split into their boxes.
TYPED = [
    # weight: a number and kg / lb beside it
    ("weight_kg", ("140 lbs", "kg"), W, None),
    ("weight_kg", ("140 lbs", "lb"), W, None),
    ("weight_kg", ("140", "lb"), 63.5, "lb"),
    ("weight_kg", ("154", "lb"), 69.85, "lb"),
    ("weight_kg", ("6,5", "kg"), "Please enter a number from 30 to 300 kg.", None),
    ("weight_kg", ("6,5", "lb"), "Please enter a weight from 67 to 661 lb.", None),
    ("weight_kg", ("72,5", "kg"), 72.5, None),
    ("weight_kg", ("5'10", "kg"), W, None),
    ("weight_kg", ("178/108", "kg"), W, None),
    ("weight_kg", ("15/07/1986", "kg"), W, None),
    ("weight_kg", ("31/02/1990", "kg"), W, None),
    ("weight_kg", ("86", "kg"), 86, None),
    ("weight_kg", ("86", "lb"), 39.01, "lb"),
    ("weight_kg", ("1000", "lb"), "Please enter a weight from 67 to 661 lb.", None),
    ("weight_kg", ("72.555", "kg"), "at most two decimal places", None),
    ("weight_kg", ("72.55", "kg"), 72.55, None),
    # a comma before three digits: a thousands separator or a decimal comma?
    ("weight_kg", ("1,000", "kg"), THOUSANDS, None),
    ("weight_kg", ("1,000", "lb"), THOUSANDS, None),
    ("weight_kg", ("72,500", "kg"), THOUSANDS, None),
    ("weight_kg", ("72,50", "kg"), 72.5, None),
    # pounds come back as typed: one decimal at most (trailing zeros are no decimal)
    ("weight_kg", ("154.25", "lb"), LB_PLACES, None),
    ("weight_kg", ("154,25", "lb"), LB_PLACES, None),
    ("weight_kg", ("154.5", "lb"), 70.08, "lb"),
    ("weight_kg", ("154.50", "lb"), 70.08, "lb"),
    # height: cm, or feet and inches
    ("height_cm", ("178", "cm", "", ""), 178, None),
    ("height_cm", ("", "ft_in", "5", "10"), 178, "ft_in"),
    ("height_cm", ("140 lbs", "cm", "", ""), H, None),
    ("height_cm", ("6,5", "cm", "", ""), H, None),
    ("height_cm", ("", "ft_in", "6,5", ""), "whole numbers in their own boxes", None),
    ("height_cm", ("5'10", "cm", "", ""), H, None),
    ("height_cm", ("5'10", "ft_in", "", ""), FEET_BOXES, None),
    ("height_cm", ("", "ft_in", "5'10", ""), "whole numbers in their own boxes", None),
    ("height_cm", ("178/108", "cm", "", ""), H, None),
    ("height_cm", ("15/07/1986", "cm", "", ""), H, None),
    ("height_cm", ("31/02/1990", "cm", "", ""), H, None),
    ("height_cm", ("86", "cm", "", ""), "Please enter a number from 100 to 250 cm.", None),
    ("height_cm", ("", "ft_in", "86", ""), "from 3 ft 4 in to 8 ft 2 in", None),
    ("height_cm", ("1,000", "cm", "", ""), THOUSANDS, None),
    ("height_cm", ("", "ft_in", "5", "12"), "whole numbers in their own boxes", None),
    ("height_cm", ("", "ft_in", "2", "0"), "from 3 ft 4 in to 8 ft 2 in", None),
    # the boxes of the unit not chosen are never dropped without a word (no JavaScript:
    # every box is on the page)
    ("height_cm", ("", "cm", "5", "10"), CM_BOX, None),
    ("height_cm", ("178", "ft_in", "5", "10"), BOTH_FEET, None),
    ("height_cm", ("178", "cm", "5", "10"), BOTH_CM, None),
    # years together: a decimal comma is a decimal point
    ("relationship_years", ("140 lbs",), Y, None),
    ("relationship_years", ("6,5",), 6.5, None),
    ("relationship_years", ("6.5",), 6.5, None),
    ("relationship_years", ("5'10",), Y, None),
    ("relationship_years", ("178/108",), Y, None),
    ("relationship_years", ("15/07/1986",), Y, None),
    ("relationship_years", ("31/02/1990",), Y, None),
    ("relationship_years", ("86",), "Please enter a number from 0 to 80.", None),
    ("relationship_years", ("6 years",), Y, None),
    ("relationship_years", ("1,000",), THOUSANDS, None),
    # blood pressure: one number per box (the other box holds 120 / 80)
    ("bp_systolic", ("140 lbs",), TOP, None),
    ("bp_systolic", ("6,5",), TOP, None),
    ("bp_systolic", ("5'10",), TOP, None),
    ("bp_systolic", ("178/108",), TOP, None),
    ("bp_systolic", ("15/07/1986",), TOP, None),
    ("bp_systolic", ("31/02/1990",), TOP, None),
    ("bp_systolic", ("86",), 86, None),
    ("bp_systolic", ("178",), 178, None),
    ("bp_systolic", ("1,000",), THOUSANDS, None),
    ("bp_systolic", ("80",), SWAPPED, None),  # the bottom number is 80
    ("bp_systolic", ("62",), SWAPPED, None),
    ("bp_diastolic", ("140 lbs",), BOTTOM, None),
    ("bp_diastolic", ("6,5",), BOTTOM, None),
    ("bp_diastolic", ("5'10",), BOTTOM, None),
    ("bp_diastolic", ("178/108",), BOTTOM, None),
    ("bp_diastolic", ("15/07/1986",), BOTTOM, None),
    ("bp_diastolic", ("31/02/1990",), BOTTOM, None),
    ("bp_diastolic", ("86",), 86, None),
    ("bp_diastolic", ("1,000",), THOUSANDS, None),
    # dates: day, month and year boxes
    ("date_of_birth", ("140 lbs", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("6,5", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("5'10", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("178/108", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("15/07/1986", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("15", "07", "1986"), "1986-07-15", None),
    ("date_of_birth", ("31/02/1990", "", ""), DATE_FORMAT, None),
    ("date_of_birth", ("31", "02", "1990"), "February 1990 has no day 31", None),
    ("date_of_birth", ("86", "", ""), "Please give the month and the year too.", None),
    ("date_of_birth", ("1", "1", "86"), FULL_YEAR, None),
    ("date_of_birth", ("15", "7", "1986"), "1986-07-15", None),
    ("date_of_birth", ("29", "2", "1988"), "1988-02-29", None),
    ("date_of_birth", ("15", "13", "1986"), "month as a number from 1 to 12", None),
    ("date_of_birth", ("32", "1", "1986"), "day as a number from 1 to 31", None),
    ("date_of_birth", ("15", "", "1986"), "Please give the month too.", None),
    ("date_of_birth", ("15", "July", "1986"), DATE_FORMAT, None),
    ("date_of_birth", ("1", "1", "1850"), YEAR_TOO_EARLY, None),
    ("date_of_birth", ("16", "6", "2026"), DATE_IN_FUTURE, None),
    ("date_of_birth", ("15", "6", "2026"), "2026-06-15", None),
    ("bp_reading_date", ("140 lbs", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("6,5", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("5'10", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("178/108", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("15/07/1986", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("15", "07", "1986"), "1986-07-15", None),
    ("bp_reading_date", ("31/02/1990", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("31", "02", "1990"), "February 1990 has no day 31", None),
    ("bp_reading_date", ("86", "", ""), "Please give the month and the year too.", None),
    ("bp_reading_date", ("15/05/2026", "", ""), DATE_FORMAT, None),
    ("bp_reading_date", ("1", "5", "26"), FULL_YEAR, None),
    ("bp_reading_date", ("16", "6", "2026"), DATE_IN_FUTURE, None),
    ("bp_reading_date", ("01", "05", "2026"), "2026-05-01", None),
]
# What nobody should type (the bad values walked through every box below), with what each
# number box says: a sign is read (and out of range), anything else is not a number as typed.
_NUMBER_BOXES = {
    "weight_kg": (("kg",), W, "Please enter a number from 30 to 300 kg."),
    "height_cm": (("cm", "", ""), H, "Please enter a number from 100 to 250 cm."),
    "relationship_years": ((), Y, "Please enter a number from 0 to 80."),
    "bp_systolic": ((), TOP, "Please enter a number from 60 to 260."),
    "bp_diastolic": ((), BOTTOM, "Please enter a number from 30 to 160."),
}
for _question, (_rest, _hint, _range) in _NUMBER_BOXES.items():
    TYPED += [
        (_question, ("-5", *_rest), _range, None),
        (_question, ("12abc", *_rest), _hint, None),
        (_question, ("1e5", *_rest), _hint, None),
        (_question, ("NaN", *_rest), _hint, None),
        (_question, ("١٤٠", *_rest), _hint, None),  # Arabic-Indic digits
        (_question, ("²", *_rest), _hint, None),
        (_question, ("99999999999999999999", *_rest), _hint, None),
    ]
# months: month and year boxes, each input typed whole into the month box
for _month in ("heart_attack_when", "stroke_tia_when", "angina_stent_bypass_when"):
    TYPED += [
        (_month, ("140 lbs", ""), MONTH_FORMAT, None),
        (_month, ("6,5", ""), MONTH_FORMAT, None),
        (_month, ("5'10", ""), MONTH_FORMAT, None),
        (_month, ("178/108", ""), MONTH_FORMAT, None),
        (_month, ("15/07/1986", ""), MONTH_FORMAT, None),
        (_month, ("31/02/1990", ""), MONTH_FORMAT, None),
        (_month, ("86", ""), "Please give the year too.", None),
        (_month, ("6", "86"), FULL_YEAR, None),
        (_month, ("6", "2020"), "2020-06", None),
    ]
TYPED += [
    ("heart_attack_when", ("06/2020", ""), MONTH_FORMAT, None),
    ("heart_attack_when", ("June", "2020"), MONTH_FORMAT, None),
    ("heart_attack_when", ("13", "2020"), "month as a number from 1 to 12", None),
    ("heart_attack_when", ("12", "1899"), YEAR_TOO_EARLY, None),
    ("heart_attack_when", ("7", "2026"), MONTH_IN_FUTURE, None),
]


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
    extra = LB_AND_FEET_BOXES | {
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


@freeze_time(TODAY)
def test_with_javascript_too_both_units_typed_is_asked_about(partner_a, page_for):
    """The page's script clears the boxes of the unit not chosen once the partner types in
    the boxes shown: both reach the server only when nothing was typed since the unit was
    switched, and then the same question is asked as without the script."""
    page, answers, _step_id = page_for("height_cm")
    rest = {k: v for k, v in answers.items() if k not in ("height_cm", "height_unit")}
    boxes = {"about-height_cm_0": "178", "about-height_cm_2": "6", "about-height_cm_3": "1"}
    response = page.post(rest, extra=boxes | {"about-height_cm_1": "ft_in", "js": "1"})
    assert_error_shown(response, "about-height_cm", BOTH_FEET)
    response = page.post(rest, extra=boxes | {"about-height_cm_1": "cm", "js": "1"})
    assert_error_shown(response, "about-height_cm", BOTH_CM)
    assert "height_cm" not in stored_answers(partner_a.partner)
    # What was typed stays in the boxes, to choose from.
    values = form_values(response)
    assert [values[f"about-height_cm_{n}"] for n in range(4)] == [["178"], ["cm"], ["6"], ["1"]]


@freeze_time(TODAY)
@pytest.mark.parametrize(("top", "bottom"), [("82", "128"), ("120", "120")])
def test_a_blood_pressure_reading_typed_the_wrong_way_round_is_refused(
    partner_a, page_for, top, bottom
):
    page, answers, step_id = page_for("bp_systolic")
    rest = {k: v for k, v in answers.items() if k not in ("bp_systolic", "bp_diastolic")}
    response = page.post(rest, extra={"physical-bp_systolic": top, "physical-bp_diastolic": bottom})
    error = assert_error_shown(response, "physical-bp_systolic", SWAPPED)
    assert error == (
        "The top number is usually the larger one, for example 128 in 128/82. Please check "
        "you have not swapped them: the larger number goes in the top box."
    )
    assert step_id not in completed_steps(partner_a.partner)
    assert "bp_systolic" not in stored_answers(partner_a.partner)
    # What was typed stays in the boxes, to be put right.
    values = form_values(response)
    assert values["physical-bp_systolic"] == [top]
    assert values["physical-bp_diastolic"] == [bottom]


@freeze_time(TODAY)
def test_pounds_with_a_decimal_come_back_in_the_box_as_typed(partner_a, page_for):
    page, answers, step_id = page_for("weight_kg")
    assert page.type_in(answers, "weight_kg", "154.50", "lb").status_code == 302
    values = current_values(parse_form(html_of(partner_a.get(step_url(partner_a, step_id)))))
    assert values["about-weight_kg_0"] == ["154.50"]  # the step's draft: as typed
    assert values["about-weight_kg_1"] == ["lb"]
    # Filled in from the stored answers (70.08 kg, typed in lb), without a draft.
    stored = stored_answers(partner_a.partner)
    assert stored["weight_kg"] == 70.08
    data = step_form_class(CURRENT.step(step_id), CURRENT.version).data_from_answers(
        stored, step_id
    )
    assert data.getlist("about-weight_kg_0") == ["154.5"]
    assert data.getlist("about-weight_kg_1") == ["lb"]
