"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Each test starts Chromium (see `chromium` for why not once per run) and opens browser contexts
in it (a context is a fresh browser profile: no cookies, no cache). The browser is never
downloaded by Playwright: `scripts/test` installs Debian's `chromium` package, and without it
these tests fail (they are part of the test suite, not optional).

Screenshots of every page type, at phone and desktop widths, go to test-artifacts/screenshots/;
the folder is printed at the end of the run.
"""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.browser import support
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """The live server's tests commit for real. Like the concurrency tests, they restore the
    migrations' rows (the clinicians group) before each test, and their flush afterwards then
    leaves the content types alone for the next test that restores them."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def chromium(monkeypatch):
    """Debian's Chromium, driven by Playwright's sync API for one test.

    Not one browser for the whole run: between its calls, Playwright's sync API leaves its
    event loop marked as running in the test's thread, and Django then both refuses database
    work (unless DJANGO_ALLOW_ASYNC_UNSAFE is set) and keeps that thread's database connections
    apart from the ones it had before (asgiref's Local). Started and stopped inside each test,
    the loop never outlives it: the database set-up and the flush between tests (and every
    test after these) use the usual connections. Starting it takes about half a second.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}, and it is missing. Install it "
            "with `apt-get install chromium` (scripts/test does this), never with "
            "`playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # The connections the test opened while the loop was marked as running.
            connections.close_all()


@pytest.fixture(autouse=True)
def _browser_settings(settings, live_server, neutral_site, tmp_path):
    settings.SITE_URL = live_server.url
    settings.EXIT_PAGE_URL = neutral_site
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def new_page(chromium, live_server):
    """Open a page in a new browser context: `new_page(viewport=PHONE, javascript=False)`."""
    contexts = []

    def open_page(*, viewport=support.DESKTOP, javascript: bool = True, **options):
        context = chromium.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            base_url=live_server.url,
            accept_downloads=True,
            reduced_motion="reduce",  # no smooth scrolling: the page is where it ends up at once
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        support.watch_console(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


class _NeutralPage(BaseHTTPRequestHandler):
    """Another website, standing in for the neutral site "Exit this page" goes to."""

    def do_GET(self):
        body = b"<!doctype html><title>Weather</title><h1>Weather forecast</h1><p>Sunny.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def neutral_site():
    """The URL of a neutral page on another origin (the machine has no internet)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/weather/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def clinician_account(db) -> User:
    """A clinician (factories.clinician_user) with a confirmed authenticator app: signs in
    with the suite's password and a code."""
    user = factories.clinician_user("dr.lee")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def pytest_terminal_summary(terminalreporter):
    if support.SCREENSHOTS_TAKEN:
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(
            f"{len(support.SCREENSHOTS_TAKEN)} screenshots (phone and desktop widths) in "
            f"{support.SCREENSHOT_DIR}"
        )
    if support.PAGES_CHECKED:
        terminalreporter.write_line(
            f"axe-core (WCAG 2.1 A and AA) passed on {len(support.PAGES_CHECKED)} page types: "
            + ", ".join(sorted(support.PAGES_CHECKED))
        )
