"""Clinicians recording dispositions at the same moment, on PostgreSQL with real
threads. Nothing is lost, nothing is doubled, nobody sees an error page."""

from __future__ import annotations

import pytest

from screening import review
from screening.models import AuditEntry, Disposition
from tests.auth import signed_in
from tests.concurrency.threads import same_browser, together
from tests.factories import flagged_case, make_user
from tests.intake.helpers import flag_articles

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def post(client, couple, key: str, outcome: str, note: str):
    return lambda: client.post(
        f"/clinic/cases/{couple.reference}/dispositions/",
        {"key": key, "outcome": outcome, "note": note},
    )


def needing(couple) -> list[review.ReviewItem]:
    items = review.review_items(couple)
    assert len(items) >= 5, items  # the demo couple: SI-2, VOL-1, CV-2, CV-4, SU-2, RX-2, LG-1
    return items


def test_two_clinicians_on_the_same_flag_at_once_one_is_recorded_the_other_shown_it():
    """Neither overwrites the other unseen: the second is told who recorded what, and their
    note waits in the "Change" form (409), to send as a change if it still applies."""
    couple = flagged_case().couple
    lee = signed_in(make_user("dr.lee", clinician=True))
    okafor = signed_in(make_user("dr.okafor", clinician=True))
    items = needing(couple)

    for item in items:  # one round per flag: the same flag, two clinicians, one moment
        lee_note, okafor_note = f"{item.rule}: called them (Lee).", f"{item.rule}: noted (Okafor)."
        responses = together(
            post(lee, couple, item.key, "follow_up", lee_note),
            post(okafor, couple, item.key, "acknowledged", okafor_note),
        )
        assert sorted(r.status_code for r in responses) == [302, 409]
        refused = next(r for r in responses if r.status_code == 409)
        kept = okafor_note if refused is responses[1] else lee_note
        assert f">{kept}</textarea>" in refused.content.decode()
        assert "A disposition is already recorded for this flag" in refused.content.decode()
        assert Disposition.objects.filter(couple=couple, key=item.key).count() == 1

    assert Disposition.objects.count() == len(items)
    recorded = AuditEntry.objects.filter(action=AuditEntry.Action.DISPOSITION_RECORDED)
    assert recorded.count() == len(items)
    assert review.missing_dispositions(couple) == []
    page = lee.get(f"/clinic/cases/{couple.reference}/")
    assert page.status_code == 200
    assert len(flag_articles(page)) >= len(items)


def test_a_double_click_on_a_disposition_records_it_once():
    couple = flagged_case().couple
    lee = signed_in(make_user("dr.lee", clinician=True))
    items = needing(couple)

    for item in items:  # the same browser (one session) posts the same form twice at once
        note = f"{item.rule}: reviewed with the couple."
        responses = together(
            post(lee, couple, item.key, "follow_up", note),
            post(same_browser(lee), couple, item.key, "follow_up", note),
        )
        assert [r.status_code for r in responses] == [302, 302]
        assert Disposition.objects.filter(couple=couple, key=item.key).count() == 1

    assert Disposition.objects.count() == len(items)
    recorded = AuditEntry.objects.filter(action=AuditEntry.Action.DISPOSITION_RECORDED)
    assert recorded.count() == len(items)
