import pytest

from intake import services as intake_services
from tests.screening import personas as p


@pytest.fixture
def people(db) -> p.Personas:
    """Every persona, around the flagged demo couple (both submitted and screened)."""
    return p.personas()


@pytest.fixture
def people_new_case(db) -> p.Personas:
    """Every persona, around a new case (nobody has started): cheaper where flags don't matter."""
    return p.personas(intake_services.create_case(email_a="a@example.com", email_b="b@example.com"))
