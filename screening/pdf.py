"""The prescriber's PDF summary: render `screening/summary_pdf.html` with WeasyPrint.

Answers end up in the HTML, so the renderer may fetch nothing but the app's own static files:
a URL or a `file://` path typed into an answer is printed as text (autoescaped) and, should
one ever reach a tag, is refused by the fetcher below.

Speed (bench/pdf.py): the fonts are decoded from WOFF2 once per process, not once per render;
each thread keeps one Fontconfig configuration instead of loading the system's fonts again for
every document; and Python's cyclic garbage collector waits until the render is done (a render
allocates millions of short-lived objects, and the full collections they trigger mid-render
walk every object in the process again and again); WeasyPrint's HTML user-agent stylesheet is
replaced by a slim one with only the rules this template needs (summary_pdf_ua.css); and the
render starts at the bottom of a large interpreter stack chunk (`_on_a_large_stack_chunk`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import mimetypes
import os
import threading
from pathlib import Path
from urllib.request import OpenerDirector

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone
from fontTools.ttLib import woff2
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from intake.models import Couple

from . import prescriber
from . import summary as case_summary
from .engine import RULESET_VERSION

BASE_URL = "https://tandem.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


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


@functools.lru_cache(maxsize=16)
def _static_body(path: str, mtime_ns: int) -> tuple[bytes, str]:
    with open(path, "rb") as handle:
        body = handle.read()
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if body[:4] == b"wOF2":  # what WeasyPrint would decode on every render
        out = io.BytesIO()
        woff2.decompress(io.BytesIO(body), out)
        body, mime = out.getvalue(), "font/ttf"
    return body, mime


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files; refuses every other URL (network, file://, data)."""

    def __init__(self):
        # No urllib handlers at all (URLFetcher would add http, ftp, file and data ones).
        OpenerDirector.__init__(self)
        self._timeout = 0
        self._http_headers = {}
        self._allowed_protocols = ()
        self._fail_on_errors = False
        self._request = None

    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            raise ValueError(f"not fetched: {url[:80]}")
        body, mime = _static_body(path, os.stat(path).st_mtime_ns)
        return URLFetcherResponse(url, body, {"Content-Type": mime})


_thread = threading.local()


def font_config() -> FontConfiguration:
    """One Fontconfig configuration per thread, kept between renders (Pango is not
    thread-safe, so threads never share one)."""
    config = getattr(_thread, "font_config", None)
    if config is None:
        config = _thread.font_config = FontConfiguration()
    return config


_gc_lock = threading.Lock()
_gc_state = {"paused": 0, "was_enabled": True}


@contextlib.contextmanager
def _collector_paused():
    """Cyclic GC off while any thread renders; when the last render ends, GC goes back on and
    one young-generation collection frees the renders' garbage at once."""
    with _gc_lock:
        if _gc_state["paused"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["paused"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["paused"] -= 1
            resume = _gc_state["paused"] == 0 and _gc_state["was_enabled"]
            if resume:
                gc.enable()
        if resume:
            gc.collect(1)


# WeasyPrint 70 asks the document for its user-agent stylesheets and counter styles through these
# two methods; the summary replaces them with summary_pdf_ua.css, parsed once per process.
_UA_COUNTER_STYLE = CounterStyle()
_UA_STYLESHEET = CSS(
    string=(Path(__file__).parent / "summary_pdf_ua.css").read_text(encoding="utf-8"),
    counter_style=_UA_COUNTER_STYLE,
)


class SummaryHTML(HTML):
    """An HTML document with the summary's slim user-agent stylesheet."""

    def _ua_stylesheets(self, forms=False):
        return [_UA_STYLESHEET]

    def _ua_counter_style(self):
        return [_UA_COUNTER_STYLE.copy()]


if not all(
    callable(getattr(HTML, name, None)) for name in ("_ua_stylesheets", "_ua_counter_style")
):
    raise ImportError("this WeasyPrint has no _ua_stylesheets/_ua_counter_style: see pdf.py")


def _on_a_large_stack_chunk(function, *args, **kwargs):
    return function(*args, **kwargs)


# CPython 3.12 keeps Python frames in 16 KiB stack chunks: it maps a new chunk (mmap) when a call
# does not fit in the current one and unmaps it as soon as that call returns (python/cpython#142183;
# a fix that keeps a spare chunk was merged in 2026-03, with a 3.13 backport). WeasyPrint's layout
# recursion goes up and down across such a boundary about 10,000 times per render: an mmap, a
# munmap and page faults each time, 7-8 % of a render (bench/README.md, PDF). A frame this large
# gets a chunk of its own of 2 MiB (the smallest power of two with room for it plus 8 KiB), and
# the render's frames fit in the ~1 MiB left after it, so they never cross a chunk boundary. The
# big frame's own stack area is never written, so it costs address space, not memory.
_on_a_large_stack_chunk.__code__ = _on_a_large_stack_chunk.__code__.replace(co_stacksize=132_000)


def render_html(couple: Couple, *, draft: bool) -> str:
    data = case_summary.build(couple)
    return render_to_string(
        "screening/summary_pdf.html",
        {
            "s": data,
            "facts": prescriber.facts(data),
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
    with _collector_paused():
        return _on_a_large_stack_chunk(_write_pdf, html)


def _write_pdf(html: str) -> bytes:
    document = SummaryHTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(
        pdf_variant="pdf/ua-1", custom_metadata=True, font_config=font_config()
    )


def render_pdf(couple: Couple, *, draft: bool) -> bytes:
    return html_to_pdf(render_html(couple, draft=draft))
