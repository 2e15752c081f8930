"""Nothing already stored makes a case page or a PDF fail: a stored value that cannot be
printed is shown escaped, one its question does not take is shown as not readable.

The values are written straight into the database, as a bug or a hand edit could leave them.
What each database can hold differs: PostgreSQL's jsonb refuses NUL and lone surrogates; for
those the test checks that the database refuses them and the case page still works."""

import pytest
from django.db import DataError, connection, transaction

from intake.models import Submission
from screening.models import Flag, Screening
from screening.pdf import render_pdf
from tests.intake.helpers import visible_text
from tests.screening import personas as p
from tests.screening.pdf_support import flat, pages_text

pytestmark = pytest.mark.django_db

STORED = [
    # (id, answers changed, what the page shows for it)
    ("lone-surrogate", {"goals_self": "Feel \ud800 better"}, "Feel \\ud800 better"),
    ("control-characters", {"goals_self": "Feel \x1b[31m\x07 better"}, "Feel \\u001b[31m\\u0007"),
    ("nul", {"goals_self": "Feel\x00 better"}, "Feel\\u0000 better"),
    ("surrogate-in-a-name", {"preferred_name": "Sam\udfff"}, "Sam\\udfff"),
    ("text-where-a-number-goes", {"phq9_1": "two"}, 'stored value not readable: "two"'),
    ("medicines-not-a-list", {"medications": {"name": 3}}, "stored value not readable"),
    ("number-where-codes-go", {"goal_areas": 5}, "stored value not readable: 5"),
    ("number-where-a-date-goes", {"date_of_birth": 19860715}, "19860715"),
    ("nested-junk", {"heart_attack": [[{"x": ["\x1b"]}]]}, "stored value not readable"),
]


def _store(couple, answers: dict) -> bool:
    """Write these answers into partner A's submission; False if the database refuses them."""
    submission = Submission.objects.filter(partner__couple=couple, partner__label="a").latest(
        "number"
    )
    stored = {**submission.answers, **answers}
    try:
        with transaction.atomic():
            Submission.objects.filter(pk=submission.pk).update(answers=stored)
    except DataError:
        return False
    return True


@pytest.mark.parametrize(
    ("answers", "shown"), [case[1:] for case in STORED], ids=[case[0] for case in STORED]
)
def test_a_stored_value_that_cannot_be_printed_does_not_break_the_case_page_or_the_pdf(
    answers, shown
):
    people = p.personas()
    stored = _store(people.couple, answers)
    if not stored:
        assert connection.vendor == "postgresql", "only PostgreSQL refuses what it cannot hold"
    page = people.clinician.get(f"/clinic/cases/{people.reference}/")
    assert page.status_code == 200
    if not stored:  # refused by the database: the case is as it was, and its page works
        assert shown not in visible_text(page)
        return
    assert shown in visible_text(page)
    content = render_pdf(people.couple, draft=True)
    assert content.startswith(b"%PDF")
    text = flat(" ".join(pages_text(content)))
    assert "Partner A" in text


def test_stored_evidence_and_messages_that_cannot_be_printed_are_shown_escaped():
    people = p.personas()
    screening = Screening.objects.get(couple=people.couple, is_current=True)
    flag = screening.flags.filter(partner="a").first()
    evidence = [["goals_self", "bad \x1b byte"], "junk", ["no_such_question", {"x": 1}]]
    message = "Check \x1b this"  # a text column: no driver stores a lone surrogate there
    if connection.vendor != "postgresql":
        evidence.append(["goals_self", "half \ud800"])
    Flag.objects.filter(pk=flag.pk).update(evidence=evidence, message=message)
    page = people.clinician.get(f"/clinic/cases/{people.reference}/")
    assert page.status_code == 200
    text = visible_text(page)
    assert "Check \\u001b this" in text
    assert "bad \\u001b byte" in text
    assert 'stored value not readable: "junk"' in text
    if connection.vendor != "postgresql":
        assert "half \\ud800" in text
    assert render_pdf(people.couple, draft=True).startswith(b"%PDF")
