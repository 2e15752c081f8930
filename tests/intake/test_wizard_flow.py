"""Moving through the questionnaire: both journeys, saving on Next and Back, resuming,
an expired session, steps that cannot be skipped, the final re-validation, two tabs."""

import datetime

import pytest
from django.test import Client
from freezegun import freeze_time

from intake.demo import make_answers
from intake.models import AnswerSet, Partner, Submission
from intake.questionnaire import CURRENT
from tests.factories import client_for, new_partner_client, open_link
from tests.intake.helpers import (
    STEP_IDS,
    completed_steps,
    field_error,
    form_values,
    html_of,
    post_step,
    seed_steps,
    step_url,
    steps_before,
    stored_answers,
    summary_errors,
    visible_text,
)
from tests.intake.journey import complete_questionnaire
from tests.pageform import fill, parse_form

pytestmark = pytest.mark.django_db

ANSWERS_B = make_answers(
    preferred_name="Alex",
    date_of_birth="1985-09-30",
    sex_for_scoring="male",
    email="alex@example.com",
    safe_contact=["phone_call"],
    heart_attack=True,
    heart_attack_when="2024-05",
    bp_systolic=131,
    bp_diastolic=84,
    bp_reading_date="2025-11-02",
    medications=[
        {"name": "Lorazepam", "dose": "1 mg", "frequency": "when needed"},
        {"name": "Vitamin D", "dose": "", "frequency": "daily"},
    ],
    med_classes=["benzodiazepine", "ssri_snri"],
    mania_ever=True,
    mania_now=False,
    ptsd_declined=True,
    si_behaviour=True,
    si_behaviour_3m=False,
    relationship_intent="unsure",
    readiness=4,
)


def test_both_partners_complete_their_own_questionnaires(partner_a, partner_b):
    answers_a = make_answers(preferred_name="Sam", ptsd_event=True, pcptsd_1=True)

    response_a = complete_questionnaire(partner_a, answers_a)
    response_b = complete_questionnaire(partner_b, ANSWERS_B)

    for client, response in ((partner_a, response_a), (partner_b, response_b)):
        assert response.status_code == 302
        assert response["Location"] == f"/intake/{client.partner.public_id}/submitted/"
        page = client.get(response["Location"])
        assert "Your answers have been sent" in visible_text(page)
    a = Partner.objects.get(pk=partner_a.partner.pk)
    b = Partner.objects.get(pk=partner_b.partner.pk)
    assert a.status == b.status == Partner.Status.SUBMITTED
    assert a.submissions.get().answers == answers_a
    assert b.submissions.get().answers == ANSWERS_B
    assert "ptsd_event" not in ANSWERS_B and "mania_now" in ANSWERS_B
    assert a.steps_completed == b.steps_completed == len(STEP_IDS)


def test_the_review_page_shows_the_partners_own_answers(new_case, partner_b):
    other = make_answers(preferred_name="Ottoline", medications=[{"name": "Metformin"}])
    seed_steps(new_case.couple.partner("a"), other, steps_before("review"))
    complete_questionnaire(partner_b, ANSWERS_B, submit=False)
    page = partner_b.get(step_url(partner_b, "review"))
    text = visible_text(page)
    assert "Alex" in text
    assert "Lorazepam – 1 mg – when needed" in text
    assert "May 2024" in text
    assert "Ottoline" not in text and "Metformin" not in text  # nothing of the other partner


# --- saving on Next and on Back --------------------------------------------------------------


def test_next_saves_the_step_and_shows_it_when_coming_back(partner_a):
    answers = make_answers(preferred_name="Robin", height_cm=181, safe_contact=["email"])
    response = post_step(partner_a, "about", answers)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "goals")
    assert stored_answers(partner_a.partner)["preferred_name"] == "Robin"
    values = form_values(partner_a.get(step_url(partner_a, "about")))
    assert values["about-preferred_name"] == ["Robin"]
    assert values["about-height_cm_0"] == ["181"]
    assert values["about-height_cm_1"] == ["cm"]
    assert values["about-safe_contact"] == ["email"]


def test_back_saves_a_complete_step(partner_a):
    answers = make_answers(goals_self="Sleep better and argue less.")
    post_step(partner_a, "about", answers)
    response = post_step(partner_a, "goals", answers, extra={"wizard_goto_step": "about"})
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "about")
    assert stored_answers(partner_a.partner)["goals_self"] == "Sleep better and argue less."
    assert completed_steps(partner_a.partner) == ["about", "goals"]
    values = form_values(partner_a.get(step_url(partner_a, "goals")))
    assert values["goals-goals_self"] == ["Sleep better and argue less."]
    assert values["goals-readiness"] == [str(answers["readiness"])]


def test_back_keeps_what_was_typed_on_an_invalid_partly_filled_step(partner_a):
    post_step(partner_a, "about", make_answers())
    page = partner_a.get(step_url(partner_a, "goals"))
    data = fill(
        parse_form(html_of(page)),
        {"goals_self": "Feel close again", "goal_areas": ["trust", "grief"]},
        CURRENT.step("goals").questions,
    )
    data["wizard_goto_step"] = "about"
    response = partner_a.post(step_url(partner_a, "goals"), data)

    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "about")
    assert completed_steps(partner_a.partner) == ["about"]  # goals is not finished
    saved = stored_answers(partner_a.partner)
    assert saved["goals_self"] == "Feel close again"
    assert saved["goal_areas"] == ["trust", "grief"]
    # Going forward again: what was typed is on the page.
    response = post_step(partner_a, "about", make_answers())
    assert response["Location"] == step_url(partner_a, "goals")
    values = form_values(partner_a.get(step_url(partner_a, "goals")))
    assert values["goals-goals_self"] == ["Feel close again"]
    assert values["goals-goal_areas"] == ["trust", "grief"]


def _back_from_relationship_half_done(partner_a):
    """Two answers on the relationship step, one of them typed wrong, then "Back"."""
    post_step(partner_a, "about", make_answers())
    post_step(partner_a, "goals", make_answers())
    page = partner_a.get(step_url(partner_a, "relationship"))
    data = fill(
        parse_form(html_of(page)),
        {"relationship_years": "about ten", "living_together": True},
        CURRENT.step("relationship").questions,
    )
    data["wizard_goto_step"] = "goals"
    return partner_a.post(step_url(partner_a, "relationship"), data)


def test_back_keeps_an_invalid_value_as_typed(partner_a):
    assert _back_from_relationship_half_done(partner_a).status_code == 302

    assert stored_answers(partner_a.partner)["living_together"] is True
    assert "relationship_years" not in stored_answers(partner_a.partner)
    page = partner_a.get(step_url(partner_a, "relationship"))
    values = form_values(page)
    assert values["relationship-relationship_years"] == ["about ten"]
    assert values["relationship-living_together"] == ["yes"]


def test_coming_back_to_an_unfinished_step_marks_what_is_left_without_scolding(partner_a):
    """Questions not answered yet are not errors until the partner presses a button again;
    a value typed in the wrong form still says what is wrong."""
    _back_from_relationship_half_done(partner_a)

    page = partner_a.get(step_url(partner_a, "relationship"))
    text = visible_text(page)
    assert "You have not finished this step yet: 5 questions still need an answer" in text
    not_yet = ["prior_couples_therapy", "csi_1", "csi_2", "csi_3", "csi_4"]
    html = html_of(page)
    for question_id in not_yet:
        block = html.split(f'data-question="{question_id}"', 1)[1].split("data-question=", 1)[0]
        assert "Not answered yet" in block, question_id
        assert field_error(page, f"relationship-{question_id}") is None
    assert text.count("Not answered yet") == 1 + len(not_yet)  # the notice names the marker
    assert "Please answer this question" not in text
    # The one thing typed wrong is still an error, in the summary and next to the field.
    hint = CURRENT.question("relationship_years").format_hint
    assert field_error(page, "relationship-relationship_years") == hint
    assert [message for _, message in summary_errors(page)] == [
        f"How many years have you been together?: {hint}"
    ]

    # Pressing "Save and continue" without answering shows every missing answer as an error.
    again = partner_a.post(step_url(partner_a, "relationship"), form_values(page))
    assert again.status_code == 200
    for question_id in not_yet:
        assert field_error(again, f"relationship-{question_id}") == "Please answer this question."
    assert "You have not finished this step yet" not in visible_text(again)


def test_a_step_never_saved_shows_no_notice_and_no_errors(partner_a):
    post_step(partner_a, "about", make_answers())
    page = partner_a.get(step_url(partner_a, "goals"))
    assert "not finished" not in visible_text(page)
    assert "Not answered yet" not in visible_text(page)
    assert summary_errors(page) == []


# --- resuming ----------------------------------------------------------------------------------


def test_a_new_browser_resumes_at_the_first_unfinished_step_with_everything_filled_in(new_case):
    first = client_for(new_case.links["a"], new_case.couple.partner("a"))
    answers = make_answers(preferred_name="Jordan", goals_self="Trust each other again")
    for step_id in ("about", "goals", "relationship"):
        assert post_step(first, step_id, answers).status_code == 302
    posted = {s: form_values(first.get(step_url(first, s))) for s in ("about", "goals")}
    # Part of the physical step, then "Back".
    post_step(
        first,
        "physical",
        {"aneurysm_avm": False, "heart_attack": True, "heart_attack_when": "2023-02"},
        extra={"wizard_goto_step": "relationship"},
    )

    for _device in ("closed browser", "another device"):
        browser = Client()
        landing = open_link(browser, new_case.links["a"])
        browser.partner = first.partner
        assert landing.redirect_chain[-1][0] == step_url(first, "physical")
        assert "Your physical health" in visible_text(landing)
        values = form_values(landing)
        assert values["physical-heart_attack"] == ["on"]  # its box ticked
        assert values["physical-heart_attack_when_0"] == ["2"]
        assert values["physical-heart_attack_when_1"] == ["2023"]
        assert "physical-aneurysm_avm" not in values  # not ticked: a "no"
        assert stored_answers(first.partner)["aneurysm_avm"] is False
        for step_id, before in posted.items():
            assert form_values(browser.get(step_url(browser, step_id))) == before
        assert "Jordan" in html_of(browser.get(step_url(browser, "about")))


def test_opening_the_link_again_after_finished_steps_goes_to_the_next_one(new_case):
    partner = new_case.couple.partner("a")
    seed_steps(partner, make_answers(), steps_before("mood"))
    landing = open_link(Client(), new_case.links["a"])
    assert landing.redirect_chain[-1][0] == step_url(partner, "mood")
    assert "How you have been feeling" in visible_text(landing)


def test_a_post_after_the_session_ended_is_saved_when_the_link_is_opened_again():
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        browser, case = new_partner_client("a")
        post_step(browser, "about", make_answers())
        page = browser.get(step_url(browser, "goals"))
        answers = make_answers(goals_self="Laugh together again", readiness=9)
        data = fill(parse_form(html_of(page)), answers, CURRENT.step("goals").questions)

        frozen.tick(datetime.timedelta(hours=5))  # the session has ended meanwhile
        response = browser.post(step_url(browser, "goals"), data)
        assert response.status_code == 403
        text = visible_text(response)
        assert "Please open your link again" in text
        assert "what you just sent will be saved when you open your link" in text
        assert "Laugh together again" not in text
        assert "goals_self" not in stored_answers(browser.partner)

        landing = open_link(browser, case.links["a"])
        assert landing.status_code == 200
        saved = stored_answers(browser.partner)
        assert saved["goals_self"] == "Laugh together again"
        assert saved["readiness"] == 9
        assert completed_steps(browser.partner) == ["about", "goals"]
        assert landing.redirect_chain[-1][0] == step_url(browser, "relationship")
        values = form_values(browser.get(step_url(browser, "goals")))
        assert values["goals-goals_self"] == ["Laugh together again"]


def test_a_partly_filled_post_after_the_session_ended_is_kept_too(new_case):
    partner = new_case.couple.partner("a")
    seed_steps(partner, make_answers(), ["about"])
    browser = client_for(new_case.links["a"], partner)
    page = browser.get(step_url(partner, "goals"))
    data = fill(
        parse_form(html_of(page)),
        {"goals_self": "Just this so far", "readiness": 10},
        CURRENT.step("goals").questions,
    )
    data["goals-readiness"] = ["11"]  # not offered: refused, the rest is kept
    browser.cookies.clear()  # the session cookie is gone
    response = browser.post(step_url(partner, "goals"), data)
    assert response.status_code == 403
    assert "Please open your link again" in visible_text(response)
    open_link(browser, new_case.links["a"])
    assert stored_answers(partner)["goals_self"] == "Just this so far"
    assert "readiness" not in stored_answers(partner)
    assert completed_steps(partner) == ["about"]


def test_a_post_without_any_session_never_fails(new_case):
    partner = new_case.couple.partner("a")
    for step_id in STEP_IDS:
        response = Client().post(step_url(partner, step_id), {"garbage": "\x00"})
        assert response.status_code == 403
        assert "Please open your link again" in visible_text(response)
    assert stored_answers(partner) == {}


# --- no skipping ---------------------------------------------------------------------------------


def test_a_future_step_cannot_be_opened_by_url(partner_a):
    for step_id in STEP_IDS[1:]:
        response = partner_a.get(step_url(partner_a, step_id))
        assert response.status_code == 302
        assert response["Location"] == step_url(partner_a, "about")
    post_step(partner_a, "about", make_answers())
    post_step(partner_a, "goals", make_answers())
    for step_id in ("physical", "mood", "review"):
        response = partner_a.get(step_url(partner_a, step_id))
        assert response["Location"] == step_url(partner_a, "relationship")
    response = partner_a.get(step_url(partner_a, "no-such-step"))
    assert response["Location"] == step_url(partner_a, "relationship")


def test_a_future_step_cannot_be_posted(partner_a):
    seed_steps(partner_a.partner, make_answers(), ["about"])
    data = {f"mood-phq9_{n}": "3" for n in range(1, 10)}
    response = partner_a.post(step_url(partner_a, "mood"), data)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "goals")
    assert "phq9_1" not in stored_answers(partner_a.partner)


def test_the_review_step_is_reached_only_when_every_step_is_complete(partner_a, at_step):
    answers = at_step("practical")
    response = partner_a.get(step_url(partner_a, "review"))
    assert response["Location"] == step_url(partner_a, "practical")
    response = partner_a.post(step_url(partner_a, "review"), {"review-certify_accurate": "on"})
    assert response["Location"] == step_url(partner_a, "practical")
    assert not Submission.objects.exists()

    post_step(partner_a, "practical", answers)
    page = partner_a.get(step_url(partner_a, "review"))
    assert page.status_code == 200
    assert "Check and submit" in visible_text(page)


def test_submitting_re_validates_every_step(partner_a, at_step):
    answers = at_step("review")
    # The saved draft of a finished step went bad behind the wizard's back.
    answer_set = AnswerSet.objects.get(partner=partner_a.partner)
    answer_set.wizard_state["step_data"]["relationship"]["relationship-csi_1"] = ["9"]
    answer_set.save(update_fields=["wizard_state"])

    response = post_step(partner_a, "review", answers)
    assert response.status_code == 302
    assert response["Location"] == step_url(partner_a, "relationship")
    assert not Submission.objects.exists()
    assert not Partner.objects.get(pk=partner_a.partner.pk).is_submitted
    page = partner_a.get(step_url(partner_a, "relationship"))
    assert field_error(page, "relationship-csi_1")


# --- two tabs -------------------------------------------------------------------------------------


def test_two_tabs_saving_different_steps_keep_both(partner_a, at_step):
    answers = at_step("physical")
    tab1 = partner_a.get(step_url(partner_a, "about"))
    tab2 = partner_a.get(step_url(partner_a, "goals"))
    data1 = fill(
        parse_form(html_of(tab1)),
        {**answers, "preferred_name": "Tab One"},
        CURRENT.step("about").questions,
    )
    data2 = fill(
        parse_form(html_of(tab2)),
        {**answers, "goals_self": "Tab two hopes"},
        CURRENT.step("goals").questions,
    )
    assert partner_a.post(step_url(partner_a, "about"), data1).status_code == 302
    assert partner_a.post(step_url(partner_a, "goals"), data2).status_code == 302

    saved = stored_answers(partner_a.partner)
    assert saved["preferred_name"] == "Tab One"
    assert saved["goals_self"] == "Tab two hopes"
    assert form_values(partner_a.get(step_url(partner_a, "about")))["about-preferred_name"] == [
        "Tab One"
    ]
    assert form_values(partner_a.get(step_url(partner_a, "goals")))["goals-goals_self"] == [
        "Tab two hopes"
    ]
    assert completed_steps(partner_a.partner) == steps_before("physical")


def test_two_intakes_in_one_browser_never_mix(new_case):
    """Each partner's pages carry their own id; the draft is on each partner's own row."""
    a = new_case.couple.partner("a")
    b = new_case.couple.partner("b")
    browser = client_for(new_case.links["a"], a)
    post_step(browser, "about", make_answers(preferred_name="Only A"))
    browser = client_for(new_case.links["b"], b)
    post_step(browser, "about", make_answers(preferred_name="Only B"))
    assert stored_answers(a)["preferred_name"] == "Only A"
    assert stored_answers(b)["preferred_name"] == "Only B"
