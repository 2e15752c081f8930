"""The intake questionnaire: versioned definitions and the crisis contacts shown with them."""

from .crisis import CRISIS_CONTACTS, CrisisContact
from .v1 import QUESTIONNAIRE

CURRENT = QUESTIONNAIRE
QUESTIONNAIRES = {"1": QUESTIONNAIRE}

__all__ = ["CRISIS_CONTACTS", "CURRENT", "QUESTIONNAIRE", "QUESTIONNAIRES", "CrisisContact"]
