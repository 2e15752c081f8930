"""`manage.py worker --queue-name urgent`: django_tasks_db's `db_worker`, plus a sweep every
WORKER_SWEEP_SECONDS (a heartbeat for the health check, urgent e-mails tried again until sent,
tasks left running by a dead worker taken up again). Run one per queue."""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from screening import background

log = logging.getLogger("screening.worker")


class Sweeper(threading.Thread):
    def __init__(self, worker_id: str, queues: str):
        super().__init__(name="sweeper", daemon=True)
        self.worker_id = worker_id
        self.queues = queues
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            try:
                background.sweep(self.worker_id, self.queues)
            except Exception:  # the database may be down for a while: keep sweeping
                log.exception("Worker sweep failed; trying again")
            finally:
                close_old_connections()
            self.stopped.wait(settings.WORKER_SWEEP_SECONDS)


class Command(DBWorkerCommand):
    help = (
        "Run a background worker for the given queue(s) (default: all of TASKS' QUEUES), with "
        "its sweep: heartbeat, urgent e-mail retries, recovery of abandoned tasks."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name=",".join(settings.TASK_QUEUES))

    def handle(self, *args, **options):
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloader_parent and not options["batch"]:
            Sweeper(options["worker_id"], options["queue_name"]).start()
        super().handle(*args, **options)
