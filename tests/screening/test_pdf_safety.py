"""The renderer fetches nothing but the app's own static files (docs/design.md, The PDF).

A URL or a file:// path typed into an answer is printed as text: a real HTTP server listening
on 127.0.0.1 gets no request and no file outside the static folders is opened.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetchingError, fetch

from intake import services
from screening import pdf
from screening.pdf import STATIC_PREFIX, StaticOnlyFetcher, render_html, render_pdf
from tests.factories import committed, realistic_document

from .pdf_support import flat, pages_text, squeezed

NAME_IN_FOUR_SCRIPTS = "Łucja Dvořák · Nguyễn Thị Ánh · Αλέξης · Дмитрий"

# Every file opened by Python code while `_opened` is not None (audit hooks cannot be removed,
# so the hook stays installed and records only when asked to).
_opened: list[str] | None = None


def _audit(event, args):
    if event == "open" and _opened is not None and args and isinstance(args[0], str | bytes):
        path = args[0].decode(errors="replace") if isinstance(args[0], bytes) else args[0]
        _opened.append(path)


sys.addaudithook(_audit)


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listening_server():
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1], _Recorder.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_urls_and_file_paths_in_answers_are_printed_not_fetched(db, listening_server):
    """Typed URLs and paths are printed, not fetched; names in other scripts print as typed."""
    port, requests = listening_server
    typed = {
        "goals_self": f'<img src="http://127.0.0.1:{port}/x">',
        "allergies": "file:///etc/passwd",
        "goals_relationship": f"background: url(http://127.0.0.1:{port}/css)",
        "emergency_contact": f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">',
    }
    typed_b = {
        "allergies": '<iframe src="file:///etc/passwd"></iframe>',
        "preferred_name": NAME_IN_FOUR_SCRIPTS,
    }
    with committed():
        couple = services.import_document(realistic_document(a=typed, b=typed_b)).couple
    assert couple.partners.get(label="a").submissions.get().answers["allergies"] == (
        "file:///etc/passwd"
    )

    html = render_html(couple, draft=True)
    assert f"&lt;img src=&quot;http://127.0.0.1:{port}/x&quot;&gt;" in html
    assert "<img" not in html and "<iframe" not in html and "<link" not in html

    global _opened
    _opened = []
    try:
        content = render_pdf(couple, draft=True)
    finally:
        opened, _opened = _opened, None

    assert requests == []
    assert not [path for path in opened if "passwd" in path]
    text = " ".join(pages_text(content))
    assert "root:x:0:0" not in text
    for value in (*typed.values(), *typed_b.values()):
        assert squeezed(value) in squeezed(text), value
    assert "Please list your allergies. file:///etc/passwd" in flat(text)
    # Letters beyond Noto Sans Latin come from a fallback font, not from wrong glyphs.
    assert f"What name would you like us to call you? Sam {NAME_IN_FOUR_SCRIPTS}" in flat(text)
    assert "What is your date of birth? 10 March 1958 30 September 1985" in flat(text)


def test_the_fetcher_serves_a_static_file():
    url = STATIC_PREFIX + "css/app.css"
    response = StaticOnlyFetcher()(url)
    with open(finders.find("css/app.css"), "rb") as handle:
        assert response.read() == handle.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file:///" + "etc/hosts",
        "data:text/plain,hello",
        "data:image/svg+xml;base64,PHN2Zy8+",
        STATIC_PREFIX + "../../../../etc/passwd",
        STATIC_PREFIX + "css/../../../../../etc/passwd",
        STATIC_PREFIX + "%2e%2e/%2e%2e/etc/passwd",
        STATIC_PREFIX + "..%2f..%2fetc/passwd",
        STATIC_PREFIX + "/etc/passwd",
        STATIC_PREFIX + "css\\..\\..\\settings.py",
        STATIC_PREFIX + "no/such/file.css",
        STATIC_PREFIX,
        "https://tandem.invalid/etc/passwd",
        "https://tandem.invalid.example.com/static/css/app.css",
        "/static/css/app.css",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(ValueError, match="not fetched"):
        fetcher(url)
    with pytest.raises(ValueError, match="not fetched"):
        fetcher.open(url)  # urllib's entry point goes through the same check
    with pytest.raises(URLFetchingError), fetch(fetcher, url):
        pass  # how WeasyPrint calls it: an error it logs, never a fetch


def test_even_markup_that_reached_the_html_fetches_nothing(listening_server):
    """Defence in depth: were an answer ever printed unescaped, the fetcher still refuses."""
    port, requests = listening_server
    html = (
        "<!doctype html><html lang=en><head><title>t</title>"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        f"<style>p {{ background: url(http://127.0.0.1:{port}/bg.png) }}"
        f'@import url("http://127.0.0.1:{port}/i.css");</style></head><body>'
        f'<p>x</p><img src="http://127.0.0.1:{port}/x" alt="x">'
        '<img src="file:///etc/passwd" alt="y"><object data="file:///etc/passwd"></object>'
        f'<iframe src="http://127.0.0.1:{port}/f"></iframe></body></html>'
    )
    global _opened
    _opened = []
    try:
        content = pdf.html_to_pdf(html)
    finally:
        opened, _opened = _opened, None
    assert content.startswith(b"%PDF")
    assert requests == []
    assert not [path for path in opened if "passwd" in path]


def test_the_listening_server_would_see_an_ordinary_fetch(listening_server):
    """The check above can fail: WeasyPrint's own fetcher does reach the server."""
    from weasyprint import HTML

    port, requests = listening_server
    HTML(string=f'<img src="http://127.0.0.1:{port}/x" alt="x">').write_pdf()
    assert requests == ["/x"]
