"""The workers' sweep and the health check, in process: back-off, escalation shown first in
the queue and on the case page, the retry that clears it, and what `/healthz` and
`manage.py health` answer (with the database down too, in a subprocess)."""

from __future__ import annotations

import datetime
import json
import logging
import subprocess
import sys

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake import services
from screening import alerts, background
from screening.models import SummaryPDF, UrgentAlert, WorkerHeartbeat
from tests.factories import clinician_user, committed, signed_off_case
from tests.ports import free_port

from .worker_support import ROOT

pytestmark = pytest.mark.django_db

ON_CALL = ["on-call@clinic.example"]


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.URGENT_ALERT_EMAILS = ON_CALL
    settings.URGENT_ALERT_MAX_FAILURES = 3
    settings.MEDIA_ROOT = tmp_path / "media"


def urgent_case(rule="SI-1"):
    couple = services.create_case(email_a="a@example.com", email_b="b@example.com").couple
    alert = UrgentAlert.objects.create(partner=couple.partner("a"), rule=rule, key=rule)
    return couple, alert


def workers_seen(*queues):
    for queue in queues:
        background.heartbeat(f"worker-{queue}", queue)


def test_retries_back_off_from_15_seconds_to_every_5_minutes():
    delays = [alerts.retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [15, 30, 60, 120, 240, 300, 300, 300]


def test_after_the_set_number_of_failures_the_case_says_alert_not_delivered_first(
    clinician, caplog
):
    # An older case with an open urgent item, told already: normally first in the queue.
    older, told = urgent_case()
    told.notified_at = timezone.now()
    told.save()
    couple, alert = urgent_case()

    with caplog.at_level(logging.WARNING, logger="screening.alerts"):
        for _ in range(2):
            alerts.alert_failed(couple, ConnectionRefusedError("Connection refused"))
    alert.refresh_from_db()
    assert alert.attempts == 2
    assert alert.escalated_at is None
    assert "ConnectionRefusedError" in alert.last_error
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    queue = clinician.get(reverse("screening:queue")).content.decode()
    assert "Alert not delivered" not in queue

    with caplog.at_level(logging.WARNING, logger="screening.alerts"):
        alerts.alert_failed(couple, ConnectionRefusedError("Connection refused"))
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "not delivered" in errors[0].getMessage()
    assert couple.reference in errors[0].getMessage()

    queue = clinician.get(reverse("screening:queue")).content.decode()
    assert "Alert not delivered" in queue
    assert queue.index(couple.reference) < queue.index(older.reference)
    only_urgent = clinician.get(reverse("screening:queue"), {"attention": "urgent"})
    assert couple.reference in only_urgent.content.decode()
    page = clinician.get(reverse("screening:case", args=[couple.reference])).content.decode()
    assert "Alert not delivered" in page
    assert "3 tries" in page
    other = clinician.get(reverse("screening:case", args=[older.reference])).content.decode()
    assert "Alert not delivered" not in other


def test_the_sweep_retries_when_due_and_sending_clears_the_escalation(clinician):
    couple, alert = urgent_case()
    for _ in range(3):
        alerts.alert_failed(couple, "SMTPServerDisconnected: gone")
    alert.refresh_from_db()
    assert alert.next_attempt_at > timezone.now()
    mail.outbox.clear()
    assert background.retry_due_alerts() == []  # not due yet
    assert mail.outbox == []

    later = alert.next_attempt_at + datetime.timedelta(seconds=1)
    with committed():
        assert background.retry_due_alerts(now=later) == [couple.pk]  # the task runs at once
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "A case needs urgent review"
    alert.refresh_from_db()
    assert alert.notified_at is not None
    assert alert.escalated_at is None
    page = clinician.get(reverse("screening:case", args=[couple.reference])).content.decode()
    assert "Alert not delivered" not in page


def test_an_alert_that_never_had_a_first_try_is_picked_up():
    couple, alert = urgent_case()
    alert.created_at = timezone.now() - datetime.timedelta(minutes=1)
    alert.save()
    mail.outbox.clear()
    assert background.retry_due_alerts() == [couple.pk]
    assert len(mail.outbox) == 1


def test_healthz_is_healthy_with_a_worker_per_queue_and_nothing_pending():
    assert Client().get("/healthz").status_code == 503
    workers_seen("urgent")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["workers"] == "not seen: pdf"
    workers_seen("pdf")
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["healthy"] is True
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_when_workers_were_last_seen_too_long_ago(settings):
    workers_seen("urgent", "pdf")
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - datetime.timedelta(minutes=2))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["workers"] == "not seen: urgent, pdf"


def test_healthz_reports_an_alert_not_delivered_without_naming_the_case():
    workers_seen("urgent", "pdf")
    couple, _ = urgent_case()
    for _ in range(3):
        alerts.alert_failed(couple, "SMTPRecipientsRefused")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["alerts_not_delivered"] == 1
    assert couple.reference not in response.content.decode()


def test_healthz_reports_a_summary_stuck(settings):
    workers_seen("urgent", "pdf")
    couple = signed_off_case(clinician_user())
    assert Client().get("/healthz").status_code == 200
    SummaryPDF.objects.filter(couple=couple).delete()  # as if the task had never run
    assert Client().get("/healthz").status_code == 200  # not yet: within the timeout
    couple.sign_offs.update(at=timezone.now() - datetime.timedelta(minutes=10))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["summaries_stuck"] == 1


def test_the_health_command_exits_1_when_unhealthy(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit) as exited:
        call_command("health")
    assert exited.value.code == 1
    assert json.loads(capsys.readouterr().out)["workers"] == "not seen: urgent, pdf"
    workers_seen("urgent", "pdf")
    call_command("health")
    assert json.loads(capsys.readouterr().out)["healthy"] is True


DATABASE_DOWN = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(response.status_code, response.content.decode())
"""


def test_with_the_database_down_healthz_and_the_command_answer_unhealthy():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://tandem@127.0.0.1:{free_port()}/tandem",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",  # the test client's host
    }
    page = subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, "-c", DATABASE_DOWN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = page.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503", page.stderr
    assert json.loads(body) == {"healthy": False, "database": "unreachable"}
    command = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "health"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert command.returncode == 1
    assert json.loads(command.stdout)["database"] == "unreachable"
