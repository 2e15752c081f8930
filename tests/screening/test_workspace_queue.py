"""The queue, a worklist. Every case with its reference, status, partners' names and
progress, flag counts, appointment date and days left, and the clinician assigned ("assign to
me", audited; a "mine" filter); urgent first, then high, then the oldest or the soonest
appointment; filters, search, pagination; and the same few queries for 10 or 10,000 cases."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake import services as intake_services
from intake.demo import demo_document, make_answers
from intake.models import Couple, Partner
from screening import review, services
from screening.models import AuditEntry, CaseAssignment, Disposition
from screening.queries import review_queue
from tests.dates import day, minute
from tests.factories import (
    bulk_cases,
    committed,
    dispose_all,
    document,
    flagged_case,
    imported_case,
    make_user,
    plain_case,
)
from tests.intake.helpers import element_text, seed_steps, visible_text

pytestmark = pytest.mark.django_db

LABELS = {
    "invited": "Invited",
    "in_progress": "Filling in",
    "submitted": "Awaiting review",
    "in_review": "In review",
    "ready": "Ready for the prescriber",
}


def queue_rows(response) -> list[dict]:
    """The queue's table as a clinician reads it, row by row."""
    assert response.status_code == 200
    html = response.content.decode()
    if "<tbody>" not in html:
        assert "No cases match." in visible_text(response)
        return []
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", tbody, flags=re.S):
        cells = [
            visible_text(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        names = [
            visible_text(name)
            for name in re.findall(r"<span [^>]*data-name[^>]*>(.*?)</span>", row, re.S)
        ]
        rows.append(
            {
                "reference": cells[0].split()[0],
                "urgent_badge": "Urgent: act today" in cells[0],
                "status": cells[1],
                # the partner's progress, after their preferred name (when there is one)
                "a": _after_name(cells[2]),
                "b": _after_name(cells[3]),
                "names": names,
                "counts": tuple(int(c) for c in cells[4:8]),
                "appointment": cells[8],
                "assigned": cells[9]
                .replace("Assign to me case " + cells[0].split()[0], "")
                .strip(),
                "can_assign": "Assign to me" in cells[9],
            }
        )
    return rows


def _after_name(cell: str) -> str:
    """ "Sam Submitted 12 of 12 steps" -> "Submitted 12 of 12 steps"."""
    for status in ("Invited", "In progress", "Submitted"):
        if status in cell:
            return cell[cell.index(status) :]
    return cell


def references(response) -> list[str]:
    return [row["reference"] for row in queue_rows(response)]


def set_created(couple: Couple, **ago) -> None:
    Couple.objects.filter(pk=couple.pk).update(
        created_at=timezone.now() - datetime.timedelta(**ago)
    )


def cases_in_every_state(user) -> dict[str, Couple]:
    invited = intake_services.create_case()
    in_progress = intake_services.create_case()
    seed_steps(in_progress.couple.partner("b"), make_answers(), ["about", "goals", "relationship"])
    submitted = plain_case()
    in_review = flagged_case()
    first = review.missing_dispositions(in_review.couple)[0]
    review.record_disposition(in_review.couple, first.key, "follow_up", "Called.", user)
    ready = plain_case()
    review.sign_off(ready.couple, user, "Nothing of note.")
    return {
        "invited": invited.couple,
        "in_progress": in_progress.couple,
        "submitted": submitted.couple,
        "in_review": in_review.couple,
        "ready": ready.couple,
    }


def test_every_status_shows_for_a_case_in_that_state_with_partner_progress(people):
    cases = cases_in_every_state(people.clinician.user)
    rows = {row["reference"]: row for row in queue_rows(people.clinician.get("/clinic/"))}
    for state, couple in cases.items():
        row = rows[couple.reference]
        assert row["status"] == LABELS[state], state
        assert review.case_status(couple) == state
    assert rows[cases["invited"].reference]["a"] == "Invited 0 of 12 steps"
    assert rows[cases["invited"].reference]["b"] == "Invited 0 of 12 steps"
    assert rows[cases["in_progress"].reference]["a"] == "Invited 0 of 12 steps"
    assert rows[cases["in_progress"].reference]["b"] == "In progress 3 of 12 steps"
    for state in ("submitted", "in_review", "ready"):
        row = rows[cases[state].reference]
        assert row["a"] == row["b"] == "Submitted 12 of 12 steps"
    # the SQL status agrees with the service's for every case
    annotated = dict(review_queue().values_list("reference", "status"))
    for couple in Couple.objects.all():
        assert annotated[couple.reference] == review.case_status(couple)


def test_one_partner_submitted_is_in_progress_and_flag_counts_are_per_severity(people):
    half = imported_case(document(a=demo_document()["partners"]["a"]))
    rows = {row["reference"]: row for row in queue_rows(people.clinician.get("/clinic/"))}
    assert rows[half.couple.reference]["status"] == "Filling in"
    assert rows[half.couple.reference]["a"] == "Submitted 12 of 12 steps"
    assert rows[half.couple.reference]["b"] == "Invited 0 of 12 steps"
    # partner A's own flags: SI-2 urgent; CV-4, LG-1 review; RL-1 info
    assert rows[half.couple.reference]["counts"] == (1, 0, 2, 1)
    # the demo couple: urgent 1 (SI-2); high 2 (VOL-1, CV-2); review 4; info 4
    assert rows[people.reference]["counts"] == (1, 2, 4, 4)


def test_urgent_first_then_high_then_the_oldest(people):
    user = people.clinician.user
    urgent = people.couple  # SI-2 urgent and two high flags
    high = imported_case(document(make_answers(pressured=True), make_answers())).couple
    old_plain = plain_case().couple
    new_plain = plain_case().couple
    set_created(old_plain, days=10)
    set_created(new_plain, days=1)
    set_created(high, hours=2)
    set_created(urgent, hours=1)
    expected = [urgent, high, old_plain, new_plain]
    response = people.clinician.get("/clinic/")
    assert references(response) == [c.reference for c in expected]
    rows = queue_rows(response)
    assert [r["urgent_badge"] for r in rows] == [True, False, False, False]

    # once what was done about the urgent item is recorded, the case is one of the high ones
    dispose_all(urgent, user, severities=("urgent",))
    assert references(people.clinician.get("/clinic/")) == [
        c.reference for c in (high, urgent, old_plain, new_plain)
    ]
    # and with the high flags reviewed too, it takes its place by age
    dispose_all(urgent, user)
    assert references(people.clinician.get("/clinic/")) == [
        c.reference for c in (high, old_plain, new_plain, urgent)
    ]


def test_an_urgent_answer_before_submission_puts_the_case_on_top(people):
    filling_in = intake_services.create_case()
    set_created(filling_in.couple, days=30)
    set_created(people.couple, days=40)
    partner = filling_in.couple.partner("a")
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.IN_PROGRESS)
    with committed():
        services.check_urgent(partner, {"unsafe_now": True})
    rows = queue_rows(people.clinician.get("/clinic/"))
    assert rows[0]["reference"] == people.reference  # older, also urgent
    assert rows[1]["reference"] == filling_in.couple.reference
    assert rows[1]["urgent_badge"]
    assert rows[1]["status"] == "Filling in"
    assert rows[1]["counts"] == (0, 0, 0, 0)  # not screened yet: the alert alone


def test_filters_by_status_and_by_urgent_or_high_flags(people):
    cases = cases_in_every_state(people.clinician.user)
    high = imported_case(document(make_answers(pressured=True), make_answers())).couple
    client = people.clinician
    everyone = set(references(client.get("/clinic/")))
    assert len(everyone) == 7
    for state, couple in cases.items():
        shown = set(references(client.get("/clinic/", {"status": state})))
        expected = {couple.reference}
        if state == "submitted":
            expected |= {people.reference, high.reference}
        assert shown == expected, state
    assert references(client.get("/clinic/", {"attention": "urgent"})) == [people.reference]
    assert set(references(client.get("/clinic/", {"attention": "urgent_or_high"}))) == {
        people.reference,
        high.reference,
        cases["in_review"].reference,
    }
    both = client.get("/clinic/", {"attention": "urgent_or_high", "status": "in_review"})
    assert references(both) == [cases["in_review"].reference]
    # an unknown value is ignored, not an error
    assert set(references(client.get("/clinic/", {"status": "nonsense"}))) == everyone


def test_search_by_reference_or_preferred_name(people):
    plain = plain_case().couple  # partners "Sam" and "Robin"
    drafting = intake_services.create_case()
    seed_steps(drafting.couple.partner("a"), make_answers(preferred_name="Kit"), ["about"])
    client = people.clinician

    def found(q):
        return set(references(client.get("/clinic/", {"q": q})))

    assert found(people.reference) == {people.reference}
    assert found(people.reference[-4:].lower()) == {people.reference}
    assert found("Alex") == {people.reference}
    assert found("alex") == {people.reference}
    assert found("Robin") == {plain.reference}
    assert found("Sam") == {people.reference, plain.reference}
    assert found("kit") == {drafting.couple.reference}  # a name saved in a draft
    # only the preferred name is searched, not other answers
    assert found("Rivera") == set()
    assert found("Lorazepam") == set()
    assert found("nobody-by-this-name") == set()
    assert "No cases match." in visible_text(client.get("/clinic/", {"q": "nobody"}))
    # search and filter together
    assert set(references(client.get("/clinic/", {"q": "Sam", "attention": "urgent"}))) == {
        people.reference
    }


# --- the queue as a worklist ------------------------------------------------------------------


def test_each_row_shows_the_preferred_names_and_the_appointment_with_days_left(people):
    today = timezone.localdate()
    soon = plain_case().couple  # partners "Sam" and "Robin"
    Couple.objects.filter(pk=soon.pk).update(appointment_date=today + datetime.timedelta(3))
    passed = intake_services.create_case(appointment_date=today - datetime.timedelta(2)).couple
    tomorrow = intake_services.create_case(appointment_date=today + datetime.timedelta(1)).couple
    drafting = intake_services.create_case(appointment_date=today).couple
    seed_steps(drafting.partner("b"), make_answers(preferred_name="Kit"), ["about"])
    Couple.objects.filter(pk=people.couple.pk).update(appointment_date=None)
    rows = {row["reference"]: row for row in queue_rows(people.clinician.get("/clinic/"))}
    assert rows[people.reference]["names"] == ["Sam", "Alex"]
    assert rows[soon.reference]["names"] == ["Sam", "Robin"]
    assert rows[soon.reference]["a"] == "Submitted 12 of 12 steps"
    assert rows[drafting.reference]["names"] == ["Kit"]  # partner B's draft; A has no name
    assert rows[passed.reference]["names"] == []
    assert rows[soon.reference]["appointment"] == f"{day(today + datetime.timedelta(3))} in 3 days"
    assert rows[tomorrow.reference]["appointment"].endswith(" tomorrow")
    assert rows[drafting.reference]["appointment"] == f"{day(today)} today"
    assert rows[passed.reference]["appointment"].endswith(" 2 days ago")
    assert rows[people.reference]["appointment"] == "not set"


def test_sorting_by_appointment_keeps_the_urgent_cases_first(people):
    today = timezone.localdate()
    urgent = people.couple  # no appointment date
    later, sooner, none = (plain_case().couple for _ in range(3))
    for couple, days in ((later, 20), (sooner, 5), (none, None), (urgent, None)):
        Couple.objects.filter(pk=couple.pk).update(
            appointment_date=None if days is None else today + datetime.timedelta(days)
        )
    set_created(sooner, hours=1)  # the newest: last by age
    set_created(urgent, hours=2)
    set_created(later, days=3)
    set_created(none, days=4)
    client = people.clinician
    assert references(client.get("/clinic/")) == [
        c.reference for c in (urgent, none, later, sooner)
    ]
    by_appointment = client.get("/clinic/", {"order": "appointment"})
    assert references(by_appointment) == [c.reference for c in (urgent, sooner, later, none)]
    assert "then the soonest appointment (none last)" in visible_text(by_appointment)


def test_assign_to_me_and_the_mine_filter_for_two_clinicians(people):
    lee, okafor = people.clinician, people.clinician2
    other = plain_case().couple
    nobody_yet = plain_case().couple

    def row(client, couple, **params):
        found = [
            r
            for r in queue_rows(client.get("/clinic/", params))
            if r["reference"] == (couple.reference)
        ]
        return found[0] if found else None

    assert row(lee, people.couple)["assigned"] == "nobody"
    assert row(lee, people.couple)["can_assign"]
    # from the queue, filtered: back to the same page of the queue
    back = "/clinic/?attention=urgent"
    response = lee.post(f"/clinic/cases/{people.reference}/assign/", {"back": back})
    assert response.status_code == 302 and response["Location"] == back
    okafor.post(f"/clinic/cases/{other.reference}/assign/")  # from the case page
    assert row(lee, people.couple)["assigned"] == "You"
    assert not row(lee, people.couple)["can_assign"]
    assert row(okafor, people.couple)["assigned"] == "dr.lee"
    assert row(okafor, people.couple)["can_assign"]
    assert row(lee, other)["assigned"] == "dr.okafor"

    def mine(client):
        return set(references(client.get("/clinic/", {"assigned": "mine"})))

    assert mine(lee) == {people.reference}
    assert mine(okafor) == {other.reference}
    assert set(references(lee.get("/clinic/", {"assigned": "nobody"}))) == {nobody_yet.reference}
    # dr.okafor takes the case over: it leaves dr.lee's list; the audit log says who had it
    okafor.post(f"/clinic/cases/{people.reference}/assign/")
    assert mine(lee) == set()
    assert mine(okafor) == {people.reference, other.reference}
    page = okafor.get(f"/clinic/cases/{people.reference}/")
    since = minute(CaseAssignment.objects.get(couple=people.couple).assigned_at)
    assert element_text(page, r"data-case-assignment")[0].startswith(
        f"Assigned to: you since {since}"
    )
    page = lee.get(f"/clinic/cases/{people.reference}/")
    assert element_text(page, r"data-case-assignment")[0].startswith(
        "Assigned to: dr.okafor since "
    )
    entries = AuditEntry.objects.filter(
        couple=people.couple, action=AuditEntry.Action.CASE_ASSIGNED
    ).order_by("at", "id")
    assert [(e.actor_name, e.data) for e in entries] == [
        ("dr.lee", {"to": "dr.lee"}),
        ("dr.okafor", {"to": "dr.okafor", "before": "dr.lee"}),
    ]
    # assigning a case already yours records nothing new
    okafor.post(f"/clinic/cases/{people.reference}/assign/")
    assert entries.count() == 2
    # a link elsewhere is never followed
    response = lee.post(
        f"/clinic/cases/{other.reference}/assign/", {"back": "https://example.com/"}
    )
    assert response["Location"] == f"/clinic/cases/{other.reference}/"


# --- many cases, made fast --------------------------------------------------------------------


def test_pagination_fifty_a_page_keeping_the_filters(people):
    bulk_cases(51)
    client = people.clinician
    first = client.get("/clinic/")
    assert len(queue_rows(first)) == 50
    text = visible_text(first)
    assert "52 cases" in text
    assert "Page 1 of 2" in text
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/clinic/", {"page": 2})
    assert len(queue_rows(second)) == 2
    assert "Page 2 of 2" in visible_text(second)
    assert set(references(first)).isdisjoint(references(second))
    # out of range: the last page; not a number: the first
    assert references(client.get("/clinic/", {"page": 99})) == references(second)
    assert references(client.get("/clinic/", {"page": "x"})) == references(first)
    # a filter is kept on the links to other pages
    bulk_cases(120, start=100)  # with the first: 57 invited
    filtered = client.get("/clinic/", {"status": "invited"})
    assert 'href="?status=invited&amp;page=2"' in filtered.content.decode()
    assert len(queue_rows(filtered)) == 50
    assert all(r["status"] == "Invited" for r in queue_rows(filtered))


QUEUE_REQUESTS = [
    {},
    {"q": "Alex"},
    {"status": "submitted"},
    {"attention": "urgent_or_high"},
    {"q": "TND-Q", "status": "in_review", "attention": "urgent_or_high"},
    {"assigned": "mine", "order": "appointment"},
    {"assigned": "nobody", "status": "ready"},
    {"page": "2"},
]


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/clinic/", params)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_makes_the_same_few_queries_for_10_and_10000_cases(people, settings):
    # the idle sign-out's occasional session write must not land inside a counted request
    settings.CLINICIAN_SEEN_WRITE_SECONDS = 10**6
    client = people.clinician
    other = make_user("dr.other", clinician=True)

    def build(count, start):
        couples = bulk_cases(count, start, full=min(count, 60))
        some = couples[: min(max(6, count // 5), 60)]
        services.rescreen(some)  # the submitted ones among them: flags of every kind
        screened = [c for c in some if c.screenings.exists()]
        assert screened
        for couple in screened[::4]:
            item = review.missing_dispositions(couple)[0]
            Disposition.objects.create(
                couple=couple,
                key=item.key,
                rule=item.rule,
                partner=item.partner,
                outcome="acknowledged",
                by=client.user,
            )
        signed = screened[1]
        dispose_all(signed, client.user)
        review.sign_off(signed, client.user, "Ready.")
        CaseAssignment.objects.bulk_create(
            [
                CaseAssignment(couple=couple, clinician=(client.user, other)[i % 2])
                for i, couple in enumerate(couples[::3])
            ],
            batch_size=500,
        )

    build(9, 0)  # with the demo couple: 10 cases
    assert Couple.objects.count() == 10
    client.get("/clinic/")  # a request before the counted ones: the session is warm
    at_10 = {str(params): _queries(client, params) for params in QUEUE_REQUESTS}
    assert len(queue_rows(client.get("/clinic/"))) == 10
    for params in QUEUE_REQUESTS[4:7]:  # the combined filters find a case
        assert queue_rows(client.get("/clinic/", params)), params

    build(9990, 1000)
    if connection.vendor == "postgresql":  # the statistics autovacuum would have gathered
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    assert Couple.objects.count() == 10_000
    at_10000 = {str(params): _queries(client, params) for params in QUEUE_REQUESTS}
    rows = queue_rows(client.get("/clinic/"))
    assert len(rows) == 50
    assert {r["assigned"] for r in rows} >= {"You", "dr.other", "nobody"}

    assert at_10000 == at_10
    # session, user, OTP device, clinicians group; count, the page's cases in order, those
    # cases' rows (with the assignment and its clinician), their partners
    assert max(at_10.values()) <= 8, at_10
