"""The prescriber's PDF summary: render `screening/summary_pdf.html` with WeasyPrint.

Answers end up in the HTML, so the renderer may fetch nothing but the app's own static files:
a URL or a `file://` path typed into an answer is printed as text (autoescaped) and, should
one ever reach a tag, is refused by the fetcher below.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from intake.models import Couple

from . import summary as case_summary
from .engine import RULESET_VERSION

BASE_URL = "https://tandem.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files; refuses every other URL (network, file://, data)."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX) or ".." in url:
            raise ValueError(f"not fetched: {url[:80]}")
        path = finders.find(url.removeprefix(STATIC_PREFIX).split("?")[0])
        if not path:
            raise ValueError(f"no such static file: {url[:80]}")
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


def render_pdf(couple: Couple, *, draft: bool) -> bytes:
    html = render_html(couple, draft=draft)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
