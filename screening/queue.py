"""The one place work is handed to the workers (`screening.tasks`): each function enqueues its
task now; a caller inside a transaction wraps the call in `transaction.on_commit`, so the worker
never reads rows that are not committed yet."""

from . import tasks


def urgent_email(couple_id: int) -> None:
    """Have the "urgent" worker e-mail the clinic of the case's untold urgent answers."""
    tasks.notify_urgent.enqueue(couple_id)


def summary(sign_off_id: int) -> None:
    """Have the "pdf" worker make and store the prescriber's summary of a sign-off."""
    tasks.generate_summary.enqueue(sign_off_id)


GENERATE_SUMMARY = tasks.generate_summary.module_path
