"""`manage.py rules`: every screening rule in force, with the parameter values it uses."""

from __future__ import annotations

import textwrap
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from screening import parameters
from screening.engine import RULES, RULESET_VERSION, Parameters

WIDTH = 100


def parameters_in_force() -> tuple[Parameters, str]:
    """The clinic's parameters (set in the admin) and where they came from."""
    try:
        return parameters.current_parameters(), "clinic settings"
    except DatabaseError as error:
        # Never show defaults as if they were in force: say why the values are unavailable.
        raise CommandError(
            f"cannot read the clinic parameters ({error}); is the database migrated?"
        ) from None


def render_rules(params: Parameters, source: str) -> str:
    values = params.as_dict()
    lines = [
        f"Screening ruleset {RULESET_VERSION}: {len(RULES)} rules",
        f"Parameters ({source}): " + ", ".join(f"{k}={v}" for k, v in values.items()),
        "",
    ]
    indent = " " * 4
    for rule in RULES:
        severity = str(rule.severity)
        if rule.severity_note:
            severity += f" ({rule.severity_note})"
        lines.append(f"{rule.id:<6} {rule.topic:<22} {severity:<10} {rule.scope}")
        lines += textwrap.wrap(
            f"raised when: {rule.raised_when}",
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
        )
        if rule.parameters:
            used = ", ".join(f"{name}={values[name]}" for name in rule.parameters)
            lines.append(f"{indent}parameters: {used}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print every screening rule in force: id, topic, severity, what raises it, parameters."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render_rules(*parameters_in_force()))
