"""What every benchmark does first: the project on the path, a throw-away SQLite database
unless told otherwise, and Django set up."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str | None = None, **defaults: str) -> None:
    """`database_url`: this database; else DATABASE_URL from the environment; else a new SQLite
    file. `defaults`: more environment variables, unless already set."""
    sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    elif not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="tandem-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/b.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-bench-only-secret-key")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # Django's test client, as in the tests
    for name, value in defaults.items():
        os.environ.setdefault(name, value)

    import django

    django.setup()
