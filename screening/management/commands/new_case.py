import datetime

from django.core.management.base import BaseCommand, CommandError

from screening import cases
from screening.models import COMMAND_LINE

EMAIL_FAILED = cases.EMAIL_NOT_TAKEN + (
    "The case is kept and the link above works: give it to them another way, or e-mail a new "
    "link from the case page later."
)


class Command(BaseCommand):
    help = "Create a case for a couple and print its reference and both private links."

    def add_arguments(self, parser):
        parser.add_argument("--email-a", default="", help="partner A's e-mail address")
        parser.add_argument("--email-b", default="", help="partner B's e-mail address")
        parser.add_argument("--appointment", default="", help="first appointment, YYYY-MM-DD")
        parser.add_argument(
            "--send", action="store_true", help="e-mail each partner their own link"
        )

    def handle(self, *args, **options):
        appointment = None
        if options["appointment"]:
            try:
                appointment = datetime.date.fromisoformat(options["appointment"])
            except ValueError:
                raise CommandError("--appointment must be a date YYYY-MM-DD") from None
        # The clinic's own service: the case and its audit entry in one transaction, each
        # e-mail audited once it has gone (the audit log names the command as the actor).
        case, failed = cases.create_case(
            COMMAND_LINE,
            email_a=options["email_a"],
            email_b=options["email_b"],
            appointment_date=appointment,
            send_emails=options["send"],
        )
        self.stdout.write(f"Case {case.couple.reference}")
        for partner in case.couple.partners.all():
            self.stdout.write(f"Partner {partner.label.upper()}: {case.links[partner.label]}")
        for label in failed:
            self.stderr.write(EMAIL_FAILED.format(label=label.upper()))
