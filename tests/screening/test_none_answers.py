""" "None", "chose to skip this section" and "not answered" are three different things, and
the case page and the PDF never say one for another: partner A says they have no allergies
and take no medicines and skips the stressful-experiences section; partner B leaves the
allergies box and the medicines empty without saying anything."""

from __future__ import annotations

import re

import pytest

from intake import services
from screening.pdf import render_pdf
from tests.factories import realistic_document
from tests.intake.helpers import visible_text
from tests.screening.pdf_support import flat, pages_text

pytestmark = pytest.mark.django_db

ALLERGIES = "Please list your allergies."
MEDICINES = "Please list all the medicines you take."
PTSD_ITEM = "Have you ever experienced this kind of event?"


@pytest.fixture
def couple(django_capture_on_commit_callbacks):
    document = realistic_document(
        a={"no_allergies": True, "no_medicines": True, "ptsd_declined": True},
        b={"allergies": "", "medications": []},
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.import_document(document).couple


def _row(text: str, label: str) -> str:
    """What follows a question's label in the page's text, up to the next question."""
    at = text.index(label) + len(label)
    return text[at : at + 60].strip()


def test_the_case_page_says_none_skipped_or_not_answered(clinician, couple):
    answers = {p.label: p.submissions.get().answers for p in couple.partners.all()}
    assert answers["a"]["no_allergies"] is True and "allergies" not in answers["a"]
    assert "medications" not in answers["a"] and "ptsd_event" not in answers["a"]
    assert "allergies" not in answers["b"] and answers["b"]["no_allergies"] is False

    page = clinician.get(f"/clinic/cases/{couple.reference}/")
    text = visible_text(page)
    assert _row(text, ALLERGIES).startswith("none not answered")
    assert _row(text, MEDICINES).startswith("none not answered")
    assert re.match(r"chose to skip this section (Yes|No) ", _row(text, PTSD_ITEM))
    # The boxes themselves are not rows of their own: their answer is in those rows.
    assert "I have no allergies" not in text and "I take no medicines" not in text


def test_the_pdf_says_none_skipped_or_not_answered(couple):
    pages = [flat(page) for page in pages_text(render_pdf(couple, draft=True))]
    cover = pages[0]
    assert "Current medicines (dose, how often) none not answered" in cover
    assert "Allergies none not answered" in cover
    answers = " ".join(pages[1:])
    assert f"{ALLERGIES} none not answered" in answers
    assert f"{MEDICINES} none not answered" in answers
    assert re.search(re.escape(PTSD_ITEM) + r" chose to skip this section \w", answers)
