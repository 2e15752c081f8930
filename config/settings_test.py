"""The test suite's settings (pytest's DJANGO_SETTINGS_MODULE in pyproject.toml): the app's
settings, with what the tests need on top.

A process a test starts (a worker, gunicorn, `manage.py`) is given `config.settings` explicitly:
it runs the app as deployed, sharing the test database through DATABASE_URL.
"""

import os
import tempfile
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # The tests run with the development key, on purpose: no warning about it.
    warnings.filterwarnings("ignore", "Running with the insecure development SECRET_KEY")
    from .settings import *  # noqa: F403
    from .settings import ALLOWED_HOSTS, DATABASES, TASKS, env_bool

DEBUG = env_bool("DEBUG", False)

# The test client's host (Django adds it during a test run too): the tests' alone, never the
# app's default.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# Test users are made with passwords; the real hasher is slow on purpose.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The test database is a file, not in memory, so that real worker processes started by
    # the tests can share it; one per test run.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"tandem-test-{os.getpid()}.sqlite3")
    }

# Tasks run at once, in the test's process; the worker tests start real workers instead.
TASKS["default"]["BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
