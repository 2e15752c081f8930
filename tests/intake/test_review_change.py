""" "Change" on the review page: the step opens with "Save and return to review", and saving
goes straight back to the review (later steps are not walked again), unless the change opened
a question that must now be answered: then the partner stays there and is told why."""

import re

import pytest

from intake.demo import make_answers
from intake.questionnaire import CURRENT
from tests.intake.helpers import (
    STEP_IDS,
    assert_error_shown,
    completed_steps,
    html_of,
    step_url,
    stored_answers,
    visible_text,
)
from tests.intake.journey import complete_questionnaire
from tests.pageform import fill, parse_form

pytestmark = pytest.mark.django_db


def change_link(review_html: str, step_id: str) -> str:
    """The "Change" link of a step's part on the review page."""
    links = re.findall(
        r'<a href="([^"]+)">Change<span class="visually-hidden"> ([^<]+)</span>', review_html
    )
    title = CURRENT.step(step_id).title
    hrefs = [href.replace("&amp;", "&") for href, text in links if text == title]
    assert len(hrefs) == 1, links
    return hrefs[0]


def post_page(client, url: str, step_id: str, answers: dict):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = fill(parse_form(html_of(page)), answers, CURRENT.step(step_id).questions)
    return page, client.post(url, data)


def test_a_change_that_opens_nothing_goes_straight_back_to_the_review(partner_a):
    answers = make_answers()
    complete_questionnaire(partner_a, answers, submit=False)
    review = partner_a.get(step_url(partner_a, "review"))
    url = change_link(html_of(review), "about")
    page, response = post_page(partner_a, url, "about", {**answers, "preferred_name": "Robin"})
    assert "Save and return to review" in visible_text(page)
    assert "Save and continue" not in visible_text(page)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "review")  # not the next step
    assert stored_answers(partner_a.partner)["preferred_name"] == "Robin"
    assert completed_steps(partner_a.partner) == STEP_IDS[:-1]
    assert "Robin" in visible_text(partner_a.get(response["Location"]))


def test_a_change_that_opens_a_follow_up_asks_for_it_then_goes_back(partner_a):
    answers = make_answers()
    complete_questionnaire(partner_a, answers, submit=False)
    review = partner_a.get(step_url(partner_a, "review"))
    url = change_link(html_of(review), "physical")
    changed = {**answers, "heart_attack": True}
    page, response = post_page(partner_a, url, "physical", changed)
    # Still on the step: the question the change opened is named at the top and marked.
    assert response.status_code == 200
    text = visible_text(response)
    assert (
        "Your change opened a question that needs an answer before you go back to the "
        "review: When was your most recent heart attack?" in text
    )
    assert_error_shown(response, "physical-heart_attack_when", "Please answer this question.")
    assert "Save and return to review" in text
    assert "physical" not in completed_steps(partner_a.partner)
    assert stored_answers(partner_a.partner)["heart_attack"] is True  # kept meanwhile
    # Answered: back to the review, with both answers shown there.
    form = parse_form(html_of(response))
    data = fill(
        form, {**changed, "heart_attack_when": "2024-03"}, CURRENT.step("physical").questions
    )
    response = partner_a.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "review")
    assert completed_steps(partner_a.partner) == STEP_IDS[:-1]
    assert stored_answers(partner_a.partner)["heart_attack_when"] == "2024-03"
    assert "March 2024" in visible_text(partner_a.get(response["Location"]))


def test_without_change_a_step_still_continues_to_the_next(partner_a):
    answers = make_answers()
    complete_questionnaire(partner_a, answers, submit=False)
    page, response = post_page(partner_a, step_url(partner_a, "about"), "about", answers)
    assert "Save and continue" in visible_text(page)
    assert response["Location"] == step_url(partner_a, "goals")


def test_a_step_left_unfinished_is_asked_for_first_then_the_review(partner_a):
    answers = make_answers()
    complete_questionnaire(partner_a, answers, submit=False)
    # Mood changed and left unfinished (saved as it was): the review is not reachable now.
    mood = {k: v for k, v in answers.items() if k != "phq9_1"}
    post_page(partner_a, step_url(partner_a, "mood"), "mood", mood)
    assert "mood" not in completed_steps(partner_a.partner)

    url = step_url(partner_a, "about") + "?from=review"
    _, response = post_page(partner_a, url, "about", answers)
    assert response["Location"] == step_url(partner_a, "mood") + "?from=review"
    page = partner_a.get(response["Location"])
    assert (
        "“How you have been feeling” still needs your answers before you can submit. Then you "
        "go back to the review." in visible_text(page)
    )
    assert "Save and return to review" in visible_text(page)
    _, response = post_page(partner_a, response["Location"], "mood", answers)
    assert response["Location"] == step_url(partner_a, "review")
