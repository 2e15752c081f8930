"""Reading the prescriber PDF in tests: its pages' text. (Times as it prints them are in
tests/dates.py; the cases it is made of come from tests/factories.py: realistic_document,
signed_off_case.)"""

from __future__ import annotations

import io
import re

import pypdf

NOT_A_DIAGNOSIS = "Flags ask for review; they are not a diagnosis. The prescriber decides."


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
