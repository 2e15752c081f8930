import json

from django.core.management.base import BaseCommand, CommandError

from intake import services, signals
from intake.models import Couple


class Command(BaseCommand):
    help = "Print a case's answers as the JSON answers document (docs/questionnaire.md)."

    def add_arguments(self, parser):
        parser.add_argument("reference")

    def handle(self, *args, **options):
        couple = Couple.objects.filter(reference=options["reference"].strip().upper()).first()
        if couple is None:
            raise CommandError(f"No case with reference {options['reference']!r}.")
        self.stdout.write(
            json.dumps(services.export_document(couple), indent=2, ensure_ascii=False)
        )
        signals.answers_exported.send(sender=Command, couple=couple, actor="command line")
