"""Walk a partner through the questionnaire with the test client, as a browser would."""

from intake.questionnaire import CURRENT
from tests.intake.helpers import step_url
from tests.pageform import fill, parse_form


def answer_step(client, step_id: str, answers: dict, *, extra=None, expect_ok=True):
    page = client.get(step_url(client, step_id))
    assert page.status_code == 200, (step_id, page.status_code)
    form = parse_form(page.content.decode())
    data = fill(form, answers, CURRENT.step(step_id).questions)
    if extra:
        data.update(extra)
    response = client.post(step_url(client, step_id), data)
    if expect_ok:
        assert response.status_code == 302, _errors(response)
    return response


def _errors(response) -> str:
    import re

    html = response.content.decode()
    return (
        "; ".join(re.findall(r"invalid-feedback[^>]*>\s*(?:<strong>)?([^<]+)", html)) or html[:500]
    )


def complete_questionnaire(client, answers: dict, *, submit: bool = True):
    """Answer every step (and submit from the review page)."""
    steps = [step.id for step in CURRENT.steps]
    for step_id in steps[:-1]:
        response = answer_step(client, step_id, answers)
        if response["Location"].startswith(step_url(client, step_id) + "#question-"):
            # An answer that raises the crisis contacts: the step comes back with them under
            # it (the page now says they were shown), and the next press moves on.
            response = answer_step(client, step_id, answers)
        assert response["Location"].endswith(step_url(client, steps[steps.index(step_id) + 1]))
    if submit:
        return answer_step(client, "review", answers)
    return None
