import json

from django.core.management.base import BaseCommand, CommandError

from intake import services, signals
from intake.questionnaire.document import DocumentError


class Command(BaseCommand):
    help = "Create a case from an answers document (JSON) and print its reference."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the JSON answers document, or - for stdin")

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                import sys

                data = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"Not valid JSON: {error}") from None
        try:
            case = services.import_document(data)
        except DocumentError as error:
            raise CommandError(f"Refused: {error}") from None
        signals.answers_imported.send(sender=Command, couple=case.couple, actor="command line")
        self.stdout.write(case.couple.reference)
