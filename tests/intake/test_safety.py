"""Safety: "Exit this page", crisis contacts shown at once after an alerting answer, and
pages that the browser must not keep (no back-button leak)."""

import pytest
from django.test import Client, override_settings

from intake.demo import make_answers
from intake.models import AnswerSet
from intake.questionnaire import CRISIS_CONTACTS, CURRENT
from screening.models import UrgentAlert
from tests.conftest import open_link
from tests.intake.helpers import (
    STEP_IDS,
    crisis_panel_shown,
    html_of,
    link_path,
    post_step,
    seed_steps,
    step_url,
    steps_before,
    visible_text,
)
from tests.pageform import fill, parse_form

pytestmark = pytest.mark.django_db

ALERTING = [
    q.id for q in CURRENT.step("safety").questions if q.alert is not None and q.when is None
]


def _at(client, step_id, **overrides):
    answers = make_answers(**overrides)
    seed_steps(client.partner, answers, steps_before(step_id))
    return answers


def _exit_link_shown(response) -> bool:
    return 'href="/exit/"' in html_of(response) and "Exit this page" in visible_text(response)


def test_every_partner_page_has_an_exit_this_page_link(partner_a):
    answers = _at(partner_a, "review")
    for step_id in STEP_IDS:
        page = partner_a.get(step_url(partner_a, step_id))
        assert page.status_code == 200, step_id
        assert _exit_link_shown(page), step_id
    post_step(partner_a, "review", answers)
    submitted = partner_a.get(f"/intake/{partner_a.partner.public_id}/submitted/")
    assert "Thank you" in visible_text(submitted)
    assert _exit_link_shown(submitted)


def _exit_save(client, step_id, answers, **extra):
    """What the page's script sends on "Exit this page": the step's fields as they are."""
    page = client.get(step_url(client, step_id))
    data = fill(parse_form(html_of(page)), answers, CURRENT.step(step_id).questions)
    data.update({"wizard_exit": "1", "js": "1", **extra})
    return client.post(step_url(client, step_id), data)


def test_exit_saves_a_half_filled_safety_step_and_tells_the_clinic(
    partner_a, django_capture_on_commit_callbacks
):
    _at(partner_a, "safety")
    with django_capture_on_commit_callbacks(execute=True):
        response = _exit_save(partner_a, "safety", {"si_thoughts": True, "si_intent": True})
    assert response.status_code == 204
    answer_set = AnswerSet.objects.get(partner=partner_a.partner)
    assert answer_set.answers["si_thoughts"] is True
    assert answer_set.answers["si_intent"] is True
    assert "safety" not in answer_set.completed_steps  # kept as the unfinished draft
    alerts = UrgentAlert.objects.filter(partner=partner_a.partner)
    assert [alert.rule for alert in alerts] == ["SI-1"]
    # Coming back, the step shows what was given, with the rest still to answer.
    page = partner_a.get(step_url(partner_a, "safety"))
    assert "You have not finished this step yet" in visible_text(page)
    assert crisis_panel_shown(page)


def test_exit_saves_nothing_from_a_page_made_for_someone_else(partner_a):
    _at(partner_a, "safety")
    response = _exit_save(partner_a, "safety", {"si_thoughts": True}, intake_page="forged")
    assert response.status_code == 204
    answers = AnswerSet.objects.get(partner=partner_a.partner).answers
    assert "si_thoughts" not in answers
    assert not UrgentAlert.objects.filter(partner=partner_a.partner).exists()


def test_exit_from_the_review_page_never_submits(partner_a):
    answers = _at(partner_a, "review")
    response = _exit_save(partner_a, "review", answers)
    assert response.status_code == 204
    partner_a.partner.refresh_from_db()
    assert not partner_a.partner.is_submitted
    assert "review" not in AnswerSet.objects.get(partner=partner_a.partner).completed_steps


@override_settings(EXIT_PAGE_URL="https://weather.example.org/")
def test_exit_ends_the_session_and_goes_to_a_neutral_site(partner_a):
    _at(partner_a, "safety")
    response = partner_a.get("/exit/")
    assert response.status_code == 302
    assert response["Location"] == "https://weather.example.org/"
    assert "no-store" in response["Cache-Control"]
    for url in (step_url(partner_a, "safety"), step_url(partner_a, "about")):
        page = partner_a.get(url)
        assert page.status_code == 403
        assert "Please open your link again" in visible_text(page)
        assert "Sam" not in visible_text(page)
    assert partner_a.get(f"/intake/{partner_a.partner.public_id}/submitted/").status_code == 404


@pytest.mark.parametrize("question_id", ALERTING)
def test_an_alerting_safety_answer_shows_crisis_contacts_at_once(partner_a, question_id):
    answers = _at(partner_a, "safety", **{question_id: True})
    if question_id == "si_thoughts":
        answers.update(si_method=False, si_intent=False, si_plan=False)
    response = post_step(partner_a, "safety", answers)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "practical")

    following = partner_a.get(response["Location"])
    assert crisis_panel_shown(following)
    text = visible_text(following)
    assert "988" in text
    for contact in CRISIS_CONTACTS:
        assert contact.contact in text
    # Shown once on the next page; the safety step itself keeps showing them.
    assert not crisis_panel_shown(partner_a.get(step_url(partner_a, "practical")))
    assert crisis_panel_shown(partner_a.get(step_url(partner_a, "safety")))


def test_suicidal_thoughts_show_crisis_contacts_on_the_next_page_and_the_step(partner_a):
    answers = _at(partner_a, "safety", si_thoughts=True, si_method=True, si_intent=False)
    answers["si_plan"] = False
    response = post_step(partner_a, "safety", answers)
    following = partner_a.get(response["Location"])
    assert "Practical arrangements" in visible_text(following)
    assert crisis_panel_shown(following)
    assert 'href="tel:988"' in html_of(following)
    assert crisis_panel_shown(partner_a.get(step_url(partner_a, "safety")))


def test_an_unfinished_alerting_step_shows_crisis_contacts_with_its_errors(partner_a):
    answers = _at(partner_a, "safety", si_thoughts=True)
    answers.pop("si_method", None)
    response = post_step(partner_a, "safety", answers)
    assert response.status_code == 200
    assert crisis_panel_shown(response)
    assert "Please answer this question." in visible_text(response)


def test_with_javascript_the_next_page_does_not_repeat_the_contacts(partner_a):
    answers = _at(partner_a, "safety", si_wish_dead=True)
    response = post_step(partner_a, "safety", answers, extra={"js": "1"})
    assert not crisis_panel_shown(partner_a.get(response["Location"]))
    assert crisis_panel_shown(partner_a.get(step_url(partner_a, "safety")))


def test_no_alerting_answer_no_crisis_panel(partner_a):
    answers = _at(partner_a, "safety")
    safety = partner_a.get(step_url(partner_a, "safety"))
    assert not crisis_panel_shown(safety)  # on the page, hidden, for the page's script
    response = post_step(partner_a, "safety", answers)
    following = partner_a.get(response["Location"])
    assert "data-crisis-panel" not in html_of(following)
    assert not crisis_panel_shown(partner_a.get(step_url(partner_a, "safety")))


@pytest.mark.parametrize(("phq9_9", "shown"), [(0, False), (1, True), (3, True)])
def test_phq9_item_9_shows_crisis_contacts(partner_a, phq9_9, shown):
    answers = _at(partner_a, "mood", phq9_9=phq9_9)
    response = post_step(partner_a, "mood", answers)
    assert response["Location"] == step_url(partner_a, "experiences")
    assert crisis_panel_shown(partner_a.get(response["Location"])) is shown
    assert crisis_panel_shown(partner_a.get(step_url(partner_a, "mood"))) is shown


# --- no back-button leak --------------------------------------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_partner_pages_are_never_stored_by_the_browser(new_case):
    browser = Client()
    partner = new_case.couple.partner("a")
    first = browser.get(link_path(new_case.links["a"]))
    assert _no_store(first)
    browser.partner = partner
    seed_steps(partner, make_answers(), steps_before("review"))
    for step_id in ("about", "safety", "review"):
        page = browser.get(step_url(browser, step_id))
        assert page.status_code == 200 and _no_store(page), step_id
    assert _no_store(browser.get(f"/intake/{partner.public_id}/"))
    posted = post_step(browser, "review", make_answers())
    assert _no_store(posted)
    assert _no_store(browser.get(f"/intake/{partner.public_id}/submitted/"))
    # And the neutral pages.
    assert _no_store(Client().get("/i/not-a-token/"))
    assert _no_store(Client().get(step_url(partner, "about")))
    assert _no_store(Client().get(f"/intake/{partner.public_id}/submitted/"))
    assert _no_store(open_link(Client(), new_case.links["b"]))
