"""Server time of the clinic's queue with many cases and of a full couple's case page, each
against a plain Django page rendering the same rows, in the same run.

    .venv/bin/python bench/workspace.py [--cases 10000] [--runs 100] [--postgres]

The queue: `--cases` cases made with bulk_create (a third invited, a third filling in, a third
submitted, every third one assigned; the first ones screened), plus the full couple of
bench/pdf_case.py. Timed through the whole middleware stack with Django's test client, signed
in as a clinician with the second factor: the default queue, filtered ("urgent or high"), and
"mine" sorted by appointment date. The plain queue page reads the same 50 cases (the plain
order by age) with their partners (prefetched) and the assigned clinician (joined) and
renders reference, partners' status and steps, appointment date and the assignee in a plain
table: no status, names, flag counts or urgency order, which are what the queue adds.

The case page: the full couple (every question answered by at least one partner, every
disposition recorded, signed off). The plain case page reads the couple, its partners'
latest submissions and renders every question's wording and both answers, as stored, in a
plain table: the same rows as the case page's "All answers" section, without the flags,
scores, evidence and forms.

Uses a throw-away SQLite database, or with --postgres a throw-away PostgreSQL database
(`tandem_bench_workspace`, on the server of TEST_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

import argparse
import os
import time

from _support import setup_database, throwaway_database, timed

PG_NAME = "tandem_bench_workspace"
setup_database(PG_NAME)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

PLAIN_QUEUE = engines["django"].from_string(
    "<!doctype html><html><body><table><thead><tr><th>Reference</th><th>Partner A</th>"
    "<th>Partner B</th><th>Appointment</th><th>Assigned to</th><th>Created</th></tr></thead>"
    "<tbody>{% for c in couples %}<tr><td><a href='/clinic/cases/{{ c.reference }}/'>"
    "{{ c.reference }}</a></td>{% for p in c.partners.all %}<td>{{ p.get_status_display }}"
    " {{ p.steps_completed }} of 12</td>{% endfor %}<td>{{ c.appointment_date|date:'Y-m-d' }}"
    "</td><td>{% if c.assignment %}{{ c.assignment.clinician.get_username }}{% endif %}</td>"
    "<td>{{ c.created_at|date:'Y-m-d' }}</td></tr>{% endfor %}</tbody></table></body></html>"
)
PLAIN_CASE = engines["django"].from_string(
    "<!doctype html><html><body><h1>{{ couple.reference }}</h1><table><tbody>"
    "{% for label, a, b in rows %}<tr><th>{{ label }}</th><td>{{ a }}</td><td>{{ b }}</td>"
    "</tr>{% endfor %}</tbody></table></body></html>"
)


def plain_queue(request):
    from intake.models import Couple

    couples = (
        Couple.objects.prefetch_related("partners")
        .select_related("assignment__clinician")
        .order_by("created_at", "pk")[:50]
    )
    return HttpResponse(PLAIN_QUEUE.render({"couples": couples}, request))


def plain_case(request, reference):
    from intake.models import Couple
    from intake.questionnaire import QUESTIONNAIRES

    couple = Couple.objects.prefetch_related("partners__submissions").get(reference=reference)
    answers = [
        max(p.submissions.all(), key=lambda s: s.number).answers for p in couple.partners.all()
    ]
    questionnaire = QUESTIONNAIRES[couple.questionnaire_version]
    rows = [
        (q.label, answers[0].get(q.id, ""), answers[1].get(q.id, ""))
        for step in questionnaire.steps
        for q in step.questions
    ]
    return HttpResponse(PLAIN_CASE.render({"couple": couple, "rows": rows}, request))


urlpatterns = [
    path("plain/queue/", plain_queue),
    path("plain/case/<str:reference>/", plain_case),
    path("", include("config.urls")),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    args = parser.parse_args()
    with throwaway_database(PG_NAME):
        measure(args.cases, args.runs)


def build(cases: int):
    from django.contrib.auth.models import User
    from pdf_case import build_case

    from screening import services
    from screening.models import CaseAssignment
    from tests.factories import bulk_cases

    couple, _, flags = build_case()
    clinician = User.objects.get(username="dr.bench")
    other = User.objects.create_user("dr.other")
    couples = bulk_cases(cases - 1, start=1, full=60)
    services.rescreen(couples[:60])
    CaseAssignment.objects.bulk_create(
        [
            CaseAssignment(couple=c, clinician=(clinician, other)[i % 2])
            for i, c in enumerate(couples[::3])
        ],
        batch_size=500,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return couple, clinician, len(flags)


def measure(cases: int, runs: int):
    from intake.models import Couple
    from tests.auth import sign_in

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    couple, clinician, flags = build(cases)
    built = time.perf_counter() - started
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        client = sign_in(Client(), clinician)
        pages = {
            "queue": "/clinic/",
            "queue urgent or high": "/clinic/?attention=urgent_or_high",
            "queue mine by appointment": "/clinic/?assigned=mine&order=appointment",
            "plain queue": "/plain/queue/",
            "case page": f"/clinic/cases/{couple.reference}/",
            "plain case page": f"/plain/case/{couple.reference}/",
        }
        queries = {}
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries[name] = len(captured)
        results = {}
        for name, url in pages.items():
            for _ in range(3):  # warm up
                client.get(url)
            results[name] = timed(lambda url=url: client.get(url), runs)
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"Clinic pages, {Couple.objects.count()} cases (built in {built:.0f} s), the full "
        f"couple with {flags} flags; {runs} runs each, {engine}, load average "
        f"{os.getloadavg()[0]:.2f}; milliseconds of server time"
    )
    print(f"{'':27} {'median':>8} {'p95':>8} {'queries':>8}")
    for name, (median, p95) in results.items():
        print(f"{name:27} {median:8.2f} {p95:8.2f} {queries[name]:8d}")
    for page, plain in (("queue", "plain queue"), ("case page", "plain case page")):
        print(f"{page} / {plain} median ratio: {results[page][0] / results[plain][0]:.2f}")


if __name__ == "__main__":
    main()
