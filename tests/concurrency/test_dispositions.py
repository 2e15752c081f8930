"""Clinicians recording dispositions at the same moment, on PostgreSQL with real
threads. Nothing is lost, nothing is doubled, nobody sees an error page."""

from __future__ import annotations

import pytest

from screening import review
from screening.models import AuditEntry, Disposition
from tests.concurrency.threads import same_browser, together
from tests.screening import personas as p

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


def test_two_clinicians_on_the_same_flag_at_once_both_are_kept():
    couple = p.flagged_case().couple
    lee = p.signed_in(p.make_user("dr.lee", clinician=True))
    okafor = p.signed_in(p.make_user("dr.okafor", clinician=True))
    items = needing(couple)

    for item in items:  # one round per flag: the same flag, two clinicians, one moment
        responses = together(
            post(lee, couple, item.key, "follow_up", f"{item.rule}: called them (Lee)."),
            post(okafor, couple, item.key, "acknowledged", f"{item.rule}: noted (Okafor)."),
        )
        assert [r.status_code for r in responses] == [302, 302]

    for item in items:
        rows = Disposition.objects.filter(couple=couple, key=item.key)
        assert sorted((d.by.username, d.outcome, d.note) for d in rows) == [
            ("dr.lee", "follow_up", f"{item.rule}: called them (Lee)."),
            ("dr.okafor", "acknowledged", f"{item.rule}: noted (Okafor)."),
        ]
    assert Disposition.objects.count() == 2 * len(items)
    recorded = AuditEntry.objects.filter(action=AuditEntry.Action.DISPOSITION_RECORDED)
    assert recorded.count() == 2 * len(items)
    assert review.missing_dispositions(couple) == []

    # Both are in the flag's history on the case page: the latest, and "Earlier records (1)".
    page = lee.get(f"/clinic/cases/{couple.reference}/")
    assert page.status_code == 200
    cards = p.flag_articles(page)
    for item in items:
        who = "couple" if item.partner == "couple" else f"partner {item.partner.upper()}"
        card = cards[(item.rule, who)]
        assert f"{item.rule}: called them (Lee)." in card
        assert f"{item.rule}: noted (Okafor)." in card
        assert "Earlier records (1)" in card


def test_a_double_click_on_a_disposition_records_it_once():
    couple = p.flagged_case().couple
    lee = p.signed_in(p.make_user("dr.lee", clinician=True))
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
