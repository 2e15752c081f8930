"""Safety: "Exit this page", crisis contacts shown at once after an alerting answer, and
pages that the browser must not keep (no back-button leak)."""

import pytest
from django.test import Client, override_settings

from intake.demo import make_answers
from intake.models import AnswerSet
from intake.questionnaire import CURRENT, crisis_contacts
from screening.models import UrgentAlert
from tests.factories import open_link
from tests.intake.helpers import (
    STEP_IDS,
    crisis_panel_shown,
    crisis_panel_under,
    html_of,
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
def test_an_alerting_safety_answer_shows_crisis_contacts_under_it_before_moving_on(
    partner_a, question_id
):
    """Without JavaScript: the step is saved, and comes back with the contacts right under
    the answer; the next "Save and continue" moves on."""
    answers = _at(partner_a, "safety", **{question_id: True})
    if question_id == "si_thoughts":
        answers.update(si_method=False, si_intent=False, si_plan=False)
    response = post_step(partner_a, "safety", answers)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "safety") + f"#question-{question_id}"
    assert "safety" in AnswerSet.objects.get(partner=partner_a.partner).completed_steps

    again = partner_a.get(step_url(partner_a, "safety"))
    assert crisis_panel_shown(again)
    assert crisis_panel_under(again) == question_id
    text = visible_text(again)
    assert "Your answers on this page are saved." in text
    for contact in crisis_contacts("CA-BC"):
        assert contact.contact in text
    # The emergency number first.
    assert text.index("Immediate danger") < text.index("988 Suicide Crisis Helpline")

    response = post_step(partner_a, "safety", answers)
    assert response["Location"] == step_url(partner_a, "practical")
    assert not crisis_panel_shown(partner_a.get(response["Location"]))
    # The step itself keeps showing them, without the "saved" note.
    later = partner_a.get(step_url(partner_a, "safety"))
    assert crisis_panel_shown(later) and crisis_panel_under(later) == question_id
    assert "Your answers on this page are saved." not in visible_text(later)


def test_the_contacts_go_under_the_first_answer_that_raised_them(partner_a):
    answers = _at(partner_a, "safety", si_thoughts=True, si_method=True, si_intent=False)
    answers.update(si_plan=False, unsafe_now=True)
    response = post_step(partner_a, "safety", answers)
    assert response["Location"].endswith("#question-si_thoughts")
    page = partner_a.get(step_url(partner_a, "safety"))
    assert crisis_panel_under(page) == "si_thoughts"
    assert 'href="tel:988"' in html_of(page)
    assert 'href="tel:911"' in html_of(page)


def test_an_unfinished_alerting_step_shows_crisis_contacts_with_its_errors(partner_a):
    answers = _at(partner_a, "safety", si_thoughts=True)
    answers.pop("si_method", None)
    response = post_step(partner_a, "safety", answers)
    assert response.status_code == 200
    assert crisis_panel_shown(response)
    assert crisis_panel_under(response) == "si_thoughts"
    assert "Please answer this question." in visible_text(response)


def test_with_javascript_the_step_moves_on_at_once(partner_a):
    """The page's script showed the contacts when the answer was chosen."""
    answers = _at(partner_a, "safety", si_wish_dead=True)
    response = post_step(partner_a, "safety", answers, extra={"js": "1"})
    assert response["Location"] == step_url(partner_a, "practical")
    assert not crisis_panel_shown(partner_a.get(response["Location"]))
    assert crisis_panel_shown(partner_a.get(step_url(partner_a, "safety")))


def test_no_alerting_answer_no_crisis_panel(partner_a):
    answers = _at(partner_a, "safety")
    safety = partner_a.get(step_url(partner_a, "safety"))
    assert not crisis_panel_shown(safety)  # on the page, hidden, for the page's script
    assert crisis_panel_under(safety) == ALERTING[0]
    response = post_step(partner_a, "safety", answers)
    assert response["Location"] == step_url(partner_a, "practical")
    following = partner_a.get(response["Location"])
    assert "data-crisis-panel" not in html_of(following)
    assert not crisis_panel_shown(partner_a.get(step_url(partner_a, "safety")))


@pytest.mark.parametrize(("phq9_9", "shown"), [(0, False), (1, True), (3, True)])
def test_phq9_item_9_shows_crisis_contacts_under_it(partner_a, phq9_9, shown):
    answers = _at(partner_a, "mood", phq9_9=phq9_9)
    response = post_step(partner_a, "mood", answers)
    mood = step_url(partner_a, "mood")
    expected = f"{mood}#question-phq9_9" if shown else step_url(partner_a, "experiences")
    assert response["Location"] == expected
    page = partner_a.get(mood)
    assert crisis_panel_shown(page) is shown
    assert crisis_panel_under(page) == "phq9_9"


@pytest.mark.parametrize(
    ("region", "shown", "not_shown"),
    [
        ("CA-BC", ["911", "988", "1-800-784-2433", "310-6789"], ["741741", "800-799-7233"]),
        ("CA", ["911", "988", "1-800-668-6868"], ["1-800-784-2433", "741741"]),
        ("US", ["911", "988", "741741", "800-799-7233"], ["1-800-784-2433", "310-6789"]),
    ],
)
def test_the_clinics_region_chooses_the_contacts(partner_a, settings, region, shown, not_shown):
    settings.CRISIS_REGION = region
    _at(partner_a, "mood", phq9_9=2)
    page = partner_a.get(step_url(partner_a, "mood"))
    text = visible_text(page)
    for contact in shown:
        assert contact in text, (region, contact)
    for contact in not_shown:
        assert contact not in text, (region, contact)
    first = crisis_contacts(region)[0]
    assert first.contact == "911"
    assert text.index("Immediate danger") < text.index("988")


def test_a_region_with_no_contacts_stops_the_app(settings):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    settings.CRISIS_REGION = "Atlantis"
    with pytest.raises(ImproperlyConfigured, match="CRISIS_REGION must be one of CA-BC, CA, US"):
        apps.get_app_config("intake").ready()


# --- no back-button leak --------------------------------------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_partner_pages_are_never_stored_by_the_browser(new_case):
    browser = Client()
    partner = new_case.couple.partner("a")
    first = open_link(browser, new_case.links["a"])  # through the door, as the partner would
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
