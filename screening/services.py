"""Screening with the database: store results, re-screen, and tell the clinic of urgent answers.

The rules themselves are pure functions (`screening.engine`); this module feeds them the
submitted answers and the clinic parameters in force, and keeps every result.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from intake.models import Couple, Partner, Submission

from . import engine
from .models import ClinicParameters, Flag, Screening, UrgentAlert
from .scoring import Parameters

log = logging.getLogger(__name__)


def _latest_submissions(couple: Couple) -> dict[str, Submission]:
    """The current submission of each partner who has submitted (prefetched when possible)."""
    latest = {}
    for partner in couple.partners.all():
        if partner.status != Partner.Status.SUBMITTED:
            continue
        submissions = sorted(partner.submissions.all(), key=lambda s: -s.number)
        if submissions:
            latest[partner.label] = submissions[0]
    return latest


def _build(
    couple: Couple, params: Parameters, today: datetime.date, reason: str
) -> tuple[Screening, list[Flag]] | None:
    submissions = _latest_submissions(couple)
    if not submissions:
        return None
    document = {
        "questionnaire_version": couple.questionnaire_version,
        "partners": {label: s.answers for label, s in submissions.items()},
    }
    if couple.appointment_date:
        document["appointment_date"] = couple.appointment_date.isoformat()
    result = engine.screen(document, params, today)
    data = result.as_dict()
    screening = Screening(
        couple=couple,
        reason=reason,
        ruleset_version=result.ruleset,
        questionnaire_version=couple.questionnaire_version,
        parameters=data["parameters"],
        appointment_date=couple.appointment_date,
        evaluation_date=today,
        partners="".join(sorted(submissions)),
        submissions={label: s.number for label, s in submissions.items()},
        scores=data["scores"],
    )
    flags = [
        Flag(
            screening=screening,
            position=position,
            rule=flag["rule"],
            topic=flag["topic"],
            severity=flag["severity"],
            partner=flag["partner"],
            evidence=flag["evidence"],
            message=flag["message"],
        )
        for position, flag in enumerate(data["flags"])
    ]
    return screening, flags


def _couples_for_screening():
    return Couple.objects.prefetch_related(
        Prefetch(
            "partners",
            queryset=Partner.objects.prefetch_related(
                Prefetch("submissions", queryset=Submission.objects.order_by("-number"))
            ),
        )
    )


def screen_couple(couple: Couple, reason: str = Screening.Reason.SUBMITTED) -> Screening | None:
    """Screen a couple's submitted answers now and store the result beside earlier ones."""
    couple = _couples_for_screening().get(pk=couple.pk)
    built = _build(couple, ClinicParameters.current().as_parameters(), timezone.localdate(), reason)
    if built is None:
        return None
    screening, flags = built
    with transaction.atomic():
        screening.save()
        for flag in flags:
            flag.screening = screening
        Flag.objects.bulk_create(flags)
    return screening


def rescreen(couples: Iterable[Couple] | None = None, batch_size: int = 500) -> int:
    """Re-screen couples (all with a submission when None) with the rules and parameters in
    force; each gets a new screening, the old ones stay. Returns how many were screened."""
    params = ClinicParameters.current().as_parameters()
    today = timezone.localdate()
    queryset = _couples_for_screening().filter(partners__status=Partner.Status.SUBMITTED)
    if couples is not None:
        queryset = queryset.filter(pk__in=[c.pk for c in couples])
    ids = list(queryset.values_list("pk", flat=True).distinct().order_by("pk"))
    done = 0
    for start in range(0, len(ids), batch_size):
        chunk = _couples_for_screening().filter(pk__in=ids[start : start + batch_size])
        built = [b for c in chunk if (b := _build(c, params, today, Screening.Reason.RESCREEN))]
        with transaction.atomic():
            screenings = Screening.objects.bulk_create([s for s, _ in built])
            flags = []
            for screening, (_, couple_flags) in zip(screenings, built, strict=True):
                for flag in couple_flags:
                    flag.screening = screening
                flags.extend(couple_flags)
            Flag.objects.bulk_create(flags, batch_size=2000)
        done += len(built)
    return done


# -- urgent answers, while the partner is still filling in -----------------------------


def _evidence_key(evidence: dict[str, Any]) -> str:
    canonical = json.dumps(evidence, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_urgent(partner: Partner, answers: dict[str, Any]) -> list[UrgentAlert]:
    """Tell the clinic at once of each new urgent answer; the same answer never twice."""
    couple = partner.couple
    params = ClinicParameters.current().as_parameters()
    on_date = couple.appointment_date or timezone.localdate()
    new_alerts = []
    for flag in engine.partner_flags(answers, partner.label, on_date, params):
        if flag.severity != engine.Severity.URGENT:
            continue
        key = _evidence_key(flag.as_dict()["evidence"])
        alert, created = UrgentAlert.objects.get_or_create(
            partner=partner, rule=flag.rule, evidence_key=key
        )
        if created:
            new_alerts.append(alert)
    if new_alerts:
        transaction.on_commit(lambda: notify_urgent(couple))
    return new_alerts


def notify_urgent(couple: Couple) -> None:
    """An e-mail with no clinical content and no names: a case needs urgent review, a link."""
    recipients = settings.URGENT_ALERT_EMAILS
    if not recipients:
        log.warning("Case %s needs urgent review, but URGENT_ALERT_EMAILS is empty", couple)
        return
    link = settings.SITE_URL.rstrip("/") + reverse("screening:case", args=[couple.reference])
    send_mail(
        subject="A case needs urgent review",
        message=render_to_string("screening/email/urgent.txt", {"link": link}),
        from_email=None,
        recipient_list=recipients,
    )
