"""Screening speed: one couple in memory, and re-screening 10,000 stored couples.

    .venv/bin/python bench/screening.py [--couples 10000] [--runs 2000]

Targets on the 2-core machine: under 1 ms per couple; 10,000 couples re-screened (read,
scored, flagged and stored as new screenings) in under 20 s. Uses a throw-away SQLite
database unless DATABASE_URL is set (then it uses that server's test-style database).
"""

import argparse
import datetime
import statistics
import time

from django_setup import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from intake.demo import demo_document  # noqa: E402
from intake.models import AnswerSet, Couple, Partner, Submission  # noqa: E402
from screening import engine, services  # noqa: E402
from screening.models import Flag, Screening  # noqa: E402
from screening.scoring import Parameters  # noqa: E402


def per_couple(runs: int) -> float:
    document = demo_document()
    params = Parameters()
    today = datetime.date(2026, 11, 28)
    for _ in range(200):
        engine.screen(document, params, today)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        engine.screen(document, params, today)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def store_couples(count: int) -> None:
    document = demo_document()
    with transaction.atomic():
        couples = Couple.objects.bulk_create(
            [Couple(reference=f"TND-B{i:06d}") for i in range(count)], batch_size=1000
        )
        partners = Partner.objects.bulk_create(
            [
                Partner(couple=c, label=label, status=Partner.Status.SUBMITTED)
                for c in couples
                for label in ("a", "b")
            ],
            batch_size=1000,
        )
        AnswerSet.objects.bulk_create([AnswerSet(partner=p) for p in partners], batch_size=1000)
        Submission.objects.bulk_create(
            [
                Submission(
                    partner=p,
                    number=1,
                    questionnaire_version="1",
                    answers=document["partners"][p.label],
                )
                for p in partners
            ],
            batch_size=1000,
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--couples", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    median_ms = per_couple(args.runs)
    print(f"screen one couple (engine, in memory): median {median_ms:.3f} ms over {args.runs} runs")

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    store_couples(args.couples)
    print(f"stored {args.couples} couples in {time.perf_counter() - start:.1f} s (set-up)")
    start = time.perf_counter()
    done = services.rescreen()
    elapsed = time.perf_counter() - start
    flags = Flag.objects.count()
    assert done == args.couples == Screening.objects.count()
    print(
        f"re-screen {done} stored couples: {elapsed:.1f} s "
        f"({elapsed / done * 1000:.2f} ms per couple, {flags} flags stored)"
    )
    print(
        "targets: under 1 ms per couple "
        f"({'OK' if median_ms < 1 else 'MISSED'}); 10,000 couples under 20 s "
        f"({'OK' if elapsed < 20 * args.couples / 10_000 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
