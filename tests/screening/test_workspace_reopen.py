"""Reopening a partner's answers (with a reason). Their link works if it still did (an
expired or revoked one does not work again: a new one is issued); on resubmission the case is
screened again; flags that still hold keep their disposition, new ones need one."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from intake.demo import demo_document
from intake.models import Partner
from screening import review
from screening.models import AuditEntry, Disposition, SignOff, UrgentAlert
from tests.factories import case_url, client_for, committed, dispose_all, link_path
from tests.intake.helpers import (
    element_text,
    flag_articles,
    messages_shown,
    post_step,
    step_url,
    visible_text,
)
from tests.screening.records import snapshot

pytestmark = pytest.mark.django_db


def reopen(client, couple, label="a", reason="Partner A asked to correct an answer.", **kw):
    return client.post(case_url(couple) + f"partners/{label}/reopen/", {"reason": reason}, **kw)


def status_of(couple, label) -> str:
    return Partner.objects.get(couple=couple, label=label).status


def lands_on(case, label) -> str:
    """Where a new browser lands after opening the partner's own private link."""
    browser = client_for(case.links[label], case.couple.partner(label))
    response = browser.get(link_path(case.links[label]), follow=True)
    return response.redirect_chain[-1][0] if response.redirect_chain else str(response.status_code)


def test_reopening_answers_needs_a_reason(people):
    response = reopen(people.clinician, people.couple, reason="  ", follow=True)
    assert "Give a reason for reopening the answers." in messages_shown(response)
    assert status_of(people.couple, "a") == Partner.Status.SUBMITTED
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ANSWERS_REOPENED).exists()


def test_reopening_answers_that_are_not_submitted_is_refused(people):
    reopen(people.clinician, people.couple)
    response = reopen(people.clinician, people.couple, follow=True)
    assert "Partner A's answers are not submitted." in messages_shown(response)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANSWERS_REOPENED).count() == 1
    before = snapshot(people.couple)
    assert reopen(people.clinician, people.couple, label="c").status_code == 302
    assert snapshot(people.couple) == before


def test_reopened_answers_open_the_partners_link_again_and_are_recorded(people):
    case = people.case
    submitted_page = f"/intake/{case.couple.partner('a').public_id}/submitted/"
    review_page = step_url(case.couple.partner("a"), "review")
    assert lands_on(case, "a") == submitted_page

    response = reopen(people.clinician2, case.couple, reason="Wrong date of birth.", follow=True)
    assert "Partner A's answers are open again and their link works." in " ".join(
        messages_shown(response)
    )
    assert status_of(case.couple, "a") == Partner.Status.IN_PROGRESS
    assert status_of(case.couple, "b") == Partner.Status.SUBMITTED
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ANSWERS_REOPENED)
    assert entry.actor == people.clinician2.user
    assert entry.partner_label == "a"
    assert entry.data == {"reason": "Wrong date of birth."}
    assert abs((timezone.now() - entry.at).total_seconds()) < 60
    assert "Status: Filling in" in visible_text(response)

    # the private link works again: the partner lands on their review page, answers kept
    assert lands_on(case, "a") == review_page
    browser = client_for(case.links["a"], case.couple.partner("a"))
    page = browser.get(review_page)
    assert "Sam" in visible_text(page)
    # the browser partner A already had open also goes back in
    assert people["partner_a"].get(review_page).status_code == 200
    # partner B's link still only shows their thank-you page
    assert lands_on(case, "b").endswith("/submitted/")


def test_a_revoked_link_stays_revoked_when_the_answers_are_reopened(people):
    """A link revoked (say, because it leaked) is not revived by a reopen: a new one is issued."""
    case = people.case
    people.clinician.post(case_url(case.couple) + "partners/a/link/", {"action": "revoke"})
    reopen(people.clinician, case.couple)
    assert lands_on(case, "a") == "404"
    assert Partner.objects.get(pk=case.couple.partner("a").pk).link_state == "revoked"
    people.clinician.post(case_url(case.couple) + "partners/a/link/", {"action": "reissue"})
    page = people.clinician.get(case_url(case.couple))
    new_link = page.context["new_links"]["a"]
    browser = client_for(new_link, case.couple.partner("a"))
    assert browser.get(step_url(case.couple.partner("a"), "review")).status_code == 200


def test_reopening_never_makes_an_expired_link_work_again(people):
    """Only the clinician's new link does: an expired link may have reached someone else."""
    case = people.case
    expired_at = timezone.now() - datetime.timedelta(days=1)
    Partner.objects.filter(couple=case.couple, label="a").update(token_expires_at=expired_at)
    assert lands_on(case, "a") == "404"
    response = reopen(people.clinician, case.couple, follow=True)
    assert "their link has expired: issue a new link" in " ".join(messages_shown(response))
    partner = Partner.objects.get(couple=case.couple, label="a")
    assert partner.token_expires_at == expired_at
    assert lands_on(case, "a") == "404"
    card = element_text(response, r'aria-labelledby="partner-a"')[0]
    assert "Partner A's answers are not submitted and their link has expired" in card
    assert "their link" not in element_text(response, r'aria-labelledby="partner-b"')[0]
    people.clinician.post(case_url(case.couple) + "partners/a/link/", {"action": "reissue"})
    page = people.clinician.get(case_url(case.couple))
    new_link = page.context["new_links"]["a"]
    browser = client_for(new_link, case.couple.partner("a"))
    assert browser.get(step_url(case.couple.partner("a"), "review")).status_code == 200
    assert "has expired" not in visible_text(page)


def test_reopening_keeps_a_link_in_force_as_it_was(people):
    case = people.case
    expires = timezone.now() + datetime.timedelta(days=2)
    Partner.objects.filter(couple=case.couple, label="a").update(token_expires_at=expires)
    response = reopen(people.clinician, case.couple, follow=True)
    assert "their link works" in " ".join(messages_shown(response))
    assert Partner.objects.get(couple=case.couple, label="a").token_expires_at == expires
    assert lands_on(case, "a") == step_url(case.couple.partner("a"), "review")


def test_reopening_a_partner_of_a_signed_off_case_reopens_the_case(people):
    couple = people.couple
    dispose_all(couple, people.clinician.user)
    signed = review.sign_off(couple, people.clinician.user, "Ready.")
    response = reopen(people.clinician2, couple, reason="New medicine.", follow=True)
    signed.refresh_from_db()
    assert signed.reopened_by == people.clinician2.user
    assert signed.reopen_reason == "Partner A's answers reopened: New medicine."
    assert review.sign_off_in_force(couple) is None
    actions = list(
        AuditEntry.objects.filter(couple=couple)
        .exclude(action=AuditEntry.Action.CASE_VIEWED)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [
        AuditEntry.Action.CASE_REOPENED,
        AuditEntry.Action.ANSWERS_REOPENED,
    ]
    assert "Status: Filling in" in visible_text(response)
    response = people.clinician.post(case_url(couple) + "sign-off/", {"note": "n"}, follow=True)
    assert "Waiting for partner A to submit their answers." in messages_shown(response)
    assert SignOff.objects.count() == 1


@override_settings(URGENT_ALERT_EMAILS=["on-call@clinic.example"])
def test_resubmission_screens_again_flags_that_still_hold_keep_their_disposition(people):
    couple = people.couple
    clinician = people.clinician
    dispose_all(couple, clinician.user)
    first_screening = review.current_screening(couple)
    kept = {
        (d.rule, d.partner): d.key for d in Disposition.objects.all()
    }  # SI-2, CV-4, LG-1 (a); VOL-1, CV-2, SU-2, RX-2 (b)
    assert len(kept) == 7
    # The clinic was told of the urgent answers when they came in (the fixture's import ran
    # without a commit, so its e-mail was never sent: mark it sent).
    UrgentAlert.objects.update(notified_at=timezone.now())
    reopen(clinician, couple, reason="Partner A remembered a heart attack.")

    # partner A opens their link, changes three answers and submits again
    case = people.case
    browser = client_for(case.links["a"], couple.partner("a"))
    browser.get(link_path(case.links["a"]))
    answers = dict(demo_document()["partners"]["a"])
    answers.update(
        heart_attack=True,  # new: CV-2 for partner A
        heart_attack_when="2026-09",
        bp_systolic=152,  # changed evidence: CV-4 for partner A is a new flag
    )
    assert post_step(browser, "physical", answers).status_code == 302
    answers["escort_is_partner"] = False  # LG-1 no longer holds
    assert post_step(browser, "practical", answers).status_code == 302
    mail.outbox.clear()
    with committed():
        response = post_step(browser, "review", {"certify_accurate": True})
    assert response["Location"].endswith("/submitted/")
    assert mail.outbox == []  # the urgent answer (SI-2) was already notified once

    # screened again: a new screening beside the old one
    current = review.current_screening(couple)
    assert current.pk != first_screening.pk
    assert current.submissions == {"a": 2, "b": 1}
    assert couple.screenings.filter(is_current=False).filter(pk=first_screening.pk).exists()
    assert list(
        couple.partner("a").submissions.order_by("number").values_list("number", flat=True)
    ) == [1, 2]

    page = clinician.get(case_url(couple))
    cards = flag_articles(page)
    for rule, partner in [
        ("SI-2", "a"),
        ("VOL-1", "b"),
        ("CV-2", "b"),
        ("SU-2", "b"),
        ("RX-2", "b"),
    ]:
        card = cards[(rule, f"partner {partner.upper()}")]
        assert "Reviewed: noted for the prescriber by dr.lee" in card, rule
        assert f"Checked {rule} with partner {partner.upper()}" in card  # the note kept
        assert "No disposition yet." not in card
    assert "No disposition yet." in cards[("CV-2", "partner A")]
    assert "No disposition yet." in cards[("CV-4", "partner A")]
    assert ("LG-1", "partner A") not in cards
    assert element_text(page, r"data-missing") == [
        "CV-2 (high, partner A) CV-4 (review, partner A)"
    ]
    assert "Status: In review" in visible_text(page)

    # sign-off waits for the new flags, then goes through
    response = clinician.post(case_url(couple) + "sign-off/", {"note": "n"}, follow=True)
    assert "CV-2 (a), CV-4 (a)" in " ".join(messages_shown(response))
    for item in review.missing_dispositions(couple):
        clinician.post(
            case_url(couple) + "dispositions/",
            {"key": item.key, "outcome": "follow_up", "note": "Cardiology letter requested."},
        )
    clinician.post(case_url(couple) + "sign-off/", {"note": "Ready after cardiology."})
    assert SignOff.objects.get().screening == current
