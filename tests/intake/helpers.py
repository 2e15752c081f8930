"""Reading pages as a person sees them (the partner's and the clinic's), and filling in steps.

Pages are read with the standard library's HTML parser: the text next to a field, the error
summary at the top, whether the crisis panel is shown; on the clinic's pages, an element's
text, a section, a table's rows, the flag cards and the messages shown. Partners fill in
steps either through their pages (post_step, StepPage; see journey.py) or, where only the
state before a step matters, by saving the earlier steps the way the wizard saves them.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from typing import Any

from django.test import Client

from intake import services
from intake.forms import step_form_class
from intake.models import AnswerSet, Partner
from intake.questionnaire import CURRENT
from tests.pageform import current_values, fill, parse_form

STEP_IDS = [step.id for step in CURRENT.steps]
VOID_TAGS = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col"}


# --- reading pages -------------------------------------------------------------------------


class _ElementText(HTMLParser):
    """The text inside every element whose id matches, and inside elements with a class."""

    def __init__(self, *, element_id: str | None = None, css_class: str | None = None):
        super().__init__()
        self.element_id = element_id
        self.css_class = css_class
        self.depth = 0  # > 0 while inside a matching element
        self.found: list[str] = []
        self.items: list[tuple[str, str]] = []  # (link target, text) of each <li> inside
        self._item: list[str] | None = None
        self._href = ""

    def _matches(self, attrs: dict[str, str | None]) -> bool:
        if self.element_id is not None and attrs.get("id") == self.element_id:
            return True
        classes = (attrs.get("class") or "").split()
        return self.css_class is not None and self.css_class in classes

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        if self.depth:
            self.depth += 1
            if tag == "li":
                self._item = []
                self._href = ""
            if tag == "a" and self._item is not None and not self._href:
                self._href = dict(attrs).get("href") or ""
        elif self._matches(dict(attrs)):
            self.depth = 1
            self.found.append("")

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or not self.depth:
            return
        if tag == "li" and self._item is not None:
            self.items.append((self._href, _squash("".join(self._item))))
            self._item = None
        self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.found[-1] += data
            if self._item is not None:
                self._item.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_of(response) -> str:
    return response.content.decode()


def field_errors(response_or_html, field_name: str) -> list[str]:
    """The messages shown next to a field (in its `…_error` element), first one first."""
    html = response_or_html if isinstance(response_or_html, str) else html_of(response_or_html)
    parser = _ElementText(element_id=f"id_{field_name}_error")
    parser.feed(html)
    if not parser.found:
        return []
    inner = re.search(
        rf'id="id_{re.escape(field_name)}_error"[^>]*>(.*?)</div>', html, flags=re.S
    ).group(1)
    paragraphs = re.findall(r"<p\b[^>]*>(.*?)</p>", inner, flags=re.S)
    texts = paragraphs or [inner]
    return [_squash(html_lib.unescape(re.sub(r"<[^>]+>", " ", t))) for t in texts]


def field_error(response_or_html, field_name: str) -> str | None:
    """All the error text shown next to a field, or None."""
    messages = field_errors(response_or_html, field_name)
    return " ".join(messages) if messages else None


def summary_errors(response_or_html) -> list[tuple[str, str]]:
    """The entries of the error summary at the top of the page: (link target, text)."""
    html = response_or_html if isinstance(response_or_html, str) else html_of(response_or_html)
    parser = _ElementText(css_class="error-summary")
    parser.feed(html)
    return parser.items


def visible_text(response_or_html) -> str:
    """The page's text with the markup removed (what a person could read)."""
    html = response_or_html if isinstance(response_or_html, str) else html_of(response_or_html)
    return _squash(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def crisis_panel_shown(response_or_html) -> bool:
    """True when the crisis contacts panel is on the page and not hidden."""
    html = response_or_html if isinstance(response_or_html, str) else html_of(response_or_html)
    match = re.search(r"<section\b[^>]*\bdata-crisis-panel\b[^>]*>", html)
    return bool(match) and not re.search(r"\shidden(\s|>|=)", match.group(0))


def crisis_panel_under(response_or_html) -> str | None:
    """The question the crisis panel comes right after on the page ("" when it comes before
    every question, None when there is no panel)."""
    html = response_or_html if isinstance(response_or_html, str) else html_of(response_or_html)
    at = html.find("data-crisis-panel")
    if at < 0:
        return None
    before = re.findall(r'data-question="([^"]+)"', html[:at])
    return before[-1] if before else ""


def assert_error_shown(response, field_name: str, message: str | None = None) -> str:
    """The field's error is shown next to it and in the summary, which links to the field."""
    assert response.status_code == 200, response.status_code
    error = field_error(response, field_name)
    assert error, f"no error next to {field_name}; summary: {summary_errors(response)}"
    if message is not None:
        assert message in error, (field_name, error)
    targets = {f"#id_{field_name}", f"#id_{field_name}_0"}
    entries = [text for href, text in summary_errors(response) if href in targets]
    assert entries, f"{field_name} is not in the error summary: {summary_errors(response)}"
    first = field_errors(response, field_name)[0]
    assert entries[0].endswith(f": {first}"), (first, entries[0])
    return error


def assert_no_error(response, field_name: str) -> None:
    assert field_error(response, field_name) is None, field_error(response, field_name)
    targets = {f"#id_{field_name}", f"#id_{field_name}_0"}
    assert not [t for href, t in summary_errors(response) if href in targets]


def form_values(response) -> dict[str, list[str]]:
    """What the page's form would post back if nothing were changed (without the CSRF token)."""
    values = current_values(parse_form(html_of(response)))
    values.pop("csrfmiddlewaretoken", None)
    return values


def element_text(response, pattern: str) -> list[str]:
    """The visible text of every element whose opening tag matches `pattern` (a regex over
    the tag's attributes), up to the matching closing tag."""
    html = response.content.decode()
    found = []
    for match in re.finditer(rf"<(\w+)\b[^>]*{pattern}[^>]*>", html):
        tag = match.group(1)
        depth, position = 1, match.end()
        for inner in re.finditer(rf"<(/?){tag}\b[^>]*>", html[position:]):
            depth += -1 if inner.group(1) else 1
            if depth == 0:
                found.append(visible_text(html[position : position + inner.start()]))
                break
    return found


def table_rows(html_fragment: str) -> list[list[str]]:
    """The cells' text of each row of the tables in this HTML."""
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", html_fragment, flags=re.S):
        cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([visible_text(cell) for cell in cells])
    return rows


def section_html(response, heading_id: str) -> str:
    """The HTML of the <section> labelled by this heading id."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def flag_articles(response) -> dict[tuple[str, str], str]:
    """(rule, partner) -> the visible text of that flag's card on the case page."""
    html = response.content.decode()
    cards = {}
    for match in re.finditer(r'<article class="flag[^"]*"[^>]*data-flag="([^"]+)"', html):
        end = html.index("</article>", match.end())
        text = visible_text(html[match.start() : end])
        partner = re.search(r"· (couple|partner [AB]) ·", text).group(1)
        cards[(match.group(1), partner)] = text
    return cards


def messages_shown(response) -> list[str]:
    return element_text(response, r'class="alert alert-\w+" role="status"')


# --- partners -------------------------------------------------------------------------------


def step_url(partner: Partner | Client, step_id: str) -> str:
    partner = partner.partner if isinstance(partner, Client) else partner
    return f"/intake/{partner.public_id}/{step_id}/"


def seed_steps(partner: Partner, answers: dict[str, Any], steps: list[str]) -> None:
    """Save these steps from `answers` as the wizard would after a valid "Next" on each."""
    answer_set = AnswerSet.objects.get(partner=partner)
    for step_id in steps:
        step = CURRENT.step(step_id)
        form_class = step_form_class(step, CURRENT.version)
        data = form_class.data_from_answers(answers, step_id)
        form = form_class(data=data, prefix=step_id)
        assert form.is_valid(), (step_id, form.errors)
        state = answer_set.wizard_state or {}
        state.setdefault("step", step_id)
        state.setdefault("step_files", {})
        state.setdefault("extra_data", {})
        state.setdefault("step_data", {})[step_id] = {k: data.getlist(k) for k in data}
        answer_set.wizard_state = state
        services.save_step(answer_set, step_id, form.answers(), complete=True)


def steps_before(step_id: str) -> list[str]:
    return STEP_IDS[: STEP_IDS.index(step_id)]


def post_step(client: Client, step_id: str, answers: dict[str, Any], extra=None, **kwargs):
    """GET the step, fill its rendered form with `answers`, and post it back."""
    page = client.get(step_url(client, step_id))
    assert page.status_code == 200, (step_id, page.status_code)
    data = fill(parse_form(html_of(page)), answers, CURRENT.step(step_id).questions)
    if extra:
        data.update(extra)
    return client.post(step_url(client, step_id), data, **kwargs)


class StepPage:
    """A step's page as rendered once, to post several versions of it (as after corrections)."""

    def __init__(self, client: Client, step_id: str):
        self.client = client
        self.step_id = step_id
        page = client.get(step_url(client, step_id))
        assert page.status_code == 200, (step_id, page.status_code)
        self.form = parse_form(html_of(page))

    def post(self, answers: dict[str, Any], extra=None, **kwargs):
        data = fill(self.form, answers, CURRENT.step(self.step_id).questions)
        if extra:
            data.update(extra)
        return self.client.post(step_url(self.client, self.step_id), data, **kwargs)

    def type_in(self, answers: dict[str, Any], question_id: str, *boxes: str, **kwargs):
        """Post the step with these strings typed in the question's boxes, as a person
        types them: one box, or each of several (day, month, year; a number and its unit,
        then feet and inches)."""
        rest = {
            k: v for k, v in answers.items() if k != question_id and k != _unit_key(question_id)
        }
        name = f"{self.step_id}-{question_id}"
        if len(boxes) == 1 and name in self.form.names():
            extra = {name: boxes[0]}
        else:
            extra = {f"{name}_{index}": box for index, box in enumerate(boxes)}
            assert set(extra) <= self.form.names(), (sorted(extra), question_id)
        return self.post(rest, extra=extra, **kwargs)


def _unit_key(question_id: str) -> str:
    return f"{question_id.rsplit('_', 1)[0]}_unit"


def stored_answers(partner: Partner) -> dict[str, Any]:
    return AnswerSet.objects.get(partner=partner).answers


def completed_steps(partner: Partner) -> list[str]:
    return AnswerSet.objects.get(partner=partner).completed_steps
