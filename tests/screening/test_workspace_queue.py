"""The queue. Every case with its reference, status, partner progress and flag counts;
urgent first, then high, then the oldest; filters, search, pagination; and the same few
queries for 10 or 1,000 cases."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake import services as intake_services
from intake.demo import demo_document, make_answers
from intake.models import AnswerSet, Couple, Partner, Submission
from screening import review, services
from screening.models import Disposition
from screening.queries import review_queue
from tests.intake.helpers import seed_steps, visible_text
from tests.screening import personas as p

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
        rows.append(
            {
                "reference": cells[0].split()[0],
                "urgent_badge": "Urgent: act today" in cells[0],
                "status": cells[1],
                "a": cells[2],
                "b": cells[3],
                "counts": tuple(int(c) for c in cells[4:8]),
            }
        )
    return rows


def references(response) -> list[str]:
    return [row["reference"] for row in queue_rows(response)]


def set_created(couple: Couple, **ago) -> None:
    Couple.objects.filter(pk=couple.pk).update(
        created_at=timezone.now() - datetime.timedelta(**ago)
    )


def dispose_all(couple: Couple, user, severities=("urgent", "high", "review")) -> None:
    for item in review.missing_dispositions(couple):
        if item.severity in severities:
            review.record_disposition(couple, item.key, "acknowledged", "Reviewed.", user)


def cases_in_every_state(user) -> dict[str, Couple]:
    invited = intake_services.create_case()
    in_progress = intake_services.create_case()
    seed_steps(in_progress.couple.partner("b"), make_answers(), ["about", "goals", "relationship"])
    submitted = p.plain_case()
    in_review = p.flagged_case()
    first = review.missing_dispositions(in_review.couple)[0]
    review.record_disposition(in_review.couple, first.key, "follow_up", "Called.", user)
    ready = p.plain_case()
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
    half = p.imported_case(p.document(a=demo_document()["partners"]["a"]))
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
    high = p.imported_case(p.document(make_answers(pressured=True), make_answers())).couple
    old_plain = p.plain_case().couple
    new_plain = p.plain_case().couple
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
    with p.committed():
        services.check_urgent(partner, {"unsafe_now": True})
    rows = queue_rows(people.clinician.get("/clinic/"))
    assert rows[0]["reference"] == people.reference  # older, also urgent
    assert rows[1]["reference"] == filling_in.couple.reference
    assert rows[1]["urgent_badge"]
    assert rows[1]["status"] == "Filling in"
    assert rows[1]["counts"] == (0, 0, 0, 0)  # not screened yet: the alert alone


def test_filters_by_status_and_by_urgent_or_high_flags(people):
    cases = cases_in_every_state(people.clinician.user)
    high = p.imported_case(p.document(make_answers(pressured=True), make_answers())).couple
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
    plain = p.plain_case().couple  # partners "Sam" and "Robin"
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


# --- many cases, made fast --------------------------------------------------------------------


def bulk_cases(count: int, start: int = 0) -> list[Couple]:
    """`count` cases without going through the services: a third invited, a third filling in,
    a third submitted (the demo couple's answers); the submitted ones are not screened."""
    answers = demo_document()["partners"]
    now = timezone.now()
    couples = Couple.objects.bulk_create(
        [
            Couple(
                reference=f"TND-Q{start + i:06d}",
                created_at=now - datetime.timedelta(minutes=start + i),
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    statuses = [Partner.Status.INVITED, Partner.Status.IN_PROGRESS, Partner.Status.SUBMITTED]
    partners = Partner.objects.bulk_create(
        [
            Partner(
                couple=couple,
                label=label,
                status=statuses[(start + i) % 3],
                steps_completed=12 if statuses[(start + i) % 3] == "submitted" else 0,
            )
            for i, couple in enumerate(couples)
            for label in ("a", "b")
        ],
        batch_size=500,
    )
    AnswerSet.objects.bulk_create(
        [
            AnswerSet(
                partner=partner,
                answers=answers[partner.label] if partner.status != "invited" else {},
            )
            for partner in partners
        ],
        batch_size=500,
    )
    Submission.objects.bulk_create(
        [
            Submission(
                partner=partner,
                number=1,
                questionnaire_version="1",
                answers=answers[partner.label],
            )
            for partner in partners
            if partner.status == Partner.Status.SUBMITTED
        ],
        batch_size=500,
    )
    return couples


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
    {"page": "2"},
]


def _queries(client, params) -> int:
    client.get("/clinic/", params)  # the same request once before: the session is warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/clinic/", params)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_makes_the_same_few_queries_for_10_and_1000_cases(people, settings):
    # the idle sign-out's occasional session write must not land inside a counted request
    settings.CLINICIAN_SEEN_WRITE_SECONDS = 10**6
    client = people.clinician

    def build(count, start):
        couples = bulk_cases(count, start)
        some = couples[: max(3, count // 5)]
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

    build(9, 0)  # with the demo couple: 10 cases
    assert Couple.objects.count() == 10
    at_10 = {str(params): _queries(client, params) for params in QUEUE_REQUESTS}
    assert len(queue_rows(client.get("/clinic/"))) == 10
    assert queue_rows(client.get("/clinic/", QUEUE_REQUESTS[-2]))  # the combined filter finds one

    build(990, 1000)
    assert Couple.objects.count() == 1000
    at_1000 = {str(params): _queries(client, params) for params in QUEUE_REQUESTS}
    assert len(queue_rows(client.get("/clinic/"))) == 50
    assert queue_rows(client.get("/clinic/", QUEUE_REQUESTS[-2]))

    assert at_1000 == at_10
    # session, user, OTP device, clinicians group, count, page, partners
    assert max(at_10.values()) <= 7, at_10
