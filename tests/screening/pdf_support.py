"""Shared set-up for the prescriber PDF tests: a realistic case, sign-off, reading PDFs."""

from __future__ import annotations

import io
import re

import pypdf
from django.test import TestCase

from intake import services
from intake.demo import demo_document, make_answers
from screening import review
from tests.factories import OUTCOMES, dispose_all

NOT_A_DIAGNOSIS = "Flags ask for review; they are not a diagnosis. The prescriber decides."


def realistic_document(a: dict | None = None, b: dict | None = None) -> dict:
    """The demo couple, with partner A 68 years old and a PHQ-9 of 10 (so info flags AG-2 and
    MH-1 join the demo's urgent, high, review and info ones) and partner B's emergency
    contact left unanswered. `a` and `b` override more answers."""
    document = demo_document()
    partners = document["partners"]
    partners["a"] = make_answers(
        **partners["a"] | {"date_of_birth": "1958-03-10", "phq9_5": 1, "phq9_6": 1} | (a or {})
    )
    partners["b"] = make_answers(**partners["b"] | {"emergency_contact": ""} | (b or {}))
    return document


def signed_off_case(user, note="Ready for the prescriber. Discussed SI-2 with partner A."):
    """A realistic case, screened, every disposition recorded and signed off; the work done
    when each step commits (screening, then the summary task) runs at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        couple = services.import_document(realistic_document(), created_by=user).couple
    dispose_all(couple, user, outcomes=OUTCOMES)
    with TestCase.captureOnCommitCallbacks(execute=True):
        review.sign_off(couple, user, note)
    return couple


def pages_text(content: bytes, first: int | None = None) -> list[str]:
    """The text of every page (or of the `first` pages: pypdf takes ~0.1 s a page)."""
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    return [page.extract_text() or "" for page in list(pages)[:first]]


def flat(text: str) -> str:
    """Whitespace (line and cell breaks) collapsed to single spaces."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any whitespace: for strings a table cell may wrap anywhere."""
    return re.sub(r"\s+", "", text)


def reader(content: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(content))
