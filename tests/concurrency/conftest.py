"""The concurrency tests run real threads against PostgreSQL.

On SQLite (the default database) they are left out of the run: the test database there is
in memory with a shared cache, where a second writer fails at once ("database table is
locked") instead of waiting for the lock, so the tests would measure SQLite's limits, not
the app's. `scripts/test` runs the suite a second time on PostgreSQL, where they run.

Each test commits for real (`transaction=True`: every thread has its own connection and sees
only committed rows) and restores the migrations' rows, such as the clinicians group, with
`serialized_rollback=True` (which also keeps its flush from re-creating content types under
the next test that restores them).
"""

from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    if on_postgresql():
        return
    mine = [item for item in items if HERE in Path(item.path).resolve().parents]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
