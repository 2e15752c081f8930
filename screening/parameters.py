"""The clinic parameters in force (set by an administrator in the Django admin)."""

from .models import ClinicParameters
from .scoring import Parameters


def current_parameters() -> Parameters:
    return ClinicParameters.current().as_parameters()
