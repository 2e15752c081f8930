"""Tandem's own pages for bad days: the database down (500) and a refused form (CSRF)."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.factories import open_link
from tests.intake.helpers import html_of, parse_form, step_url, visible_text
from tests.pageform import current_values
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def gunicorn_without_database(tmp_path):
    """The real app under gunicorn, its database a port nothing listens on."""
    closed, port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"postgres://tandem@127.0.0.1:{closed}/tandem",
        DEBUG="false",
        CLINIC_NAME="Harbour Couples Clinic",
        PYTHONWARNINGS="ignore",
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own app, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                _get(base + "/static/css/app.css")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_with_the_database_down_a_partner_gets_tandems_own_page(gunicorn_without_database):
    base = gunicorn_without_database
    # a first visit from a private link; a partner coming back, with a session cookie
    visits = [
        ("/i/some-private-link-token/", ""),
        ("/intake/abcdefgh/about/", "sessionid=x7k2q9w8e1r5t6y3u4i0o9p8a7s6d5f4"),
    ]
    for path, cookie in visits:
        status, body = _get(base + path, cookie)
        assert status == 500, path
        text = visible_text(body)
        assert "Sorry, something went wrong on our side" in text, path
        assert "Your answers up to your last saved page are kept" in text
        assert "Harbour Couples Clinic" in text
        assert "Traceback" not in body and "OperationalError" not in body
        assert "/static/css/app.css" in body
    status, css = _get(base + "/static/css/app.css")  # the page's own style still comes
    assert status == 200 and css


# --- a form refused by the CSRF check ----------------------------------------------------------


def test_a_partner_whose_form_is_refused_is_told_what_to_do_and_led_back(db, new_case):
    browser = Client(enforce_csrf_checks=True)
    open_link(browser, new_case.links["a"])
    partner = new_case.couple.partner("a")
    url = step_url(partner, "about")
    data = current_values(parse_form(html_of(browser.get(url))))
    browser.cookies.pop("csrftoken", None)  # the browser blocked or lost the cookie

    response = browser.post(url, data)
    assert response.status_code == 403
    text = visible_text(response)
    assert "this page was open too long, or your browser blocked a cookie" in text
    assert "Your answers up to the last save are kept" in text
    assert "Go back, reload the page, and send it again" in text
    assert f'href="{url}"' in response.content.decode()
    assert "Back to your questionnaire" in text


@override_settings(CLINIC_NAME="Harbour Couples Clinic")
def test_a_clinician_whose_form_is_refused_gets_the_same_page_without_a_partner_link(db):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    text = visible_text(response)
    assert "Please send this page again" in text
    assert "Harbour Couples Clinic" in text
    assert "Back to your questionnaire" not in text
