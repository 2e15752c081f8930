"""Submitting: a double click or a replayed POST makes one submission; answers are then locked
until a clinician reopens them, and a resubmission makes submission number 2."""

import pytest
from django.test import Client

from intake import services
from intake.demo import make_answers
from intake.models import Partner, Submission
from intake.questionnaire import CURRENT
from tests.factories import make_user, open_link
from tests.intake.helpers import (
    STEP_IDS,
    form_values,
    html_of,
    post_step,
    seed_steps,
    step_url,
    steps_before,
    stored_answers,
    visible_text,
)
from tests.pageform import fill, parse_form

pytestmark = pytest.mark.django_db

THANK_YOU = "Your answers have been sent"


def _ready_to_submit(client, **overrides):
    answers = make_answers(**overrides)
    seed_steps(client.partner, answers, steps_before("review"))
    return answers


def _page_post(client, step_id, answers):
    """What the step's page would post with these answers."""
    page = client.get(step_url(client, step_id))
    assert page.status_code == 200
    return fill(parse_form(html_of(page)), answers, CURRENT.step(step_id).questions)


def _review_post(client, answers):
    return _page_post(client, "review", answers)


def test_a_double_submit_makes_one_submission(partner_a):
    answers = _ready_to_submit(partner_a)
    data = _review_post(partner_a, answers)
    submitted_url = f"/intake/{partner_a.partner.public_id}/submitted/"

    first = partner_a.post(step_url(partner_a, "review"), data)
    second = partner_a.post(step_url(partner_a, "review"), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == submitted_url
    submission = Submission.objects.get()
    assert submission.partner_id == partner_a.partner.pk
    assert submission.number == 1
    assert submission.answers == answers
    page = partner_a.get(submitted_url)
    assert page.status_code == 200
    assert THANK_YOU in visible_text(page)


def test_a_replayed_post_after_submission_changes_nothing(partner_a):
    answers = _ready_to_submit(partner_a)
    about = _page_post(partner_a, "about", {**answers, "preferred_name": "Changed later"})
    review = _review_post(partner_a, answers)
    partner_a.post(step_url(partner_a, "review"), review)
    submitted_url = f"/intake/{partner_a.partner.public_id}/submitted/"

    # The browser replays the submission, and an older page of a step is posted again.
    for step_id, data in (("review", review), ("about", about)):
        replay = partner_a.post(step_url(partner_a, step_id), data)
        assert replay.status_code == 302
        assert replay["Location"] == submitted_url
    assert Submission.objects.count() == 1
    assert Submission.objects.get().answers == answers
    assert stored_answers(partner_a.partner)["preferred_name"] == answers["preferred_name"]


def test_after_submission_every_step_shows_the_submitted_page(new_case):
    partner = new_case.couple.partner("a")
    browser = Client()
    open_link(browser, new_case.links["a"])
    browser.partner = partner
    answers = _ready_to_submit(browser)
    browser.post(step_url(browser, "review"), _review_post(browser, answers))

    for url in [step_url(browser, s) for s in STEP_IDS] + [f"/intake/{partner.public_id}/"]:
        response = browser.get(url, follow=True)
        assert response.redirect_chain[-1][0] == f"/intake/{partner.public_id}/submitted/"
        assert THANK_YOU in visible_text(response)
        assert "Save and continue" not in visible_text(response)
    # The link itself, opened again (another device), lands on the thank-you page too.
    other = Client()
    landing = open_link(other, new_case.links["a"])
    assert landing.redirect_chain[-1][0] == f"/intake/{partner.public_id}/submitted/"
    assert THANK_YOU in visible_text(landing)


def test_the_submitted_page_before_submission_goes_back_to_the_questionnaire(partner_a):
    response = partner_a.get(f"/intake/{partner_a.partner.public_id}/submitted/")
    assert response.status_code == 302
    assert response["Location"] == f"/intake/{partner_a.partner.public_id}/"


def test_a_clinician_reopens_and_the_partner_resubmits_as_submission_2(partner_a, clinician):
    answers = _ready_to_submit(partner_a, preferred_name="First name")
    partner_a.post(step_url(partner_a, "review"), _review_post(partner_a, answers))
    couple = partner_a.partner.couple

    response = clinician.post(
        f"/clinic/cases/{couple.reference}/partners/a/reopen/", {"reason": "wrong birth date"}
    )
    assert response.status_code == 302
    assert Partner.objects.get(pk=partner_a.partner.pk).status == Partner.Status.IN_PROGRESS

    # The partner lands on the review step with their answers, and may change any step.
    landing = partner_a.get(f"/intake/{partner_a.partner.public_id}/", follow=True)
    assert landing.redirect_chain[-1][0] == step_url(partner_a, "review")
    assert "First name" in visible_text(landing)
    # They certify again: the box is not ticked, and submitting without it is refused.
    assert "review-certify_accurate" not in form_values(landing)
    refused = partner_a.post(step_url(partner_a, "review"), form_values(landing))
    assert refused.status_code == 200
    assert Submission.objects.filter(partner=partner_a.partner).count() == 1
    values = form_values(partner_a.get(step_url(partner_a, "about")))
    assert values["about-preferred_name"] == ["First name"]
    changed = {**answers, "preferred_name": "Second name", "date_of_birth": "1990-01-31"}
    response = post_step(partner_a, "about", changed)
    assert response["Location"] == step_url(partner_a, "goals")
    response = partner_a.post(step_url(partner_a, "review"), _review_post(partner_a, changed))
    assert response["Location"] == f"/intake/{partner_a.partner.public_id}/submitted/"

    first, second = Submission.objects.filter(partner=partner_a.partner).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.answers["preferred_name"] == "First name"
    assert second.answers["preferred_name"] == "Second name"
    assert second.answers["date_of_birth"] == "1990-01-31"
    assert Partner.objects.get(pk=partner_a.partner.pk).is_submitted
    # Locked again.
    assert partner_a.get(step_url(partner_a, "about"))["Location"].endswith("/submitted/")


def test_reopening_needs_a_clinician(partner_a, client):
    answers = _ready_to_submit(partner_a)
    partner_a.post(step_url(partner_a, "review"), _review_post(partner_a, answers))
    url = f"/clinic/cases/{partner_a.partner.couple.reference}/partners/a/reopen/"

    assert client.post(url)["Location"].startswith("/accounts/login/")
    staff = make_user("front.desk", staff=True)
    client.force_login(staff)
    assert client.post(url).status_code == 403
    assert Partner.objects.get(pk=partner_a.partner.pk).is_submitted


def test_two_submits_in_flight_at_once_make_one_submission(partner_a):
    """The race the pages cannot show one request at a time: both requests got past the
    "already submitted?" check of the page before either had saved."""
    answers = _ready_to_submit(partner_a)
    first = services.submit(partner_a.partner, answers)
    second = services.submit(partner_a.partner, {**answers, "preferred_name": "Second click"})
    assert first.pk == second.pk
    assert Submission.objects.get().answers == answers
