import pytest

from intake import services as intake_services
from tests.factories import OUTCOMES, dispose_all
from tests.screening import personas as p
from tests.screening.pdf_support import realistic_document


@pytest.fixture
def people(db) -> p.Personas:
    """Every persona, around the flagged demo couple (both submitted and screened)."""
    return p.personas()


@pytest.fixture
def people_new_case(db) -> p.Personas:
    """Every persona, around a new case (nobody has started): cheaper where flags don't matter."""
    return p.personas(intake_services.create_case(email_a="a@example.com", email_b="b@example.com"))


@pytest.fixture
def ready_case(db, clinician, django_capture_on_commit_callbacks):
    """A realistic, screened case with every disposition recorded, not yet signed off."""
    with django_capture_on_commit_callbacks(execute=True):
        couple = intake_services.import_document(realistic_document()).couple
    dispose_all(couple, clinician.user, outcomes=OUTCOMES)
    return couple
