"""Screening with the database: store results, re-screen, and spot urgent answers as they are
saved (the clinic is told by the worker: `screening.alerts`).

The rules themselves are pure functions (`screening.engine`); this module feeds them the
submitted answers and the clinic parameters in force, and keeps every result.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from intake.models import Couple, Partner, Submission
from intake.questionnaire import QUESTIONNAIRES

from . import engine, queue
from .models import ClinicParameters, Flag, Screening, UrgentAlert, flag_key
from .scoring import Parameters


def _build(
    couple_id: int,
    appointment_date: datetime.date | None,
    questionnaire_version: str,
    submissions: dict[str, tuple[int, dict[str, Any]]],
    params: Parameters,
    today: datetime.date,
    reason: str,
) -> tuple[Screening, list[Flag]]:
    """Screen one couple's submitted answers (partner -> (submission number, answers))."""
    document: dict[str, Any] = {
        "questionnaire_version": questionnaire_version,
        "partners": {label: answers for label, (_, answers) in submissions.items()},
    }
    if appointment_date:
        document["appointment_date"] = appointment_date.isoformat()
    result = engine.screen(document, params, today)
    data = result.as_dict()
    screening = Screening(
        couple_id=couple_id,
        reason=reason,
        ruleset_version=result.ruleset,
        questionnaire_version=questionnaire_version,
        parameters=data["parameters"],
        appointment_date=appointment_date,
        evaluation_date=today,
        partners="".join(sorted(submissions)),
        submissions={label: number for label, (number, _) in submissions.items()},
        scores=data["scores"],
    )
    flags = [
        Flag(
            position=position,
            rule=flag["rule"],
            topic=flag["topic"],
            severity=flag["severity"],
            partner=flag["partner"],
            # pairs, not an object: PostgreSQL's jsonb would reorder the keys
            evidence=list(flag["evidence"].items()),
            message=flag["message"],
            key=flag_key(flag["rule"], flag["partner"], flag["evidence"]),
        )
        for position, flag in enumerate(data["flags"])
    ]
    return screening, flags


def _current_submissions(couple_ids: list[int]) -> dict[int, dict[str, tuple[int, dict]]]:
    """couple id -> partner -> (number, answers) of the latest submission of each partner
    whose answers are locked (a reopened partner is left out until they submit again)."""
    rows = (
        Submission.objects.filter(
            partner__couple_id__in=couple_ids, partner__status=Partner.Status.SUBMITTED
        )
        .order_by("number")
        .values_list("partner__couple_id", "partner__label", "number", "answers")
    )
    latest: dict[int, dict[str, tuple[int, dict]]] = {}
    for couple_id, label, number, answers in rows:
        latest.setdefault(couple_id, {})[label] = (number, answers)
    return latest


def _store(built: list[tuple[Screening, list[Flag]]]) -> None:
    """Insert screenings, then their flags in one `executemany` (the ORM's per-object work
    dominates re-screening thousands of couples; the rows are the same)."""
    with transaction.atomic():
        Screening.objects.filter(
            couple_id__in=[screening.couple_id for screening, _ in built], is_current=True
        ).update(is_current=False)
        screenings = Screening.objects.bulk_create([screening for screening, _ in built])
        rows = [
            (
                screening.pk,
                flag.position,
                flag.rule,
                flag.topic,
                flag.severity,
                flag.partner,
                json.dumps(flag.evidence),
                flag.message,
                flag.key,
            )
            for screening, (_, flags) in zip(screenings, built, strict=True)
            for flag in flags
        ]
        if rows:
            table = connection.ops.quote_name(Flag._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (screening_id, position, rule, topic, severity, "  # noqa: S608
                    "partner, evidence, message, key) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )


def _lock_couples(couple_ids: list[int]) -> None:
    """Screen a couple one run at a time: lock its row before reading its submissions.

    Without it, both partners submitting at once made two screenings that each took the
    other for old, both left current (the queue counted every flag twice), and a run that
    read before the other partner's submission could end up current without it.
    """
    list(
        Couple.objects.select_for_update()
        .filter(pk__in=couple_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def screen_couple(couple: Couple, reason: str = Screening.Reason.SUBMITTED) -> Screening | None:
    """Screen a couple's submitted answers now and store the result beside earlier ones."""
    with transaction.atomic():
        _lock_couples([couple.pk])
        submissions = _current_submissions([couple.pk]).get(couple.pk)
        if not submissions:
            return None
        params = ClinicParameters.current().as_parameters()
        built = _build(
            couple.pk,
            couple.appointment_date,
            couple.questionnaire_version,
            submissions,
            params,
            timezone.localdate(),
            reason,
        )
        _store([built])
    return built[0]


def rescreen(couples: Iterable[Couple] | None = None, batch_size: int = 1000) -> int:
    """Re-screen couples (all with a submission when None) with the rules and parameters in
    force; each gets a new screening, the old ones stay. Returns how many were screened."""
    params = ClinicParameters.current().as_parameters()
    today = timezone.localdate()
    queryset = Couple.objects.filter(partners__status=Partner.Status.SUBMITTED)
    if couples is not None:
        queryset = queryset.filter(pk__in=[c.pk for c in couples])
    rows = list(
        queryset.values_list("pk", "appointment_date", "questionnaire_version")
        .distinct()
        .order_by("pk")
    )
    done = 0
    reason = Screening.Reason.RESCREEN
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        with transaction.atomic():
            _lock_couples([pk for pk, _, _ in chunk])
            submissions = _current_submissions([pk for pk, _, _ in chunk])
            built = [
                _build(pk, appointment, version, submissions[pk], params, today, reason)
                for pk, appointment, version in chunk
                if pk in submissions
            ]
            _store(built)
        done += len(built)
    return done


# -- urgent answers, while the partner is still filling in -----------------------------


def check_urgent(partner: Partner, answers: dict[str, Any]) -> list[UrgentAlert]:
    """Tell the clinic at once of each new urgent answer; the same answer never twice."""
    couple = partner.couple
    # The urgent rules read no parameter today; the query is saved on every safety step.
    if engine.URGENT_RULES_READ_PARAMETERS:
        params = ClinicParameters.current().as_parameters()
    else:
        params = Parameters()
    on_date = couple.appointment_date or timezone.localdate()
    new_alerts = []
    untold = False
    for flag in engine.urgent_partner_flags(answers, partner.label, on_date, params):
        data = flag.as_dict()
        alert, created = UrgentAlert.objects.get_or_create(
            partner=partner,
            key=flag_key(data["rule"], data["partner"], data["evidence"]),
            defaults={"rule": data["rule"], "message": data["message"]},
        )
        if created:
            new_alerts.append(alert)
        untold = untold or alert.notified_at is None
    if untold:
        # The e-mail goes out from the worker: a slow or failing mail server never holds up,
        # or breaks, the page of a partner who has just said they are not safe. An e-mail that
        # failed is tried again by the workers' sweep, and here at the next save.
        transaction.on_commit(lambda: queue.urgent_email(couple.pk))
    return new_alerts


@functools.cache
def urgent_steps(questionnaire_version: str) -> frozenset[str]:
    """The steps whose answers can raise an urgent flag: those with safety questions (the
    ones that show crisis contacts at once)."""
    questionnaire = QUESTIONNAIRES[questionnaire_version]
    return frozenset(
        step.id for step in questionnaire.steps if any(q.alert for q in step.questions)
    )
