""" "None" is an answer: "I have no allergies" and "I take no medicines" say so; a box left
empty without it is not answered, and the review page says which."""

import pytest

from intake.demo import make_answers
from intake.models import AnswerSet
from tests.intake.helpers import (
    assert_error_shown,
    html_of,
    post_step,
    seed_steps,
    step_url,
    steps_before,
    visible_text,
)

pytestmark = pytest.mark.django_db


def _review_row(text: str, label: str) -> str:
    at = text.index(label) + len(label)
    return text[at : at + 40].strip()


def test_saying_none_is_saved_and_shown_as_none_on_the_review_page(partner_a, at_step):
    answers = at_step("physical", no_allergies=True, no_medicines=True)
    for step_id in ("physical", "medications"):
        response = post_step(partner_a, step_id, answers)
        assert response.status_code == 302, step_id
    stored = AnswerSet.objects.get(partner=partner_a.partner).answers
    assert stored["no_allergies"] is True and "allergies" not in stored
    assert stored["no_medicines"] is True and "medications" not in stored

    rest = [s for s in steps_before("review") if s not in ("physical", "medications")]
    seed_steps(partner_a.partner, answers, rest)
    text = visible_text(partner_a.get(step_url(partner_a, "review")))
    assert _review_row(text, "Please list your allergies.").startswith("None")
    assert _review_row(text, "Please list all the medicines you take.").startswith("None")


def test_an_empty_box_without_saying_none_is_not_answered(partner_a):
    answers = make_answers()
    assert answers["no_allergies"] is False and "allergies" not in answers
    seed_steps(partner_a.partner, {**answers, "medications": []}, steps_before("review"))
    text = visible_text(partner_a.get(step_url(partner_a, "review")))
    assert _review_row(text, "Please list your allergies.").startswith("Not answered")
    assert _review_row(text, "Please list all the medicines you take.").startswith("Not answered")


def test_none_ticked_with_allergies_typed_asks_which(partner_a, at_step):
    answers = at_step("physical")
    response = post_step(
        partner_a, "physical", {**answers, "no_allergies": True, "allergies": "Penicillin"}
    )
    error = assert_error_shown(response, "physical-no_allergies")
    assert "Please untick the box, or clear what is written below." in error
    assert "Penicillin" in html_of(response)  # what was typed is still there


def test_none_ticked_with_a_medicine_listed_asks_which(partner_a, at_step):
    answers = at_step("medications")
    response = post_step(partner_a, "medications", {**answers, "no_medicines": True})
    assert_error_shown(response, "medications-no_medicines")
    assert "Sertraline" in html_of(response)


def test_with_javascript_the_list_put_away_by_none_is_not_an_answer(partner_a, at_step):
    """The page's script hid the list when the box was ticked: rows left in it are not asked."""
    answers = at_step("medications")
    response = post_step(partner_a, "medications", {**answers, "no_medicines": True}, {"js": "1"})
    assert response.status_code == 302
    stored = AnswerSet.objects.get(partner=partner_a.partner).answers
    assert stored["no_medicines"] is True and "medications" not in stored
