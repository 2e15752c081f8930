"""The intake questionnaire: versioned definitions and the crisis contacts shown with them."""

from .crisis import CRISIS_REGIONS, CrisisContact, crisis_contacts
from .schema import Questionnaire
from .v1 import QUESTIONNAIRE as V1
from .v2 import CHANGES as CHANGES_IN_2
from .v2 import QUESTIONNAIRE as V2

# Every version answers may have been given under (a case keeps the version it started on);
# new cases use CURRENT. What changed between versions: docs/questionnaire.md, "Versions".
QUESTIONNAIRES: dict[str, Questionnaire] = {"1": V1, "2": V2}
# What each version changed from the one before it.
VERSION_CHANGES: dict[str, tuple[str, ...]] = {"1": ("The first version.",), "2": CHANGES_IN_2}
CURRENT = QUESTIONNAIRE = V2


def current_version() -> str:
    """The version a new case is answered on (the models' default)."""
    return CURRENT.version


__all__ = [
    "CRISIS_REGIONS",
    "CURRENT",
    "QUESTIONNAIRE",
    "QUESTIONNAIRES",
    "VERSION_CHANGES",
    "CrisisContact",
    "crisis_contacts",
    "current_version",
]
