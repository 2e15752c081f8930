"""The README's web server, for real: gunicorn with two workers (config/gunicorn.py) on a
database file of its own. No private-link token reaches its access log or Django's log; the
link-guess limit and the sign-in lockout count across both workers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.factories import PASSWORD, link_path
from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINK_GUESS_LIMIT = 6
AXES_FAILURE_LIMIT = 4

SETUP = (
    """
import datetime, json
from django.contrib.auth.models import Group, User
from django.utils import timezone
from intake import services
from intake.models import Partner
case = services.create_case(email_a="a@example.com", email_b="b@example.com")
old = services.create_case()
Partner.objects.filter(couple=old.couple).update(
    token_expires_at=timezone.now() - datetime.timedelta(days=1)
)
user = User.objects.create_user("dr.gunicorn", password=PASSWORD)
user.groups.add(Group.objects.get(name="clinicians"))
print(json.dumps({"a": case.links["a"], "b": case.links["b"], "expired": old.links["a"]}))
"""
).replace("PASSWORD", repr(PASSWORD))


class Server:
    def __init__(self, url: str, out: Path, err: Path, links: dict[str, str]):
        self.url, self.out, self.err, self.links = url, out, err, links

    def logs(self) -> str:
        return self.out.read_text() + self.err.read_text()

    def access_lines(self, agent: str, expected: int) -> list[str]:
        """The access log's lines for requests made with this User-Agent (waits for them)."""
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in self.out.read_text().splitlines() if f'"{agent}"' in line]
            if len(lines) >= expected or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY="gunicorn-test-" + uuid.uuid4().hex * 2,
        LINK_GUESS_LIMIT=str(LINK_GUESS_LIMIT),
        AXES_FAILURE_LIMIT=str(AXES_FAILURE_LIMIT),
        # The tests stand for several clients behind a proxy on 127.0.0.1.
        TRUST_X_FORWARDED_FOR="true",
        TRUSTED_PROXIES="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run(  # noqa: S603 (our own commands)
        [*manage, "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    made = subprocess.run(  # noqa: S603 (our own commands)
        [*manage, "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    links = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    out, err = folder / "stdout.log", folder / "stderr.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            [
                str(BIN / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py",
                "--workers", "2", "--bind", f"127.0.0.1:{port}",
            ],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(url + "/accounts/login/", timeout=20).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a worker still loading Django on a busy machine
            assert process.poll() is None, err.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        # both workers up (each logs "Booting worker")
        while err.read_text().count("Booting worker") < 2:
            assert time.monotonic() < deadline, err.read_text()
            time.sleep(0.2)
        yield Server(url, out, err, links)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def token_of(link: str) -> str:
    return re.search(r"/i/([^/]+)/", link).group(1)


def get(server, path, agent, address, **kwargs):
    headers = {"User-Agent": agent, "X-Forwarded-For": address}
    return requests.get(server.url + path, headers=headers, timeout=20, **kwargs)


def test_a_partners_first_visit_leaves_no_token_in_any_log(server):
    agent = f"first-visit-{uuid.uuid4().hex[:8]}"
    response = get(server, link_path(server.links["a"]), agent, "198.51.100.1",
                   allow_redirects=False)  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/intake/")
    lines = server.access_lines(agent, 1)
    assert len(lines) == 1
    assert '"GET /i/[token]/ HTTP/1.1" 302' in lines[0]
    assert token_of(server.links["a"]) not in server.logs()


def test_wrong_and_expired_links_leave_no_token_in_any_log(server):
    agent = f"bad-links-{uuid.uuid4().hex[:8]}"
    wrong = "/i/" + "made-up-guess-" + uuid.uuid4().hex + "/"
    assert get(server, wrong, agent, "198.51.100.2").status_code == 404
    expired = link_path(server.links["expired"])
    assert get(server, expired, agent, "198.51.100.2").status_code == 404
    lines = server.access_lines(agent, 2)
    assert len(lines) == 2
    assert all('"GET /i/[token]/ HTTP/1.1" 404' in line for line in lines)
    deadline = time.monotonic() + 10
    while server.err.read_text().count("Not Found: /i/[token]/") < 2:
        assert time.monotonic() < deadline, server.err.read_text()[-2000:]
        time.sleep(0.1)
    logs = server.logs()
    assert wrong.split("/")[2] not in logs
    assert token_of(server.links["expired"]) not in logs


def pids(lines: list[str]) -> set[str]:
    return {re.search(r"<(\d+)>$", line).group(1) for line in lines}


def in_pairs(calls) -> list:
    """Run the calls two at a time, started together, so both workers take some."""
    results: list = [None] * len(calls)
    for start in range(0, len(calls), 2):
        pair = list(enumerate(calls))[start : start + 2]
        barrier = threading.Barrier(len(pair))

        def run(index, call, barrier=barrier):
            barrier.wait(timeout=10)
            results[index] = call()

        threads = [threading.Thread(target=run, args=item) for item in pair]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return results


TRIES = 5


def on_both_workers(server, name: str, first: int, calls_for, expected: int, counted: str):
    """Run `calls_for(agent, address)` in pairs until both workers have served some of them
    (the kernel, not the test, decides which worker accepts a connection: on a busy machine
    one worker now and then takes a whole round). Each try uses a fresh client address
    (203.0.113.`first`, then the next ones), so what an earlier try counted does not carry
    over. `counted`: the part of the access log's request line of the requests that must reach
    both workers. Returns the agent, address, results and counted access-log lines of the try
    that reached both workers."""
    for address in (f"203.0.113.{first + n}" for n in range(TRIES)):
        agent = f"{name}-{uuid.uuid4().hex[:8]}"
        results = in_pairs(calls_for(agent, address))
        lines = [line for line in server.access_lines(agent, expected) if counted in line]
        if len(pids(lines)) == 2:
            return agent, address, results, lines
    pytest.fail(f"one worker took every request in {TRIES} tries: {lines}")


def test_the_link_guess_limit_is_shared_by_both_workers(server):
    def guesses(agent, address):
        return [
            lambda n=n: get(server, f"/i/guess-{n}-{uuid.uuid4().hex}/", agent, address).status_code
            for n in range(LINK_GUESS_LIMIT)
        ]

    agent, address, results, lines = on_both_workers(
        server, "guesser", 10, guesses, LINK_GUESS_LIMIT, '"GET /i/[token]/'
    )
    assert results == [404] * LINK_GUESS_LIMIT
    # Both workers counted some of the guesses, and the limit is reached at LINK_GUESS_LIMIT
    # in all, whichever worker answers next.
    after = [get(server, link_path(server.links["b"]), agent, address, allow_redirects=False)
             for _ in range(4)]  # fmt: skip
    assert [r.status_code for r in after] == [429] * 4
    assert "Please try again later" in after[0].text
    # Another address is not limited.
    other = get(server, link_path(server.links["b"]), agent, "198.51.100.11",
                allow_redirects=False)  # fmt: skip
    assert other.status_code == 302


def sign_in(server, agent, address, password):
    session = requests.Session()
    session.headers.update({"User-Agent": agent, "X-Forwarded-For": address})
    page = session.get(server.url + "/accounts/login/", timeout=20)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        server.url + "/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf,
            "username": "dr.gunicorn",
            "password": password,
            "next": "/clinic/",
        },
        headers={"Referer": server.url + "/accounts/login/"},
        allow_redirects=False,
        timeout=20,
    )


def test_the_sign_in_lockout_is_counted_across_workers_per_username_and_address(server):
    def attempts(agent, address):
        return [
            lambda: sign_in(server, agent, address, "wrong-password").status_code
            for _ in range(AXES_FAILURE_LIMIT - 1)
        ]

    # Each sign-in is a GET of the form and a POST: twice as many log lines as attempts.
    agent, address, results, lines = on_both_workers(
        server,
        "sign-in",
        20,
        attempts,
        2 * (AXES_FAILURE_LIMIT - 1),
        '"POST /accounts/login/',
    )
    assert results == [200] * (AXES_FAILURE_LIMIT - 1)  # the form again
    assert sign_in(server, agent, address, "wrong-password").status_code == 429
    # Locked at that address, even with the right password, on either worker...
    for _ in range(3):
        locked = sign_in(server, agent, address, PASSWORD)
        assert locked.status_code == 429
    assert "locked" in locked.text
    # ...but not from elsewhere.
    elsewhere = sign_in(server, agent, "198.51.100.30", PASSWORD)
    assert elsewhere.status_code == 302
    assert elsewhere.headers["Location"] == "/clinic/"  # on to the second factor
