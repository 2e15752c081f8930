"""What a clinician types on the case page is never cut short without a word, and the audit
log records the client's address behind the HTTPS proxy as the rest of the app counts it."""

from __future__ import annotations

import re

import pytest

from screening.models import AuditEntry, Disposition, SignOff
from tests.factories import case_url, dispose_all, review_item
from tests.intake.helpers import flag_articles, visible_text

pytestmark = pytest.mark.django_db


def test_an_over_long_disposition_note_is_refused_with_a_count_and_kept_in_the_page(people):
    couple = people.couple
    key = review_item(couple, "SI-2", "a").key
    note = "Called Sam. " + "x" * 2488  # 2,500 characters
    response = people.clinician.post(
        case_url(couple) + "dispositions/",
        {"key": key, "outcome": "follow_up", "note": note},
    )
    assert response.status_code == 400
    card = flag_articles(response)[("SI-2", "partner A")]
    assert "This answer is 2500 characters; the limit is 2000. Please shorten it." in card
    assert note in response.content.decode()  # what was typed is still there
    # the outcome chosen stays chosen
    assert f'value="follow_up" id="o-{key[:12]}-follow_up" required checked>' in (
        response.content.decode()
    )
    assert not Disposition.objects.exists()


def test_a_disposition_note_at_the_limit_is_stored_whole(people):
    couple = people.couple
    key = review_item(couple, "SI-2", "a").key
    note = "y" * 2000
    response = people.clinician.post(
        case_url(couple) + "dispositions/", {"key": key, "outcome": "follow_up", "note": note}
    )
    assert response.status_code == 302
    assert Disposition.objects.get().note == note


def test_an_over_long_sign_off_note_is_refused_and_nothing_is_signed_off(people):
    dispose_all(people.couple, people.clinician.user)
    note = "z" * 4001
    response = people.clinician.post(case_url(people.couple) + "sign-off/", {"note": note})
    assert response.status_code == 400
    assert "This answer is 4001 characters; the limit is 4000. Please shorten it." in visible_text(
        response
    )
    assert note in response.content.decode()
    assert not SignOff.objects.exists()


def test_over_long_reopen_reasons_are_refused_and_nothing_is_reopened(people):
    couple = people.couple
    dispose_all(couple, people.clinician.user)
    people.clinician.post(case_url(couple) + "sign-off/", {"note": "Ready."})
    response = people.clinician.post(case_url(couple) + "reopen/", {"reason": "r" * 2001})
    assert response.status_code == 400
    assert "This answer is 2001 characters; the limit is 2000. Please shorten it." in visible_text(
        response
    )
    assert SignOff.objects.get().reopened_at is None

    response = people.clinician.post(case_url(couple) + "partners/a/reopen/", {"reason": "q" * 501})
    assert response.status_code == 400
    assert "This answer is 501 characters; the limit is 500. Please shorten it." in visible_text(
        response
    )
    assert couple.partner("a").is_submitted


def test_the_audit_log_records_the_forwarded_client_address_behind_the_proxy(people, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    people.clinician.get(
        case_url(people.couple), HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="127.0.0.1"
    )
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CASE_VIEWED).latest("id")
    assert entry.ip_address == "203.0.113.7"


def test_no_clinic_free_text_box_cuts_what_is_typed(people):
    """Every free-text box of the case page counts characters (the page's script reads
    `data-limit`) and none has `maxlength`, which silently cuts pasted text in a browser:
    the server refuses text over the limit with a count (the tests above)."""
    couple = people.couple
    dispose_all(couple, people.clinician.user)
    pages = [people.clinician.get(case_url(couple)).content.decode()]
    people.clinician.post(case_url(couple) + "sign-off/", {"note": "Ready."})
    pages.append(people.clinician.get(case_url(couple)).content.decode())
    boxes = [
        box
        for html in pages
        for box in re.findall(r"<(?:textarea|input)\b[^>]*>", html)
        if re.search(r'name="(note|reason)"', box)
    ]
    assert {re.search(r'name="(\w+)"', box).group(1) for box in boxes} == {"note", "reason"}
    for box in boxes:
        assert "maxlength" not in box, box
        assert re.search(r'data-limit="\d+"', box), box
