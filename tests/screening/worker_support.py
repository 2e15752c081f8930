"""Real things for the background-work tests: an SMTP server on 127.0.0.1 (aiosmtpd), one
that accepts the connection and never answers, and `manage.py worker` subprocesses sharing the
test database (a file on SQLite, the test database on PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ON_CALL = ["on-call@clinic.example"]
# production's tasks backend (the tests run tasks at once): tasks are rows a worker takes
DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
}


def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Mailbox:
    """aiosmtpd handler: refuses every recipient with `refuse` (e.g. "451 ..."), or keeps the
    messages."""

    def __init__(self, refuse: str | None = None):
        self.refuse = refuse
        self.messages: list[tuple[list[str], str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf8", "replace")))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int, mailbox: Mailbox):
        self.mailbox = mailbox
        self.loop = asyncio.new_event_loop()
        self.controller = Controller(mailbox, hostname="127.0.0.1", port=port, loop=self.loop)

    def __enter__(self):
        self.controller.start()
        return self.mailbox

    def __exit__(self, *exc):
        self.controller.stop()
        self.loop.close()


class HangingSMTPServer:
    """Accepts connections and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped = True
        self.sock.close()
        for conn in self.held:
            conn.close()


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(smtp_port: int, media_root: Path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "TEST_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "30",
            "URGENT_ALERT_EMAILS": ",".join(ON_CALL),
            "SITE_URL": settings.SITE_URL,
            "MEDIA_ROOT": str(media_root),
            "WORKER_SWEEP_SECONDS": "1",
            "URGENT_ALERT_RETRY_SECONDS": "1",
            "URGENT_ALERT_RETRY_MAX_SECONDS": "2",
            "URGENT_ALERT_MAX_FAILURES": "3",
            "SECRET_KEY": "worker-test-secret-key-" + "x" * 40,
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Workers:
    """`manage.py worker` subprocesses, stopped (and their output kept) at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, queue: str, env: dict[str, str]) -> subprocess.Popen:
        log_path = self.log_dir / f"worker-{queue}-{len(self.processes)}.log"
        with log_path.open("wb") as log:  # the child keeps its own copy
            process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
                [
                    sys.executable,
                    "manage.py",
                    "worker",
                    "--queue-name",
                    queue,
                    "--no-startup-delay",
                    "--no-reload",
                    "--interval",
                    "0.1",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def output(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.log_dir.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
