"""Yes/no history questions shown as checklists ("Have you ever had any of these?", with
"None of these"): for any combination, the page posts the same answers document as the yes/no
radios it replaces did, each question still true or false; an unanswered list and "None of
these" with a box ticked are refused next to the list."""

import pytest
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.demo import make_answers
from intake.forms import step_form_class
from intake.questionnaire import CURRENT
from tests.factories import new_partner_client
from tests.intake.helpers import assert_error_shown, html_of, seed_steps, step_url, steps_before
from tests.pageform import fill, parse_form

pytestmark = pytest.mark.django_db

STEPS = [step for step in CURRENT.steps if any(s.checklist for s in step.sections)]


def boxes(step):
    return [q for section in step.sections for q in section.items]


def old_radios_post(step, answers) -> MultiValueDict:
    """What the page posted before the checklists: "yes" or "no" for each question."""
    return step_form_class(step, CURRENT.version).data_from_answers(answers, step.id)


@pytest.fixture
def pages():
    """Each checklist step's page as a partner gets it, parsed once."""
    client, case = new_partner_client()
    partner = case.couple.partner("a")
    seed_steps(partner, make_answers(), steps_before("mental_health"))
    return {step.id: parse_form(html_of(client.get(step_url(partner, step.id)))) for step in STEPS}


def test_the_history_steps_have_checklists():
    assert [step.id for step in STEPS] == ["physical", "mental_health"]
    assert len(boxes(CURRENT.step("physical"))) == 15
    assert len(boxes(CURRENT.step("mental_health"))) == 6


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_checklist_posts_the_same_answers_as_the_yes_no_radios(pages, data):
    step = data.draw(st.sampled_from(STEPS))
    ticked = data.draw(st.fixed_dictionaries({q.id: st.booleans() for q in boxes(step)}))
    answers = make_answers(**ticked)  # with the follow-ups the ticked boxes open
    form_class = step_form_class(step, CURRENT.version)
    new = form_class(
        data=MultiValueDict(fill(pages[step.id], answers, step.questions)), prefix=step.id
    )
    old = form_class(data=old_radios_post(step, answers), prefix=step.id)
    assert new.is_valid(), new.errors
    assert old.is_valid(), old.errors
    expected = {q.id: answers[q.id] for q in step.questions if q.id in answers}
    assert new.answers() == old.answers() == expected
    for qid, value in ticked.items():
        assert new.answers()[qid] is value  # every question true or false


def test_a_list_left_unanswered_or_none_with_a_box_is_refused_next_to_it(partner_a, at_step):
    answers = at_step("mental_health")
    page = parse_form(html_of(partner_a.get(step_url(partner_a, "mental_health"))))
    step = CURRENT.step("mental_health")
    none = f"mental_health-{step.sections[1].none_name}"

    data = fill(page, answers, step.questions)
    data.pop(none)  # nothing ticked at all
    response = partner_a.post(step_url(partner_a, "mental_health"), data)
    assert_error_shown(response, none, "Please answer this question.")

    data = fill(page, {**answers, "prior_psychedelics": True}, step.questions)
    data[none] = ["on"]
    response = partner_a.post(step_url(partner_a, "mental_health"), data)
    assert_error_shown(response, none, "“None of these” can't be combined with other answers.")
