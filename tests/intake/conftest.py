import pytest

from intake.demo import make_answers
from tests.intake.helpers import seed_steps, steps_before


@pytest.fixture
def at_step(partner_a):
    """Partner A's browser with every step before `step_id` saved; returns the answers."""

    def go(step_id, **overrides):
        answers = make_answers(**overrides)
        seed_steps(partner_a.partner, answers, steps_before(step_id))
        return answers

    return go
