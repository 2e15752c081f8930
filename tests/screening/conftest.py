import logging
import signal

import pytest

from tests.factories import OUTCOMES, dispose_all, imported_case, new_case, realistic_document
from tests.screening import personas as p


@pytest.fixture
def people(db) -> p.Personas:
    """Every persona, around the flagged demo couple (both submitted and screened)."""
    return p.personas()


@pytest.fixture
def people_new_case(db) -> p.Personas:
    """Every persona, around a new case (nobody has started): cheaper where flags don't matter."""
    return p.personas(new_case())


@pytest.fixture
def ready_case(db, clinician):
    """A realistic, screened case with every disposition recorded, not yet signed off."""
    couple = imported_case(realistic_document()).couple
    dispose_all(couple, clinician.user, outcomes=OUTCOMES)
    return couple


@pytest.fixture
def worker_side_effects():
    """db_worker sets signal handlers and logger levels for its process; put them back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {sig: signal.getsignal(sig) for sig in signals}
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    state = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for lg, level, lg_handlers in state:
        lg.setLevel(level)
        lg.handlers[:] = lg_handlers


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Stored files (the prescriber's summaries) go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
