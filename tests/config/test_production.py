"""Production mode refuses to start without what it needs; check --deploy is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FULL = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-test-key-with-enough-characters-0123456789",
    "ALLOWED_HOSTS": "intake.example-clinic.ca",
    "DATABASE_URL": "sqlite:////tmp/tandem-production-check.sqlite3",
    "EMAIL_HOST": "smtp.example-clinic.ca",
    "URGENT_ALERT_EMAILS": "on-call@example-clinic.ca",
    "CLINIC_NAME": "Example Clinic",
    "CLINIC_CONTACT": "604-555-0199",
}


def manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in FULL and k != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"  # the app's settings, not the tests'
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_naming_what_is_missing():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=FULL["SECRET_KEY"])
    assert result.returncode != 0
    assert (
        "ALLOWED_HOSTS, DATABASE_URL, EMAIL_HOST, URGENT_ALERT_EMAILS, CLINIC_NAME, CLINIC_CONTACT"
    ) in result.stderr
    assert "SECRET_KEY" not in result.stderr.split("needs these environment variables:")[1]


def test_check_deploy_reports_nothing_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **FULL)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _allowed_hosts(**env) -> str:
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.ALLOWED_HOSTS)", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's "objects imported"


def test_the_test_clients_host_is_never_allowed_outside_the_tests():
    production = _allowed_hosts(**FULL)
    assert "testserver" not in production
    assert production == "['intake.example-clinic.ca']"
    development = _allowed_hosts()
    assert "localhost" in development and "testserver" not in development


def test_production_refuses_allowed_hosts_that_name_no_host():
    result = manage("check", **{**FULL, "ALLOWED_HOSTS": " , "})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the site's host" in result.stderr
