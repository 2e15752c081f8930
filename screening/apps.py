from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening and review"

    def ready(self):
        from . import receivers  # noqa: F401
