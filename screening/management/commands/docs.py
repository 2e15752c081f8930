"""`manage.py docs`: write the generated reference documents under docs/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from screening.reference import documents, stale


class Command(BaseCommand):
    help = "Write docs/questionnaire.md and docs/rules.md from the definitions (--check: compare)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="fail when a committed document is stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.BASE_DIR) / "docs"
        if options["check"]:
            out_of_date = stale(folder)
            if out_of_date:
                raise CommandError(
                    "stale: "
                    + ", ".join(f"docs/{name}" for name in out_of_date)
                    + " (run `manage.py docs`)"
                )
            self.stdout.write("docs/ is up to date")
            return
        folder.mkdir(exist_ok=True)
        for name, text in documents().items():
            (folder / name).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote docs/{name}")
