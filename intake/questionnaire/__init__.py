"""The intake questionnaire: versioned definitions and the crisis contacts shown with them."""

from .crisis import CRISIS_REGIONS, CrisisContact, crisis_contacts
from .v1 import QUESTIONNAIRE

CURRENT = QUESTIONNAIRE
QUESTIONNAIRES = {"1": QUESTIONNAIRE}

__all__ = [
    "CRISIS_REGIONS",
    "CURRENT",
    "QUESTIONNAIRE",
    "QUESTIONNAIRES",
    "CrisisContact",
    "crisis_contacts",
]
