"""Run a few actions in real threads at the same moment, each with its own database
connection, and collect what each returned or raised."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

TIMEOUT = 60.0  # seconds: far more than any request here needs; a hang fails the test
# Threads of one process take turns holding the interpreter; switching often between them
# (the default is every 5 ms) lets their requests interleave as separate processes would.
SWITCH_INTERVAL = 0.0001


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def together(*actions: Callable[[], Any]) -> list[Any]:
    """Start every action in its own thread; a barrier releases them all at once.

    Returns the actions' results in order. A thread that raised (a 500 raises in the test
    client), or that is still running after TIMEOUT (a deadlock), fails the test.
    """
    barrier = threading.Barrier(len(actions))
    outcomes = [Outcome() for _ in actions]

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(TIMEOUT)
            outcomes[index].value = action()
        except BaseException as error:  # reported to the test below
            outcomes[index].error = error
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=run, args=(index, action), name=f"concurrent-{index}")
        for index, action in enumerate(actions)
    ]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
    finally:
        sys.setswitchinterval(interval)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"still running after {TIMEOUT:.0f} s (a deadlock?): {stuck}"
    errors = [outcome.error for outcome in outcomes if outcome.error is not None]
    if errors:
        raise AssertionError(f"{len(errors)} of {len(actions)} requests failed") from errors[0]
    return [outcome.value for outcome in outcomes]


def same_browser(client: Client) -> Client:
    """A second test client with the first one's cookies: another tab of the same browser.

    (A test client is not safe to use from two threads at once, so each thread gets one.)
    """
    twin = Client()
    for name, morsel in client.cookies.items():
        twin.cookies[name] = morsel.value
    assert settings.SESSION_COOKIE_NAME in twin.cookies
    for attribute in ("partner", "user"):  # what the test helpers read off a client
        if hasattr(client, attribute):
            setattr(twin, attribute, getattr(client, attribute))
    return twin
