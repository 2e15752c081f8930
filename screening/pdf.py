"""The prescriber's PDF summary: render `screening/summary_pdf.html` with WeasyPrint.

Answers end up in the HTML, so the renderer may fetch nothing but the app's own static files:
a URL or a `file://` path typed into an answer is printed as text (autoescaped) and, should
one ever reach a tag, is refused by the fetcher below.

Only WeasyPrint's public API is used, with its defaults apart from `WRITE_OPTIONS`. The render
runs in the worker, where nobody waits on it. No optimisation is kept: the last one, one
`FontConfiguration` per thread reused between renders, saved between -3 % and 9 % of a
render's CPU time and at most 1 % of its memory in bench/pdf.py, under the 15 % an optimisation
must be worth (bench/README.md, PDF, "Each optimisation with and without").
"""

from __future__ import annotations

import mimetypes
import os

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from intake.models import Couple

from . import prescriber
from . import summary as case_summary
from .engine import RULESET_VERSION

BASE_URL = "https://tandem.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
# `write_pdf`'s options (what the PDF must be, not optimisations): PDF/UA-1 tags, and the
# template's title, author and description as the PDF's metadata. bench/pdf.py uses them too.
WRITE_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}


def static_path(url: str) -> str | None:
    """The file behind one of the app's static URLs, or None for any other URL."""
    if not url.startswith(STATIC_PREFIX):
        return None
    name = url.removeprefix(STATIC_PREFIX).split("?")[0].split("#")[0]
    if not name or ".." in name or "%" in name or "\\" in name or name.startswith("/"):
        return None
    try:
        path = finders.find(name) or staticfiles_storage.path(name)  # or collected, in production
    except (SuspiciousFileOperation, NotImplementedError, ValueError, OSError):
        return None
    return path if isinstance(path, str) and os.path.isfile(path) else None


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files; refuses every other URL (network, file://, data).

    WeasyPrint's documented way to control fetching: a `URLFetcher` whose `fetch` answers
    every request. No protocol is allowed, and `fetch` never hands a URL to urllib."""

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False)

    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            raise ValueError(f"not fetched: {url[:80]}")
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime})


def render_html(couple: Couple, *, draft: bool) -> str:
    data = case_summary.build(couple)
    return render_to_string(
        "screening/summary_pdf.html",
        {
            "s": data,
            "facts": prescriber.facts(data),
            "consents": [prescriber.consent_in_words(p) for p in data.partners],
            "review_lines": [
                (f, prescriber.reported(f)) for f in data.flags if f.needs_disposition
            ],
            "scores": prescriber.scores_by_partner(data),
            "context_flags": [
                (f, prescriber.reported(f, 110)) for f in data.flags if not f.needs_disposition
            ],
            "parameters": prescriber.parameters_in_words(
                data.screening.parameters if data.screening else {}
            ),
            "couple": data.couple,
            "draft": draft,
            "generated_at": timezone.localtime(),
            "ruleset_version": data.screening.ruleset_version
            if data.screening
            else RULESET_VERSION,
            "paper": settings.SUMMARY_PAPER,
            "static": STATIC_PREFIX,
        },
    )


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(**WRITE_OPTIONS)


def render_pdf(couple: Couple, *, draft: bool) -> bytes:
    return html_to_pdf(render_html(couple, draft=draft))
