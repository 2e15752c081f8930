import secrets
from base64 import b32encode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from intake.demo import demo_document
from screening import cases
from screening.models import COMMAND_LINE


class Command(BaseCommand):
    help = "Demo data: a clinician login, a new case with two links, and a filled-in case."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="clinician")
        parser.add_argument("--password", default="", help="default: a new random one")

    def handle(self, *args, **options):
        password = options["password"] or secrets.token_urlsafe(9)
        group, _ = Group.objects.get_or_create(name="clinicians")
        user, _ = get_user_model().objects.get_or_create(username=options["username"])
        user.set_password(password)
        user.is_active = True
        user.save()
        user.groups.add(group)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo app", confirmed=True)

        filled = cases.import_case(COMMAND_LINE, demo_document())
        case, _ = cases.create_case(
            COMMAND_LINE, email_a="partner.a@example.com", email_b="partner.b@example.com"
        )

        out = self.stdout.write
        out("")
        out("Tandem demo data")
        out(f"  Clinician login:  http://127.0.0.1:8000/clinic/   {user.username} / {password}")
        key = b32encode(device.bin_key).decode()
        out(f"    Two-factor key (add it to an authenticator app): {key}")
        out(f"    or print the current code: .venv/bin/python manage.py totp_code {user.username}")
        out(f"  New case {case.couple.reference}:")
        out(f"    Partner A's private link: {case.links['a']}")
        out(f"    Partner B's private link: {case.links['b']}")
        out(f"  A filled-in case with flags: {filled.couple.reference}")
        out("")
