"""The clinic parameters in force (set by an administrator in the Django admin)."""

from .scoring import Parameters


def current_parameters() -> Parameters:
    from .models import ClinicParameters

    return ClinicParameters.current().as_parameters()
