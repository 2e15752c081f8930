"""`manage.py screen FILE.json [--json] [--date YYYY-MM-DD]`: scores and flags for a document.

Reads an answers document (docs/questionnaire.md), checks it with the intake's document parser,
and runs the screening engine with the default parameters. Touches no database.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from intake.questionnaire.document import DocumentError, parse_document
from screening.engine import Parameters, ScreeningResult, screen
from screening.scoring import INSTRUMENT_NAMES

WIDTH = 100


def parse_date_option(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r} is not a date YYYY-MM-DD") from None


def load_document(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CommandError(f"{path} is not valid JSON: {error}") from None
    try:
        return parse_document(data)
    except DocumentError as error:
        raise CommandError(f"invalid answers document: {error}") from None


def render_text(result: ScreeningResult) -> str:
    lines = [f"Screening, ruleset {result.ruleset}"]
    if result.questionnaire_version:
        lines[0] += f", questionnaire {result.questionnaire_version}"
    source = "appointment date" if result.appointment_date else "evaluation date"
    lines.append(
        f"Date used: {result.date_used.isoformat()} ({source}); "
        f"evaluated {result.evaluation_date.isoformat()}"
    )
    params = ", ".join(f"{k}={v}" for k, v in result.parameters.as_dict().items())
    lines.append(f"Parameters: {params}")

    lines += ["", "Scores"]
    if not result.scores:
        lines.append("  (no partner has answered)")
    for partner in ("a", "b"):
        if partner not in result.scores:
            lines.append(f"  partner {partner}: no answers")
            continue
        for instrument, score in result.scores[partner].items():
            total = "missing" if score.total is None else str(score.total)
            detail = []
            if score.missing:
                detail.append("missing: " + ", ".join(score.missing))
            if score.note:
                detail.append(score.note)
            lines.append(
                f"  {partner}  {INSTRUMENT_NAMES[instrument]:<10} {total:>7}  "
                f"{score.band or '-':<24} {'; '.join(detail)}".rstrip()
            )

    lines += ["", f"Flags ({len(result.flags)})"]
    if not result.flags:
        lines.append("  none")
    for flag in result.flags:
        who = "couple" if flag.partner == "couple" else f"partner {flag.partner}"
        lines.append(f"  {flag.severity.upper():<7} {flag.rule:<6} {who:<10} {flag.topic}")
        indent = " " * 10
        lines += textwrap.wrap(flag.message, WIDTH, initial_indent=indent, subsequent_indent=indent)
        evidence = ", ".join(
            f"{qid}={json.dumps(value)}" for qid, value in flag.as_dict()["evidence"].items()
        )
        lines += textwrap.wrap(
            f"evidence: {evidence}", WIDTH, initial_indent=indent, subsequent_indent=indent + "  "
        )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Screen an answers document (docs/questionnaire.md) and print the scores and flags."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="answers document (JSON)")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the result as JSON"
        )
        parser.add_argument(
            "--date",
            dest="evaluation_date",
            help="evaluation date YYYY-MM-DD, used when the document has no appointment "
            "date (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        document = load_document(options["file"])
        if options["evaluation_date"]:
            evaluation_date = parse_date_option(options["evaluation_date"])
        else:
            evaluation_date = timezone.localdate()
        result = screen(document, Parameters(), evaluation_date)
        if options["as_json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_text(result))
