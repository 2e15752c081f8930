from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake"

    def ready(self):
        from .questionnaire.crisis import CRISIS_REGIONS

        if settings.CRISIS_REGION not in CRISIS_REGIONS:
            raise ImproperlyConfigured(
                f"CRISIS_REGION must be one of {', '.join(CRISIS_REGIONS)}, "
                f"not {settings.CRISIS_REGION!r}"
            )
