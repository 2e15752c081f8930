import json
import sys

from django.core.management.base import BaseCommand, CommandError

from intake.questionnaire.document import DocumentError
from screening import cases
from screening.models import COMMAND_LINE


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None


def _load(raw: bytes):
    """The JSON in these bytes; anything that is not a document Tandem can read is a
    CommandError with a message, never a traceback."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"Not UTF-8 text: byte {error.start} cannot be read. Save the file as UTF-8."
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"Not valid JSON: {error}") from None
    except RecursionError:
        raise CommandError("Refused: nested deeper than an answers document goes") from None
    except ValueError as error:
        # Python refuses integers of more than sys.get_int_max_str_digits() digits.
        raise CommandError(f"Refused: a number is too long to read ({error})") from None


class Command(BaseCommand):
    help = "Create a case from an answers document (JSON) and print its reference."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the JSON answers document, or - for stdin")

    def handle(self, *args, **options):
        data = _load(_read(options["file"]))
        try:
            case = cases.import_case(COMMAND_LINE, data)
        except DocumentError as error:
            raise CommandError(f"Refused: {error}") from None
        except RecursionError:
            raise CommandError("Refused: nested deeper than an answers document goes") from None
        self.stdout.write(case.couple.reference)
