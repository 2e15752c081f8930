"""Random posts to every step: the partner always gets the step again with what to check
listed, or a redirect to one of their own pages that opens, never a server error or a bad
request, and what is saved is always a valid answers document.

The posts are built from the fields the page rendered: any subset of them (so the management
form, the CSRF token or the buttons may be missing), each with a value offered on the page or
random text (unicode, NUL characters, numbers of every shape), sometimes several values,
sometimes one very large one, plus keys the page never had.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.demo import make_answers
from intake.models import AnswerSet, Partner, Submission
from intake.questionnaire import CURRENT
from intake.questionnaire.document import parse_partner
from tests.factories import new_partner_client
from tests.intake.helpers import (
    STEP_IDS,
    html_of,
    seed_steps,
    step_url,
    steps_before,
    summary_errors,
    visible_text,
)
from tests.pageform import parse_form

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "yes",
    "no",
    "on",
    "true",
    "0",
    "-1",
    "3",
    "11",
    "1e309",
    "NaN",
    "-Infinity",
    "9" * 40,
    "0.000001",
    "2026-02-30",
    "1899-12-31",
    "9999-12",
    "2024-05",
    "0000-00-00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "名前 🙂 \u202e\u200b",
    "\r\n\t",
]
text_values = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
EXTRA_KEYS = [
    "wizard_goto_step",
    "wizard_more_rows",
    "js",
    "medications-medications__39__name",
    "medications-medications__999999999999__dose",
    "about-not_a_question",
    "review-certify_accurate",
]


def _values_for(name: str, options: list[str]):
    offered = [o for o in options if o]
    single = st.sampled_from(offered) | text_values if offered else text_values
    if name == "wizard_goto_step":
        single = st.sampled_from([*STEP_IDS, "done", "nope"]) | text_values
    return st.lists(single, min_size=1, max_size=3)


@st.composite
def random_post(draw, form):
    names = sorted(form.names())
    chosen = draw(st.sets(st.sampled_from(names), max_size=len(names)))
    chosen |= draw(st.sets(st.sampled_from(EXTRA_KEYS), max_size=3))
    chosen |= draw(st.sets(st.text(min_size=1, max_size=20), max_size=3))
    data = {name: draw(_values_for(name, form.options(name))) for name in sorted(chosen)}
    huge = draw(st.none() | st.sampled_from(sorted(data)) if data else st.none())
    if huge is not None:
        filler = draw(st.sampled_from(["x", "é", "\x00", "🙂", "9"]))
        data[huge] = [filler * 100_000]
    return data


# the headings of the pages a post may lead to: a step, or "Thank you" once submitted
PAGES_AFTER_A_POST = {step.title for step in CURRENT.steps} | {"Thank you"}


def heading(response) -> str:
    return visible_text(re.search(r"<h1\b[^>]*>(.*?)</h1>", html_of(response), re.S).group(1))


def _partner_at(step_id):
    """A partner whose steps before `step_id` are done, with a browser holding their session."""
    browser, _ = new_partner_client()
    partner = browser.partner
    seed_steps(partner, make_answers(), steps_before(step_id))
    snapshot = AnswerSet.objects.filter(partner=partner).values(
        "wizard_state", "answers", "completed_steps"
    )[0]
    return browser, partner, snapshot


def _reset(partner, snapshot):
    AnswerSet.objects.filter(partner=partner).update(**snapshot)
    Submission.objects.filter(partner=partner).delete()
    Partner.objects.filter(pk=partner.pk).update(
        status=Partner.Status.IN_PROGRESS, submitted_at=None
    )


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_random_posts_to_a_step_never_fail(step_id):
    browser, partner, snapshot = _partner_at(step_id)
    page = browser.get(step_url(partner, step_id))
    assert page.status_code == 200
    form = parse_form(html_of(page))
    own_pages = f"/intake/{partner.public_id}/"

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data):
        _reset(partner, snapshot)
        post = data.draw(random_post(form), label="post")
        response = browser.post(step_url(partner, step_id), post)
        if response.status_code == 302:
            # moved on or back, or the step again for more rows or the crisis panel: one of
            # the partner's own pages, which opens
            location = response["Location"]
            assert location.startswith(own_pages), location
            landed = browser.get(location)
            assert landed.status_code == 200, (location, landed.status_code)
            assert heading(landed) in PAGES_AFTER_A_POST, (location, heading(landed))
        else:
            # the same step again, each answer to check listed at the top and next to it
            assert response.status_code == 200, response.status_code
            assert heading(response) == CURRENT.step(step_id).title
            entries = summary_errors(response)
            assert entries and all(text for _, text in entries), entries
            assert "<form" in html_of(response)
        saved = AnswerSet.objects.get(partner=partner).answers
        parse_partner(CURRENT, "a", saved)  # the draft is always a valid answers document
        for submission in Submission.objects.filter(partner=partner):
            parse_partner(CURRENT, "a", submission.answers)

    check()
