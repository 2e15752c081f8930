"""A free loopback port, for the real servers the tests and benchmarks start (gunicorn, SMTP,
a database port nothing listens on). Plain Python: usable before Django is set up."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment (the system's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
