"""The clinic is told at once of an urgent answer, when the partner saves the step (not at
submission), by an e-mail with no clinical words and no names; the same answer never twice."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from intake.demo import make_answers
from screening.models import UrgentAlert
from tests.auth import signed_in
from tests.factories import committed, make_user
from tests.intake.helpers import post_step, seed_steps, steps_before, visible_text
from tests.screening.alert_support import CLINICAL_WORDS

pytestmark = pytest.mark.django_db

ON_CALL = ["on-call@clinic.example", "lead@clinic.example"]


def _at_safety(partner_client, **overrides):
    answers = make_answers(preferred_name="Sam", **overrides)
    seed_steps(partner_client.partner, answers, steps_before("safety"))
    return answers


def _save_safety(partner_client, answers):
    with committed():
        response = post_step(partner_client, "safety", answers)
    assert response.status_code == 302
    return response


def _assert_neutral(message, new_case):
    text = f"{message.subject}\n{message.body}".lower()
    for word in CLINICAL_WORDS:
        assert word not in text, word
    for private in ("sam", "a@example.com", "b@example.com", "partner a", "partner b"):
        assert private not in text, private
    assert new_case.couple.partner("a").public_id.lower() not in text


@override_settings(URGENT_ALERT_EMAILS=ON_CALL)
def test_an_urgent_answer_sends_one_neutral_e_mail_when_the_step_is_saved(partner_a, new_case):
    answers = _at_safety(partner_a, si_wish_dead=True, si_thoughts=True, si_plan=True)
    mail.outbox.clear()
    _save_safety(partner_a, answers)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ON_CALL
    assert message.subject == "A case needs urgent review"
    link = settings.SITE_URL.rstrip("/") + f"/clinic/cases/{new_case.couple.reference}/"
    assert link in message.body
    _assert_neutral(message, new_case)
    assert list(UrgentAlert.objects.values_list("rule", flat=True)) == ["SI-1"]

    # the same answer saved again: nothing new
    _save_safety(partner_a, answers)
    assert len(mail.outbox) == 1

    # a new urgent answer: another e-mail
    answers["unsafe_now"] = True
    _save_safety(partner_a, answers)
    assert len(mail.outbox) == 2
    _assert_neutral(mail.outbox[1], new_case)
    assert sorted(UrgentAlert.objects.values_list("rule", flat=True)) == ["IPV-1", "SI-1"]


@override_settings(URGENT_ALERT_EMAILS=ON_CALL)
def test_submitting_the_same_urgent_answer_sends_no_second_e_mail(partner_a, new_case):
    answers = _at_safety(partner_a, si_wish_dead=True, si_thoughts=True, si_plan=True)
    mail.outbox.clear()
    _save_safety(partner_a, answers)
    with committed():
        assert post_step(partner_a, "practical", answers).status_code == 302
        response = post_step(partner_a, "review", answers)
    assert response["Location"].endswith("/submitted/")
    assert len(mail.outbox) == 1
    # the clinic's queue shows the case on top, as urgent, while partner B is still invited
    clinician = signed_in(make_user("dr.lee", clinician=True))
    queue = visible_text(clinician.get("/clinic/"))
    assert f"{new_case.couple.reference} Urgent: act today" in queue


class MailServerDown(Exception):
    pass


@override_settings(URGENT_ALERT_EMAILS=ON_CALL)
def test_a_mail_server_that_fails_never_breaks_the_partners_page_and_is_tried_again(
    partner_a, new_case, monkeypatch
):
    """The partner who has just said they are not safe gets their next page whatever the mail
    server does; the e-mail goes out at the next save of a safety step (or at submission)."""
    answers = _at_safety(partner_a, unsafe_now=True)
    mail.outbox.clear()

    def refuse(self, messages):
        raise MailServerDown("connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    response = _save_safety(partner_a, answers)
    # Saved: the step comes back with the crisis contacts under the answer (no JavaScript).
    assert response["Location"].endswith("/safety/#question-unsafe_now")
    assert mail.outbox == []
    alert = UrgentAlert.objects.get()
    assert alert.rule == "IPV-1" and alert.notified_at is None  # not told yet: kept

    monkeypatch.undo()  # the mail server is back
    _save_safety(partner_a, answers)  # the partner saves the safety step again
    assert len(mail.outbox) == 1
    _assert_neutral(mail.outbox[0], new_case)
    assert UrgentAlert.objects.get().notified_at is not None
    _save_safety(partner_a, answers)
    assert len(mail.outbox) == 1  # told once


@override_settings(URGENT_ALERT_EMAILS=ON_CALL)
def test_an_e_mail_that_failed_goes_out_at_submission(partner_a, new_case, monkeypatch):
    answers = _at_safety(partner_a, si_intent=True, si_thoughts=True, si_wish_dead=True)
    mail.outbox.clear()
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(MailServerDown("timed out")),
    )
    _save_safety(partner_a, answers)
    monkeypatch.undo()
    with committed():
        assert post_step(partner_a, "practical", answers).status_code == 302
        response = post_step(partner_a, "review", answers)
    assert response["Location"].endswith("/submitted/")
    assert len(mail.outbox) == 1
    assert UrgentAlert.objects.get().notified_at is not None


@override_settings(URGENT_ALERT_EMAILS=ON_CALL)
def test_answers_that_are_not_urgent_send_nothing(partner_a):
    answers = _at_safety(partner_a, si_wish_dead=True)  # a review flag, not urgent
    mail.outbox.clear()
    _save_safety(partner_a, answers)
    assert mail.outbox == []
    assert not UrgentAlert.objects.exists()


@override_settings(URGENT_ALERT_EMAILS=[])
def test_without_recipients_the_alert_is_logged_and_kept(partner_a, new_case, caplog):
    answers = _at_safety(partner_a, unsafe_now=True)
    mail.outbox.clear()
    with caplog.at_level(logging.WARNING, logger="screening.alerts"):
        _save_safety(partner_a, answers)
    assert mail.outbox == []
    assert f"Case {new_case.couple.reference} needs urgent review" in caplog.text
    assert "URGENT_ALERT_EMAILS is empty" in caplog.text
    assert UrgentAlert.objects.get().rule == "IPV-1"


@override_settings(URGENT_ALERT_EMAILS=ON_CALL)
def test_a_safety_step_saved_with_thoughts_and_intent_and_plan_not_yet_answered_is_urgent(
    partner_a, new_case
):
    """As for a missing 3-month follow-up: until intent and a plan are answered, suicidal
    thoughts count as possibly with them (docs/clinical-background.md, 5.2)."""
    answers = _at_safety(partner_a, si_thoughts=True)
    for follow_up in ("si_method", "si_intent", "si_plan"):
        answers.pop(follow_up, None)
    mail.outbox.clear()
    with committed():
        response = post_step(partner_a, "safety", answers)
    assert response.status_code == 200  # the step is not complete: the page asks for them
    assert "Please answer this question." in response.content.decode()
    assert list(UrgentAlert.objects.values_list("rule", flat=True)) == ["SI-1"]
    assert len(mail.outbox) == 1
    _assert_neutral(mail.outbox[0], new_case)
