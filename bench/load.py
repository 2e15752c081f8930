"""Load: 100 partners fill in the whole questionnaire at once, against gunicorn on PostgreSQL.

    .venv/bin/python bench/load.py [--partners 100] [--think 5] [--conn-max-age 60]
                                   [--workers 2] [--threads 1] [--warmup 4] [--timeout 900]

Makes a throw-away PostgreSQL database (`tandem_load`, on the server of TEST_POSTGRES_URL,
default postgres://postgres@127.0.0.1:5432/test), migrates it, creates one case per simulated
partner and starts `gunicorn config.wsgi -w 2` on a free loopback port against it (DEBUG off,
persistent database connections). Then every partner, in its own thread with its own HTTP
session (cookies, CSRF), at the same time: opens their private link, passes the door (the
privacy notice agreed to, a resume code chosen), and for each of the 12
steps GETs the page, fills the form the page rendered with their own answers (every partner's
differ), waits as a person would (--think: 0.5 to 1.5 times it, at random), POSTs it and
follows the redirect, up to submitting from the review step and seeing the "sent" page.
Partners start between 1 and 3 times --think after the go, so that they do not all click in
the same millisecond; with --think 0 they start together and never pause.

Afterwards it checks, in the database, that each partner has exactly one submission holding
exactly the answers that partner sent, and that each step's saved draft is exactly the fields
that partner posted. It prints the requests per second, the p50/p95/p99 latency of each step
(GET of the page and POST of the form, apart; client-side, over loopback), the errors and the
lost answers, and whether the targets are met: no errors, no lost answers, p95 under 200 ms
on every step. gunicorn is stopped and the database dropped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "tandem_load"
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/test"
_admin = urlsplit(ADMIN_URL)
DATABASE_URL = urlunsplit(_admin._replace(path=f"/{DB_NAME}"))
SECRET_KEY = "load-test-only-secret-key-load-test-only-secret-key"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["SECRET_KEY"] = SECRET_KEY
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402

from intake import services  # noqa: E402
from intake.demo import make_answers  # noqa: E402
from intake.models import AnswerSet, Submission  # noqa: E402
from intake.questionnaire import CURRENT  # noqa: E402
from tests.factories import RESUME_CODE  # noqa: E402
from tests.pageform import fill, parse_form  # noqa: E402
from tests.ports import free_port  # noqa: E402

STEPS = [step.id for step in CURRENT.steps]
TARGET_P95_MS = 200.0
REQUEST_TIMEOUT = 30.0  # seconds, for any one request


# -- the throw-away database and the server --------------------------------------------------


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(
        urlunsplit(_admin._replace(scheme="postgresql")), autocommit=True, connect_timeout=5
    )


def create_database() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    connections.close_all()
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def start_server(args, port: int, log_path: Path, access_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_ENV": "development",  # no HTTPS on loopback; DEBUG is off all the same
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-w",
        str(args.workers),
        "--threads",
        str(args.threads),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
        "--access-logfile",
        str(access_path),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",  # method, path, status, microseconds in the server
    ]
    log = log_path.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(base + "/accounts/login/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


# -- the partners -----------------------------------------------------------------------------


def answers_for(index: int) -> dict[str, Any]:
    """This partner's own answers: names, texts, numbers and scale answers vary by partner."""
    overrides: dict[str, Any] = {
        "preferred_name": f"Load {index:03d}",
        "date_of_birth": f"{1960 + index % 40}-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "height_cm": 150 + index % 50,
        "email": f"load{index:03d}@example.com",
        "phone": f"+1 604 555 {index:04d}",
        "emergency_contact": f"Contact of {index:03d}, +1 604 555 {9999 - index:04d}",
        "goals_self": f"Partner {index:03d}: feel less anxious and more present.",
        "goals_relationship": f"Partner {index:03d}: talk about hard things.",
        "readiness": index % 11,
        "current_care": f"Partner {index:03d}: a counsellor every {2 + index % 3} weeks.",
        "escort_name": f"Escort of partner {index:03d}",
        "availability": f"Partner {index:03d}: weekday mornings",
    }
    for item in range(1, 9):  # PHQ-9 items 1-8 (item 9, thoughts of self-harm, stays 0)
        overrides[f"phq9_{item}"] = (index + item) % 4
    for item in range(1, 8):
        overrides[f"gad7_{item}"] = (index + 2 * item) % 4
    return make_answers(**overrides)


@dataclass
class Sample:
    step: str
    method: str
    ms: float
    status: int


@dataclass
class Partner:
    index: int
    link_path: str
    public_id: str
    answers: dict[str, Any]
    posted: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # step -> fields
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    submitted: bool = False


class Stop(Exception):
    pass


def simulate(partner: Partner, base: str, think: float, start: threading.Event, stop) -> None:
    """One partner's whole visit, as a browser without JavaScript makes it."""
    rng = random.Random(partner.index)
    session = requests.Session()
    # One connection per request, as gunicorn's sync workers close each one anyway. (With
    # --threads, keep-alive would let a POST go out on a connection the server is closing
    # after its 2 s keep-alive: a reset a browser retries and `requests` does not.)
    session.headers["Connection"] = "close"

    def request(step: str, method: str, path: str, data=None, expect=(302,)):
        if stop.is_set():
            raise Stop
        began = time.perf_counter()
        try:
            response = session.request(
                method, base + path, data=data, allow_redirects=False, timeout=REQUEST_TIMEOUT
            )
        except requests.RequestException as error:
            partner.errors.append(f"{step} {method}: {type(error).__name__}: {error}")
            raise Stop from error
        partner.samples.append(
            Sample(step, method, (time.perf_counter() - began) * 1000, response.status_code)
        )
        if response.status_code not in expect:
            partner.errors.append(f"{step} {method} {path}: HTTP {response.status_code}")
            raise Stop
        return response

    def pass_door(location: str) -> str:
        """The partner's door, as a person passes it the first time (tests.factories.pass_door):
        from the start page to the notice, agreed to, then a resume code chosen."""
        for _ in range(8):
            if location.endswith("/start/"):
                request("door", "GET", location, expect=(200,))
                location = location.removesuffix("start/") + "consent/"
            if location.endswith("/consent/"):
                extra = {"agree": "on", "typed_name": "Sam", "joint_sessions": "yes"}
            elif location.endswith("/code/"):
                extra = {"code": RESUME_CODE, "again": RESUME_CODE}
            elif location == f"/intake/{partner.public_id}/":  # resume: the next page
                location = request("door", "GET", location).headers["Location"]
                continue
            else:
                return location
            page = request("door", "GET", location, expect=(200,))
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            data = extra | ({"csrfmiddlewaretoken": token.group(1)} if token else {})
            location = request("door", "POST", location, data=data).headers["Location"]
        return location

    def pause(scale: float = 1.0) -> None:
        if think > 0:
            stop.wait(rng.uniform(0.5, 1.5) * think * scale)

    try:
        start.wait()
        pause(2.0)  # people do not all click at the same millisecond
        opened = request("open link", "GET", partner.link_path)
        location = request("open link", "GET", opened.headers["Location"]).headers["Location"]
        location = pass_door(location)
        for number, step_id in enumerate(STEPS):
            expected = f"/intake/{partner.public_id}/{step_id}/"
            if location != expected:
                partner.errors.append(f"went to {location}, not {expected}")
                raise Stop
            page = request(step_id, "GET", location, expect=(200,))
            data = fill(parse_form(page.text), partner.answers, CURRENT.step(step_id).questions)
            pause()
            sent = request(step_id, "POST", location, data=data)
            partner.posted[step_id] = {k: v for k, v in data.items() if k.startswith(f"{step_id}-")}
            location = sent.headers["Location"]
            if number == len(STEPS) - 1:
                done = f"/intake/{partner.public_id}/submitted/"
                if location != done:
                    partner.errors.append(f"after submitting went to {location}, not {done}")
                    raise Stop
                request("submitted", "GET", location, expect=(200,))
                partner.submitted = True
    except Stop:
        pass
    except Exception as error:  # a bug in the simulation is an error too
        partner.errors.append(f"{type(error).__name__}: {error}")
    finally:
        session.close()


# -- checking and reporting ---------------------------------------------------------------------


def check_stored(partners: list[Partner]) -> tuple[int, int, list[str]]:
    """(submissions missing, doubled or not exactly as sent; step drafts not exactly as
    posted; examples). Every partner is compared with what they sent: the typed answers of
    their submission with the answers they filled in, each step's saved draft with the fields
    of that step they posted (for every POST that was answered)."""
    lost = drafts = 0
    examples: list[str] = []
    submissions: dict[str, list[dict]] = {}
    for public_id, answers in Submission.objects.values_list("partner__public_id", "answers"):
        submissions.setdefault(public_id, []).append(answers)
    states = dict(AnswerSet.objects.values_list("partner__public_id", "wizard_state"))
    for partner in partners:
        stored = submissions.get(partner.public_id, [])
        if len(stored) > 1 or (partner.submitted and not stored):
            lost += 1
            examples.append(f"partner {partner.index}: {len(stored)} submissions")
        elif stored and stored[0] != partner.answers:
            lost += 1
            differ = sorted(
                q
                for q in set(stored[0]) | set(partner.answers)
                if stored[0].get(q) != partner.answers.get(q)
            )
            examples.append(f"partner {partner.index}: answers differ at {differ[:5]}")
        step_data = (states.get(partner.public_id) or {}).get("step_data", {})
        for step_id, fields in partner.posted.items():
            if step_data.get(step_id) != fields:
                drafts += 1
                examples.append(f"partner {partner.index}: draft of {step_id} differs")
    return lost, drafts, examples


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


def server_samples(partners: list[Partner], access_path: Path) -> list[Sample]:
    """The same requests as the gunicorn access log timed them, inside the server."""
    by_path: dict[str, str] = {}
    for partner in partners:
        by_path[partner.link_path] = "open link"
        by_path[f"/intake/{partner.public_id}/"] = "open link"
        by_path[f"/intake/{partner.public_id}/submitted/"] = "submitted"
        for step_id in STEPS:
            by_path[f"/intake/{partner.public_id}/{step_id}/"] = step_id
    samples = []
    for line in access_path.read_text(errors="replace").splitlines():
        method, path, status, micros = line.split()
        if path in by_path:
            samples.append(Sample(by_path[path], method, int(micros) / 1000, int(status)))
    return samples


def latency_table(client: list[Sample], server: list[Sample]) -> tuple[str, float]:
    """Rows of p50/p95/p99 per step and method; the worst client-side p95 and where."""
    print(
        f"  {'ms':<14}{'GET p50':>8}{'p95':>7}{'p99':>7} |{'POST p50':>9}{'p95':>7}{'p99':>7}"
        f" | server p95 GET{'POST':>6}"
    )
    worst = ("", 0.0)
    for step in ["open link", *STEPS, "submitted"]:
        line = f"  {step:<14}"
        for method in ("GET", "POST"):
            times = [s.ms for s in client if s.step == step and s.method == method]
            if times:
                p50, p95, p99 = (percentile(times, f) for f in (0.50, 0.95, 0.99))
                line += f"{p50:8.1f}{p95:7.1f}{p99:7.1f}"
                if p95 > worst[1]:
                    worst = (f"{step} {method}", p95)
            else:
                line += " " * 22
            line += " |" if method == "GET" else "  |"
        for method in ("GET", "POST"):
            times = [s.ms for s in server if s.step == step and s.method == method]
            line += f"{percentile(times, 0.95):7.1f}" if times else " " * 7
        print(line.rstrip())
    every = [s.ms for s in client]
    inside = [s.ms for s in server]
    if every:
        print(
            f"  {'every request':<14}{percentile(every, 0.5):8.1f}{percentile(every, 0.95):7.1f}"
            f"{percentile(every, 0.99):7.1f} (GET and POST together; in the server: p50 "
            f"{percentile(inside, 0.5):.1f}, p95 {percentile(inside, 0.95):.1f}, p99 "
            f"{percentile(inside, 0.99):.1f})"
        )
    return worst


def report(partners, elapsed, args, server_log: Path, access_path: Path) -> bool:
    samples = [s for p in partners for s in p.samples]
    errors = [e for p in partners for e in p.errors]
    print(
        f"Load: {args.partners} partners at once, {len(STEPS)} steps each; gunicorn -w "
        f"{args.workers} --threads {args.threads} "
        f"({'sync' if args.threads == 1 else 'gthread'} workers) on PostgreSQL, "
        f"DB_CONN_MAX_AGE={args.conn_max_age}; "
        f"think time {args.think:g} s (x0.5-1.5) on each page before its POST; "
        f"{os.cpu_count()} CPUs, load average before {args.load_before:.2f}"
    )
    print(f"requests: {len(samples)} in {elapsed:.1f} s = {len(samples) / elapsed:.1f} requests/s")
    print(
        f"CPU seconds: gunicorn {args.server_cpu:.1f} (with warm-up), the simulated partners "
        f"{args.client_cpu:.1f}; PostgreSQL not counted"
    )
    print("latency, client side (what the partner waits), and p95 inside the server:")
    worst = latency_table(samples, server_samples(partners, access_path))
    submitted = sum(p.submitted for p in partners)
    statuses = sorted({s.status for s in samples})
    print(f"errors: {len(errors)} (HTTP statuses seen: {', '.join(map(str, statuses))})")
    for error in errors[:10]:
        print(f"  {error}")
    tracebacks = server_log.read_text(errors="replace").count("Traceback")
    print(f"server tracebacks in the gunicorn log: {tracebacks}")
    lost, drafts, examples = check_stored(partners)
    print(
        f"partners who submitted: {submitted}/{len(partners)}; submissions lost or not as "
        f"sent: {lost}; step drafts not as posted: {drafts}"
    )
    for example in examples[:10]:
        print(f"  {example}")
    all_through = submitted == len(partners)
    if not all_through:
        print(
            "partners who did not finish (an error, or the time limit): "
            f"{len(partners) - submitted}"
        )
    ok_errors = not errors and not tracebacks and all_through
    ok_lost = lost == 0 and drafts == 0 and all_through
    ok_p95 = worst[1] < TARGET_P95_MS
    print(
        f"targets: zero errors ({'OK' if ok_errors else 'MISSED'}); zero lost answers "
        f"({'OK' if ok_lost else 'MISSED'}); p95 under {TARGET_P95_MS:.0f} ms on every step "
        f"({'OK' if ok_p95 else 'MISSED'}: worst p95 {worst[1]:.1f} ms, {worst[0]})"
    )
    return ok_errors and ok_lost and ok_p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (over 1: gthread workers)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean seconds a partner spends on a page before sending it (0: no pause at all)",
    )
    parser.add_argument("--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE")
    parser.add_argument(
        "--warmup", type=int, default=4, help="partners run first, not timed (warm workers)"
    )
    parser.add_argument("--timeout", type=float, default=900, help="overall limit, seconds")
    args = parser.parse_args()
    if not 1 <= args.partners <= 1000:
        parser.error("--partners must be between 1 and 1000")
    deadline = time.monotonic() + args.timeout

    work = Path(tempfile.mkdtemp(prefix="tandem-load-"))
    server_log = work / "gunicorn.log"
    access_path = work / "access.log"
    args.load_before = os.getloadavg()[0]
    server = None
    stop = threading.Event()
    try:
        create_database()
        call_command("migrate", verbosity=0)
        partners = []
        with transaction.atomic():
            for index in range(args.partners + args.warmup):
                case = services.create_case()
                partner = case.couple.partner("a")
                link_path = "/" + case.links["a"].split("://", 1)[1].split("/", 1)[1]
                partners.append(Partner(index, link_path, partner.public_id, answers_for(index)))
        connections.close_all()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(args, port, server_log, access_path)
        wait_until_up(base, server)

        # Warm up: the first requests of a worker compile templates and fill caches.
        warmup, partners = partners[args.partners :], partners[: args.partners]
        ready = threading.Event()
        ready.set()
        warmers = [
            threading.Thread(target=simulate, args=(p, base, 0.0, ready, stop), daemon=True)
            for p in warmup
        ]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join(max(0.0, deadline - time.monotonic()))

        start = threading.Event()
        cpu_before = time.process_time()
        threads = [
            threading.Thread(target=simulate, args=(p, base, args.think, start, stop), daemon=True)
            for p in partners
        ]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        start.set()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        elapsed = time.perf_counter() - began
        if any(thread.is_alive() for thread in threads):
            stop.set()
            print(f"stopped at the overall limit of {args.timeout:.0f} s")
            for thread in threads:
                thread.join(REQUEST_TIMEOUT + 5)
        args.client_cpu = time.process_time() - cpu_before
        stop_server(server)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        args.server_cpu = used.ru_utime + used.ru_stime
        ok = report(partners, elapsed, args, server_log, access_path)
        warm_errors = [e for p in warmup for e in p.errors]
        warm_lost, warm_drafts, _ = check_stored(warmup)
        warm_through = sum(p.submitted for p in warmup)
        print(
            f"warm-up partners (not timed): {warm_through}/{len(warmup)} submitted, "
            f"errors {len(warm_errors)}, lost {warm_lost + warm_drafts}"
        )
        ok = ok and not warm_errors and not warm_lost + warm_drafts
        ok = ok and warm_through == len(warmup)
        problems = [
            line
            for line in server_log.read_text(errors="replace").splitlines()
            if "[INFO]" not in line
        ]
        if problems:
            print("the gunicorn log, without its INFO lines (last 30):")
            print("\n".join(problems[-30:]))
        return 0 if ok else 1
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        try:
            drop_database()
        except psycopg.Error as error:
            print(f"could not drop the database {DB_NAME}: {error}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
