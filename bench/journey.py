"""How long the way through is on a phone: a typical partner's whole questionnaire, counted in
phone screens.

    .venv/bin/python bench/journey.py [--screenshots DIR]

Makes a throw-away SQLite database, migrates it, creates one case and starts
`gunicorn config.wsgi -w 1` on a free loopback port against it (DEBUG off). Then Debian's
Chromium (/usr/bin/chromium, driven by Playwright) at a phone's size, 390 x 844 CSS pixels,
opens partner A's private link and goes through every step as a person does, with JavaScript:
fills in the step (a typical history: `tests.browser.support.typical_history`), presses "Save
and continue", and at the end ticks the box on the review page and submits.

On every page, once filled in (so the follow-up questions an answer opens are counted), it
takes the page's whole height (`document.documentElement.scrollHeight`) and divides it by the
screen's 844 px: how many screens of scrolling that page is. It prints each page's figure and
their sum, the number recorded in bench/README.md. Target: at most 30 screens for the
questionnaire's pages; the door's pages before the first question (start page, consent notice,
resume code) are printed apart, and with them.

With --screenshots DIR it also saves a full-page screenshot of each page there.
gunicorn is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = Path(tempfile.mkdtemp(prefix="tandem-journey-"))
DATABASE_URL = f"sqlite:///{FOLDER}/journey.sqlite3"
SECRET_KEY = "journey-bench-only-secret-key-journey-bench-only"
PHONE = {"width": 390, "height": 844}
DOOR = ("start", "consent", "code")
CHROMIUM = "/usr/bin/chromium"
TARGET = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _free_port()
BASE = f"http://127.0.0.1:{PORT}"
os.environ.update(
    DATABASE_URL=DATABASE_URL,
    DJANGO_SETTINGS_MODULE="config.settings",
    SECRET_KEY=SECRET_KEY,
    DEBUG="false",
    SITE_URL=BASE,
    ALLOWED_HOSTS="127.0.0.1",
    # A clinic as it is set up (README, Configuration): its name and a phone number, shown
    # in every partner page's header (the unset defaults are a longer placeholder).
    CLINIC_NAME=os.environ.get("CLINIC_NAME", "Harbour Couples Clinic"),
    CLINIC_CONTACT=os.environ.get("CLINIC_CONTACT", "604 555 0123"),
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from intake import services  # noqa: E402
from intake.models import Partner  # noqa: E402
from intake.questionnaire import CURRENT  # noqa: E402
from tests.browser import support  # noqa: E402

TYPICAL = support.typical_history()  # the same partner as the browser test of the journey


def start_server(log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{PORT}",
        "--no-control-socket",
    ]
    log = log_path.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=log)


def wait_until_up(server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(BASE + "/accounts/login/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


def screens(page) -> float:
    return support.phone_screens(page)


def journey(link: str, shots: Path | None) -> list[tuple[str, float]]:
    counted: list[tuple[str, float]] = []

    def count(name: str) -> None:
        counted.append((name, screens(page)))
        if shots is not None:
            page.screenshot(path=shots / f"{len(counted):02d}-{name}.png", full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
            context.set_default_timeout(15_000)
            page = context.new_page()
            support.watch_console(page)
            page.goto(link)
            # The door first (start page, consent notice, choosing a resume code): counted on
            # their own, as they are read once, not answered.
            while (door := page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]) in DOOR:
                count(f"door: {door}")
                support.pass_door_page(page)
            for step in CURRENT.steps:
                support.expect_step(page, step.id)
                support.fill_step(page, step.id, TYPICAL)
                count(step.id)
                button = "Submit my answers" if step.id == "review" else "Save and continue"
                with page.expect_navigation():
                    page.get_by_role("button", name=button, exact=True).click()
            if page.locator("h1").inner_text() != "Thank you":
                raise RuntimeError(f"not submitted: {page.url}")
            count("submitted")
        finally:
            browser.close()
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshots", type=Path, help="save a full-page screenshot of each")
    args = parser.parse_args()
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    server = start_server(FOLDER / "gunicorn.log")
    try:
        wait_until_up(server)
        counted = journey(case.links["a"], args.screenshots)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    partner = Partner.objects.get(pk=case.couple.partner("a").pk)
    submitted = partner.submissions.get().answers
    if submitted != TYPICAL:
        diff = {
            k: (TYPICAL.get(k), submitted.get(k))
            for k in set(TYPICAL) | set(submitted)
            if TYPICAL.get(k) != submitted.get(k)
        }
        raise SystemExit(f"the submitted answers are not the ones filled in: {diff}")
    print(f"Journey on a phone ({PHONE['width']} x {PHONE['height']}), a typical partner:")
    for name, value in counted:
        print(f"  {name:<16} {value:5.2f} screens")
    door = sum(value for name, value in counted if name.startswith("door: "))
    total = sum(value for name, value in counted if not name.startswith("door: "))
    verdict = "met" if total <= TARGET else "missed"
    print(f"the door (start, consent, resume code): {door:.2f} phone screens, read once")
    print(f"total: {total:.2f} phone screens (target at most {TARGET}: {verdict})")
    print(f"with the door: {door + total:.2f} phone screens")
    print("the submitted answers are the ones filled in")


if __name__ == "__main__":
    main()
