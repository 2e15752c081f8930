"""Telling the clinic of urgent answers: the e-mail (sent by the worker, `screening.tasks`), and
each failed try recorded, backing off, and escalated when it keeps failing. The workers' sweep
tries again when due (`screening.background.retry_due_alerts`)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from intake.models import Couple

from .models import UrgentAlert

log = logging.getLogger(__name__)


def send_urgent_email(couple_id: int) -> bool:
    """Tell the clinic of the case's urgent answers not told yet, by an e-mail with no clinical
    content and no names: a case needs urgent review, and a link. Returns whether an e-mail
    went out; a failure is recorded on the alerts (`alert_failed`), which stay untold, to be
    tried again, and raised.

    No transaction is held while the mail server is talked to: on SQLite that would lock
    every other write for as long as it takes. So two workers at the same moment could both
    send: at least once, never not at all.
    """
    couple = Couple.objects.get(pk=couple_id)
    try:
        return _send(couple)
    except Exception as error:
        alert_failed(couple, error)
        raise


def _send(couple: Couple) -> bool:
    untold = list(
        UrgentAlert.objects.filter(partner__couple=couple, notified_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not untold:
        return False  # told already (another worker, or an earlier try)
    recipients = settings.URGENT_ALERT_EMAILS
    if not recipients:
        log.warning("Case %s needs urgent review, but URGENT_ALERT_EMAILS is empty", couple)
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("screening:case", args=[couple.reference])
    send_mail(
        subject="A case needs urgent review",
        message=render_to_string("screening/email/urgent.txt", {"link": link}),
        from_email=None,
        recipient_list=recipients,
    )
    told = UrgentAlert.objects.filter(pk__in=untold, notified_at__isnull=True)
    if told.filter(escalated_at__isnull=False).exists():
        log.warning("Case %s: the urgent alert not delivered before has now been sent", couple)
    told.update(notified_at=timezone.now(), next_attempt_at=None, escalated_at=None)
    return True


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long after the `attempts`-th failure the e-mail is tried again: 15 s, 30 s, 60 s, ...
    at most URGENT_ALERT_RETRY_MAX_SECONDS."""
    base = settings.URGENT_ALERT_RETRY_SECONDS
    seconds = base * 2 ** min(max(attempts - 1, 0), 20)
    return datetime.timedelta(seconds=min(seconds, settings.URGENT_ALERT_RETRY_MAX_SECONDS))


def alert_failed(couple: Couple, error: BaseException | str) -> None:
    """Record a failed try to tell the clinic of the case's untold urgent alerts; past
    URGENT_ALERT_MAX_FAILURES failures the case is escalated ("alert not delivered")."""
    now = timezone.now()
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    text = text[:500]
    attempts = 0
    escalated = False
    for alert in UrgentAlert.objects.filter(partner__couple=couple, notified_at__isnull=True):
        alert.attempts += 1
        alert.last_error = text
        alert.next_attempt_at = now + retry_delay(alert.attempts)
        if alert.attempts >= settings.URGENT_ALERT_MAX_FAILURES and alert.escalated_at is None:
            alert.escalated_at = now
        alert.save(update_fields=["attempts", "last_error", "next_attempt_at", "escalated_at"])
        attempts = max(attempts, alert.attempts)
        escalated = escalated or alert.escalated_at is not None
    if escalated:
        log.error(
            "Case %s: urgent alert not delivered after %d tries (%s); still trying",
            couple.reference,
            attempts,
            text,
        )
    elif attempts:
        log.warning(
            "Case %s: urgent e-mail failed (try %d, %s); tried again later",
            couple.reference,
            attempts,
            text,
        )
