"""Work done off the request path, by the workers (`manage.py worker`): urgent e-mails on the
"urgent" queue, the prescriber's PDFs on the "pdf" queue, so neither waits behind the other.

Thin wrappers: the work is in `screening.alerts` and `screening.summary_store`; tasks are
enqueued from `screening.queue` only. The names are kept: a queued task is stored by its path.
"""

from django.tasks import task

from . import alerts, summary_store


@task(queue_name="pdf")
def generate_summary(sign_off_id: int) -> int | None:
    """See `summary_store.make_summary`; a failure ends the task FAILED."""
    return summary_store.make_summary(sign_off_id)


@task(queue_name="urgent")
def notify_urgent(couple_id: int) -> bool:
    """See `alerts.send_urgent_email`; a failure ends the task FAILED, and the workers' sweep
    tries again, backing off, until it is sent (`screening.background`)."""
    return alerts.send_urgent_email(couple_id)
