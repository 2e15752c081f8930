from django.core.management.base import BaseCommand, CommandError

from intake.models import Couple
from screening import review, summary_files
from screening.models import COMMAND_LINE, AuditEntry, record
from screening.pdf import render_pdf


class Command(BaseCommand):
    help = "Write a case's current prescriber summary (a draft when not signed off) to a PDF."

    def add_arguments(self, parser):
        parser.add_argument("reference")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")

    def handle(self, *args, **options):
        couple = Couple.objects.filter(reference=options["reference"].strip().upper()).first()
        if couple is None:
            raise CommandError(f"No case with reference {options['reference']!r}.")
        signed = review.sign_off_in_force(couple)
        stored = getattr(signed, "summary", None) if signed else None
        if stored is not None:
            try:
                content = summary_files.read_verified(stored)
            except summary_files.SummaryFileError as error:
                raise CommandError(f"{error} Nothing was written.") from error
            kind = f"version {stored.version}"
        else:
            content = render_pdf(couple, draft=signed is None)
            kind = "draft" if signed is None else "final"
        try:
            with open(options["output"], "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error.strerror}") from error
        record(COMMAND_LINE, AuditEntry.Action.PDF_DOWNLOADED, couple, kind=kind)
        self.stdout.write(f"Wrote the {kind} summary of {couple.reference} to {options['output']}")
