import datetime

from django.core.management.base import BaseCommand, CommandError

from intake import services


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
        case = services.create_case(
            email_a=options["email_a"], email_b=options["email_b"], appointment_date=appointment
        )
        self.stdout.write(f"Case {case.couple.reference}")
        for partner in case.couple.partners.all():
            self.stdout.write(f"Partner {partner.label.upper()}: {case.links[partner.label]}")
            if options["send"] and partner.email:
                services.send_invitation(partner, case.links[partner.label])
