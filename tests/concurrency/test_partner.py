"""A partner submitting twice at once, saving two tabs at once, and both partners
submitting at once, on PostgreSQL with real threads. One submission each, no step lost, one
current screening, no error page."""

from __future__ import annotations

from functools import partial

import pytest

from intake.demo import make_answers
from intake.models import AnswerSet, Couple, Partner, Submission
from intake.questionnaire import CURRENT
from screening.models import Screening
from screening.queries import review_queue
from tests.concurrency.threads import same_browser, together
from tests.factories import client_for, new_partner_client
from tests.intake.helpers import StepPage, html_of, seed_steps, step_url, steps_before
from tests.pageform import fill, parse_form

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 10


def test_a_double_submit_at_once_makes_one_submission():
    for round_number in range(ROUNDS):  # a new partner each round: a submission is once
        client, case = new_partner_client("a")
        partner = client.partner
        answers = make_answers(preferred_name=f"Robin {round_number}")
        seed_steps(partner, answers, steps_before("review"))
        page = client.get(step_url(client, "review"))
        assert page.status_code == 200
        data = fill(parse_form(html_of(page)), answers, CURRENT.step("review").questions)
        tab = same_browser(client)

        review = step_url(client, "review")
        responses = together(partial(client.post, review, data), partial(tab.post, review, data))

        submitted = f"/intake/{partner.public_id}/submitted/"
        assert [(r.status_code, r["Location"]) for r in responses] == [(302, submitted)] * 2
        submission = Submission.objects.get(partner=partner)
        assert submission.number == 1
        assert submission.answers == answers
        partner.refresh_from_db()
        assert partner.status == Partner.Status.SUBMITTED
        assert Screening.objects.filter(couple=case.couple).count() == 1
        assert client.get(submitted).status_code == 200


# Two steps saved at once from two tabs, round by round; each changes one text answer.
PAIRS = [
    ("about", "goals"),
    ("mental_health", "practical"),
    ("goals", "mental_health"),
    ("practical", "about"),
    ("about", "mental_health"),
] * 2
CHANGES = {  # step -> (question, the text for round n)
    "about": ("preferred_name", "Robin {n}"),
    "goals": ("goals_self", "Round {n}: sleep better and argue less."),
    "mental_health": ("current_care", "Round {n}: a counsellor every week."),
    "practical": ("availability", "Round {n}: Tuesday afternoons"),
}


def test_two_tabs_saving_different_steps_at_once_keep_both():
    client, _ = new_partner_client("a")
    partner = client.partner
    before_review = steps_before("review")
    overrides: dict[str, str] = {}
    seed_steps(partner, make_answers(), before_review)

    for round_number, (first, second) in enumerate(PAIRS):
        tabs = [client, same_browser(client)]
        pages = [StepPage(tab, step) for tab, step in zip(tabs, (first, second), strict=True)]
        for step in (first, second):
            question, text = CHANGES[step]
            overrides[question] = text.format(n=round_number)
        answers = make_answers(**overrides)
        answers.pop("certify_accurate")  # asked on the review step, not saved yet

        responses = together(*(partial(page.post, answers) for page in pages))

        assert [r.status_code for r in responses] == [302, 302]
        stored = AnswerSet.objects.get(partner=partner)
        assert stored.answers == answers, round_number
        assert stored.completed_steps == before_review
        for step in (first, second):
            question, text = CHANGES[step]
            saved = stored.wizard_state["step_data"][step][f"{step}-{question}"]
            assert saved == [text.format(n=round_number)]
    partner.refresh_from_db()
    assert partner.steps_completed == len(before_review)
    assert partner.status == Partner.Status.IN_PROGRESS


def test_both_partners_submitting_at_once_leave_one_current_screening_of_both():
    """Each submission screens the couple; run at once, the two screenings used to both stay
    "current" (the queue counted each flag twice), and the one left current could miss the
    other partner's answers."""
    for round_number in range(ROUNDS):
        client_a, case = new_partner_client("a")
        client_b = client_for(case.links["b"], case.couple.partner("b"))
        posts = []
        for client in (client_a, client_b):
            answers = make_answers(preferred_name=f"{client.partner.label} {round_number}")
            seed_steps(client.partner, answers, steps_before("review"))
            page = client.get(step_url(client, "review"))
            data = fill(parse_form(html_of(page)), answers, CURRENT.step("review").questions)
            posts.append(partial(client.post, step_url(client, "review"), data))

        responses = together(*posts)

        assert [r.status_code for r in responses] == [302, 302]
        assert Submission.objects.filter(partner__couple=case.couple).count() == 2
        current = Screening.objects.filter(couple=case.couple, is_current=True)
        assert [s.partners for s in current] == ["ab"], round_number
        # the queue counts the flags of that one screening, each once
        queued = review_queue(Couple.objects.filter(pk=case.couple.pk)).get()
        flags = current.get().flags.all()
        assert (queued.n_review, queued.n_info) == (
            sum(f.severity == "review" for f in flags),
            sum(f.severity == "info" for f in flags),
        )
