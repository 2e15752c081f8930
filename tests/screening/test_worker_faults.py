"""Faults where they live: a real SMTP server on 127.0.0.1 that is down, refuses, hangs or
recovers, and real `manage.py worker` processes (one per queue) on the test database. Urgent
alerts go out without any partner action once the mail server is back, or the case says
"Alert not delivered"; a hanging mail server never holds up a PDF; a task left running by a
killed worker runs again, once."""

from __future__ import annotations

import json
import sqlite3
import time

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from intake import services
from intake.demo import make_answers
from screening.models import SummaryPDF, UrgentAlert
from tests.auth import sign_in
from tests.factories import (
    OUTCOMES,
    clinician_user,
    dispose_all,
    new_case,
    partner_browser,
    realistic_document,
)
from tests.intake.helpers import post_step, seed_steps, steps_before
from tests.ports import free_port

from .alert_support import CLINICAL_WORDS
from .worker_support import (
    DB_TASKS,
    ON_CALL,
    HangingSMTPServer,
    Mailbox,
    SMTPServer,
    Workers,
    wait_for,
    worker_env,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _database_tasks(settings):
    settings.TASKS = DB_TASKS
    settings.URGENT_ALERT_EMAILS = ON_CALL


@pytest.fixture
def workers(tmp_path):
    running = Workers(tmp_path)
    yield running
    running.stop_all()
    print(running.output())  # shown when a test fails


def partner_reports_urgent_answer():
    """A new case whose partner A saves the safety step saying they are not safe."""
    case = new_case()
    client = partner_browser(case, "a")
    answers = make_answers(preferred_name="Sam", si_wish_dead=True, si_thoughts=True, si_plan=True)
    seed_steps(client.partner, answers, steps_before("safety"))
    assert post_step(client, "safety", answers).status_code == 302
    assert UrgentAlert.objects.filter(partner__couple=case.couple).exists()
    return case.couple


def running_task(name: str):
    """The task screening.tasks.`name` as a worker is running it now (None when none is)."""
    path = f"screening.tasks.{name}"
    return DBTaskResult.objects.filter(task_path=path, status="RUNNING").first()


def untold(couple):
    return UrgentAlert.objects.filter(partner__couple=couple, notified_at__isnull=True)


def clinician_client():
    user = User.objects.filter(username="dr.oncall").first() or clinician_user("dr.oncall")
    return sign_in(Client(), user)


def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("fault", ["down", "refusing"])
def test_an_alert_not_sent_is_escalated_then_goes_out_by_the_sweep_when_smtp_recovers(
    fault, workers, tmp_path
):
    port = free_port()
    env = worker_env(port, tmp_path / "media")
    refusing = None
    if fault == "refusing":  # else nothing listens: the mail server is down
        refusing = SMTPServer(port, Mailbox(refuse="451 4.3.0 Mail server busy, try again later"))
        refusing.__enter__()
    try:
        workers.start("urgent", env)
        workers.start("pdf", env)
        couple = partner_reports_urgent_answer()
        quiet = services.create_case(email_a="c@example.com", email_b="d@example.com").couple

        # URGENT_ALERT_MAX_FAILURES (3 here) failures: escalated, and the retries go on.
        wait_for(
            lambda: untold(couple).filter(escalated_at__isnull=False).exists(),
            20,
            "the escalation",
        )
        alert = untold(couple).get()
        assert alert.attempts >= 3
        assert alert.last_error
        doctor = clinician_client()
        queue = page_text(doctor.get(reverse("screening:queue")))
        assert "Alert not delivered" in queue
        assert queue.index(couple.reference) < queue.index(quiet.reference)
        case_page = page_text(doctor.get(reverse("screening:case", args=[couple.reference])))
        assert "Alert not delivered" in case_page
        assert "contact the on-call clinician directly" in case_page
        health = Client().get("/healthz")
        assert health.status_code == 503
        assert health.json()["alerts_not_delivered"] == 1
        # escalation is logged as an error naming the case (screening/alerts.py: alert_failed)
        escalated = f"Case {couple.reference}: urgent alert not delivered after "
        wait_for(lambda: escalated in workers.output(), 10, "the escalation in the worker log")
    finally:
        if refusing is not None:
            refusing.__exit__(None, None, None)

    # The mail server is back; nobody does anything.
    with SMTPServer(port, Mailbox()) as mailbox:
        wait_for(lambda: not untold(couple).exists(), 15, "the alert to go out")
        assert len(mailbox.messages) == 1
    recipients, message = mailbox.messages[0]
    assert recipients == ON_CALL
    assert "Subject: A case needs urgent review" in message
    assert f"/clinic/cases/{couple.reference}/" in message
    body = message.lower()
    for word in CLINICAL_WORDS:
        assert word not in body, word
    assert "sam" not in body
    assert UrgentAlert.objects.get(partner__couple=couple).escalated_at is None
    doctor = clinician_client()
    assert "Alert not delivered" not in page_text(doctor.get(reverse("screening:queue")))
    case_page = page_text(doctor.get(reverse("screening:case", args=[couple.reference])))
    assert "Alert not delivered" not in case_page


def sign_off_ready_case():
    user = clinician_user("dr.signer")
    couple = services.import_document(realistic_document()).couple
    dispose_all(couple, user, outcomes=OUTCOMES)
    doctor = sign_in(Client(), user)
    response = doctor.post(
        reverse("screening:sign_off", args=[couple.reference]), {"note": "Ready."}
    )
    assert response.status_code == 302
    return couple, doctor


def test_a_hanging_mail_server_never_holds_up_the_prescribers_pdf(workers, tmp_path):
    with HangingSMTPServer() as hanging:
        env = worker_env(hanging.port, tmp_path / "media")
        workers.start("urgent", env)
        workers.start("pdf", env)
        urgent_case = partner_reports_urgent_answer()
        wait_for(
            lambda: running_task("notify_urgent"),
            10,
            "the urgent worker to be stuck on the mail server",
        )
        couple, doctor = sign_off_ready_case()

        stored = wait_for(
            lambda: SummaryPDF.objects.filter(couple=couple).first(), 20, "the summary"
        )
        assert stored.version == 1
        assert untold(urgent_case).exists()  # still hanging
        page = page_text(doctor.get(reverse("screening:case", args=[couple.reference])))
        assert "being prepared" not in page


def test_an_alert_task_left_running_by_a_killed_worker_runs_again_once(workers, tmp_path):
    port = free_port()
    with HangingSMTPServer() as hanging:
        env = worker_env(hanging.port, tmp_path / "media", URGENT_ALERT_RETRY_SECONDS=60)
        first = workers.start("urgent", env)
        couple = partner_reports_urgent_answer()
        running = wait_for(
            lambda: running_task("notify_urgent"),
            10,
            "the task to be running",
        )
        workers.kill(first)

    with SMTPServer(port, Mailbox()) as mailbox:
        # A new worker, with a short timeout: the task of the dead worker runs again. The
        # retry sweep waits 60 s here, so the recovery is what sends it.
        env = worker_env(
            port,
            tmp_path / "media",
            URGENT_ALERT_RETRY_SECONDS=60,
            TASK_RUNNING_TIMEOUT_SECONDS=1,
            WORKER_SEEN_SECONDS=2,
        )
        workers.start("urgent", env)
        wait_for(lambda: not untold(couple).exists(), 20, "the alert to go out")
        running.refresh_from_db()
        assert running.status == "SUCCESSFUL"
        assert len(running.worker_ids) == 2
        assert len(mailbox.messages) == 1
        assert "it runs again" in workers.output()


def test_a_summary_task_left_running_by_a_killed_worker_is_made_once_after_restart(
    workers, tmp_path
):
    """The PDF worker is killed while the task is running (held on a lock the test takes, so it
    cannot store the summary); a restarted worker makes exactly one summary."""
    env = worker_env(free_port(), tmp_path / "media")
    couple, doctor = sign_off_ready_case()
    with SummaryWriteLock() as lock:
        first = workers.start("pdf", env)
        wait_for(
            lambda: running_task("generate_summary"),
            20,
            "the task to be running",
            interval=0.005,
        )
        lock.once_running()
        time.sleep(0.5)
        workers.kill(first)
    assert not SummaryPDF.objects.filter(couple=couple).exists()

    env = worker_env(
        free_port(), tmp_path / "media", TASK_RUNNING_TIMEOUT_SECONDS=1, WORKER_SEEN_SECONDS=2
    )
    workers.start("pdf", env)
    wait_for(lambda: SummaryPDF.objects.filter(couple=couple).exists(), 25, "the summary")
    task = DBTaskResult.objects.get(task_path="screening.tasks.generate_summary")
    wait_for(lambda: task.refresh_from_db() or task.status == "SUCCESSFUL", 10, "success")
    assert SummaryPDF.objects.filter(couple=couple).count() == 1
    assert len(task.worker_ids) == 2
    assert "it runs again" in workers.output()
    assert Client().get("/healthz").json()["summaries_stuck"] == 0
    page = page_text(doctor.get(reverse("screening:case", args=[couple.reference])))
    assert "being prepared" not in page


class SummaryWriteLock:
    """Another connection that keeps a worker from storing a summary. PostgreSQL: a lock on the
    summaries' table, taken at once (the worker still claims its task). SQLite: the database's
    write lock, which would stop the claim too, so taken once the task is running (while the
    PDF renders)."""

    def __enter__(self):
        db = connection.settings_dict
        self.sqlite = db["ENGINE"] == "django.db.backends.sqlite3"
        if self.sqlite:
            self.raw = sqlite3.connect(db["NAME"], isolation_level=None, timeout=20)
        else:
            self.raw = psycopg.connect(
                host=db["HOST"] or "127.0.0.1",
                port=db["PORT"] or 5432,
                user=db["USER"] or None,
                password=db["PASSWORD"] or None,
                dbname=db["NAME"],
            )
            self.raw.execute(f"LOCK TABLE {SummaryPDF._meta.db_table} IN EXCLUSIVE MODE")
        return self

    def once_running(self):
        if self.sqlite:
            self.raw.execute("BEGIN IMMEDIATE")

    def __exit__(self, *exc):
        self.raw.rollback()
        self.raw.close()


def test_the_health_check_json_names_no_case(workers, tmp_path):
    env = worker_env(free_port(), tmp_path / "media")
    first = Client().get("/healthz")
    assert first.status_code == 503, first.json()  # no worker yet
    workers.start("urgent", env)
    workers.start("pdf", env)
    response = wait_for(
        lambda: (r := Client().get("/healthz")).status_code == 200 and r, 15, "healthy"
    )
    report = json.loads(response.content)
    assert report == {
        "healthy": True,
        "database": "ok",
        "workers": "ok",
        "alerts_not_delivered": 0,
        "summaries_stuck": 0,
    }
    assert response["Cache-Control"].startswith("max-age=0")
