from django.core.management.base import BaseCommand, CommandError

from intake.models import Couple
from screening import services


class Command(BaseCommand):
    help = (
        "Screen cases again with the rules and clinic parameters in force. Each gets a new "
        "screening beside the old ones; nothing is overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="*", help="case references, e.g. TND-7K3M9Q")
        parser.add_argument("--all", action="store_true", help="every case with a submission")

    def handle(self, *args, **options):
        if options["all"] == bool(options["references"]):
            raise CommandError("Give case references, or --all.")
        couples = None
        if options["references"]:
            references = [r.strip().upper() for r in options["references"]]
            couples = list(Couple.objects.filter(reference__in=references))
            missing = set(references) - {c.reference for c in couples}
            if missing:
                raise CommandError(f"No case with reference {', '.join(sorted(missing))}.")
        count = services.rescreen(couples)
        self.stdout.write(f"Re-screened {count} case{'s' if count != 1 else ''}.")
