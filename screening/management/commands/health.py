"""`manage.py health`: the health check (see `screening.background.health`) as JSON; exits 1
when something is wrong, for a supervisor or a cron job."""

import json
import sys

from django.core.management.base import BaseCommand

from screening import background


class Command(BaseCommand):
    help = "Check the database, the workers, urgent alerts and summaries; exit 1 if unhealthy."

    def handle(self, *args, **options):
        report = background.health()
        self.stdout.write(json.dumps(report, indent=2))
        if not report["healthy"]:
            sys.exit(1)
