"""Background duties that must finish or be told: urgent e-mails retried until sent (and
escalated when they keep failing), tasks left running by a dead worker taken up again, and the
health check a process supervisor polls.

Each worker process (`manage.py worker`) runs `sweep` every WORKER_SWEEP_SECONDS.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import queue
from .alerts import retry_delay
from .models import SignOff, SummaryPDF, UrgentAlert, WorkerHeartbeat

log = logging.getLogger(__name__)


def retry_due_alerts(now: datetime.datetime | None = None) -> list[int]:
    """Enqueue the e-mail again for every case with an untold urgent alert that is due (or that
    never got a first try); returns the cases' ids. Each case is claimed by moving its next try
    on, so two sweeps at once enqueue it once."""
    if not settings.URGENT_ALERT_EMAILS:
        return []  # nobody to tell (development): `alerts.send_urgent_email` said so at first
    now = now or timezone.now()
    first_try_grace = now - datetime.timedelta(seconds=settings.URGENT_ALERT_RETRY_SECONDS)
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lte=first_try_grace
    )
    untold = UrgentAlert.objects.filter(notified_at__isnull=True)
    couple_ids = sorted(set(untold.filter(due).values_list("partner__couple_id", flat=True)))
    enqueued = []
    for couple_id in couple_ids:
        alerts = untold.filter(partner__couple_id=couple_id)
        attempts = max(alerts.values_list("attempts", flat=True), default=0)
        lease = now + retry_delay(max(attempts, 1))
        if alerts.filter(due).update(next_attempt_at=lease):
            queue.urgent_email(couple_id)
            enqueued.append(couple_id)
    return enqueued


def recover_abandoned_tasks(now: datetime.datetime | None = None) -> int:
    """Put back to READY every task left RUNNING for longer than TASK_RUNNING_TIMEOUT_SECONDS by a
    worker no longer seen: it runs once more (generate_summary stores one summary per sign-off
    whatever happens; notify_urgent is at least once)."""
    now = now or timezone.now()
    started_before = now - datetime.timedelta(seconds=settings.TASK_RUNNING_TIMEOUT_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(
            last_seen__gte=now - datetime.timedelta(seconds=settings.WORKER_SEEN_SECONDS)
        ).values_list("worker_id", flat=True)
    )
    recovered = 0
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lte=started_before
    )
    for result in running:
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue  # a slow task of a live worker: the health check reports it if stuck
        reset = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        ).update(status=TaskResultStatus.READY)
        if reset:
            recovered += 1
            log.warning(
                "Task %s (%s) was left running by a worker that is gone; it runs again",
                result.pk,
                result.task_path,
            )
    return recovered


def heartbeat(worker_id: str, queues: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"queues": queues[:200], "last_seen": now}
    )
    WorkerHeartbeat.objects.filter(last_seen__lt=now - datetime.timedelta(days=1)).delete()


def sweep(worker_id: str, queues: str) -> None:
    """One round of a worker's sweep."""
    heartbeat(worker_id, queues)
    recover_abandoned_tasks()
    retry_due_alerts()


# -- the health check ---------------------------------------------------------------------


def stuck_summaries(now: datetime.datetime | None = None) -> int:
    """Sign-offs in force without their summary whose task failed, has been waiting or running
    longer than TASK_RUNNING_TIMEOUT_SECONDS, or was never queued that long after sign-off."""
    now = now or timezone.now()
    too_long = now - datetime.timedelta(seconds=settings.TASK_RUNNING_TIMEOUT_SECONDS)
    pending = list(
        SignOff.objects.in_force()
        .exclude(pk__in=SummaryPDF.objects.values("sign_off_id"))
        .values_list("pk", "at")
    )
    if not pending:
        return 0
    oldest = min(at for _, at in pending) - datetime.timedelta(minutes=1)
    tasks = DBTaskResult.objects.filter(task_path=queue.GENERATE_SUMMARY, enqueued_at__gte=oldest)
    latest: dict[int, DBTaskResult] = {}
    for result in tasks.order_by("enqueued_at"):
        args = (result.args_kwargs or {}).get("args") or []
        if args:
            latest[args[0]] = result
    stuck = 0
    for sign_off_id, signed_at in pending:
        last_task = latest.get(sign_off_id)
        if last_task is None:
            stuck += signed_at <= too_long
        elif last_task.status == TaskResultStatus.FAILED:
            stuck += 1
        elif last_task.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            stuck += (last_task.started_at or last_task.enqueued_at) <= too_long
    return stuck


def health() -> dict[str, Any]:
    """What a supervisor needs, with no clinical content: the database, each queue's worker,
    alerts not delivered, summaries stuck. `healthy` is whether all is well."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure to reach the database is the answer
        log.error("Health check: database unreachable (%s)", type(error).__name__)
        return {"healthy": False, "database": "unreachable"}
    now = timezone.now()
    seen = WorkerHeartbeat.objects.filter(
        last_seen__gte=now - datetime.timedelta(seconds=settings.WORKER_SEEN_SECONDS)
    ).values_list("queues", flat=True)
    served = {name for queues in seen for name in queues.split(",")}
    missing = [q for q in settings.TASK_QUEUES if q not in served and "*" not in served]
    undelivered = (
        UrgentAlert.objects.filter(notified_at__isnull=True, escalated_at__isnull=False)
        .values("partner__couple_id")
        .distinct()
        .count()
    )
    stuck = stuck_summaries(now)
    return {
        "healthy": not missing and not undelivered and not stuck,
        "database": "ok",
        "workers": "ok" if not missing else "not seen: " + ", ".join(missing),
        "alerts_not_delivered": undelivered,
        "summaries_stuck": stuck,
    }
