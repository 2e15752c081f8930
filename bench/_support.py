"""What the server-time benchmarks (bench/steps.py, bench/workspace.py) share: their own
throw-away database, a new SQLite file, or with --postgres a PostgreSQL database on the server
of TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) made for the run and
dropped afterwards; and the median and p95 of a request's time."""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from django_setup import setup

POSTGRES = "--postgres" in sys.argv
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/test"


def setup_database(pg_name: str) -> None:
    """Django set up on the benchmark's own database (`pg_name` on PostgreSQL)."""
    if POSTGRES:
        setup(urlunsplit(urlsplit(PG_ADMIN_URL)._replace(path=f"/{pg_name}")))
    else:
        setup(f"sqlite:///{tempfile.mkdtemp(prefix='tandem-bench-')}/bench.sqlite3")


def _postgres_admin(statement: str) -> None:
    import psycopg

    url = urlunsplit(urlsplit(PG_ADMIN_URL)._replace(scheme="postgresql"))
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


@contextmanager
def throwaway_database(pg_name: str) -> Iterator[None]:
    """On PostgreSQL, the database `pg_name` made new for what runs inside and dropped after,
    whatever happens (the SQLite file is new already)."""
    if not POSTGRES:
        yield
        return
    from django.db import connections

    _postgres_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    _postgres_admin(f'CREATE DATABASE "{pg_name}"')
    try:
        yield
    finally:
        connections.close_all()
        _postgres_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median and the p95 of `runs` calls of `fn`, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]
