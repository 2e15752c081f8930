"""Read the form a page rendered and post back exactly its fields, filled with answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Control:
    name: str
    kind: str  # text, radio, checkbox, hidden, textarea, submit, number, date, month, email, tel
    value: str = ""
    checked: bool = False
    none_of: tuple[str, ...] = ()  # a checklist's "None of these": the names of its boxes


@dataclass
class ParsedForm:
    controls: list[Control] = field(default_factory=list)
    prefix: str = ""

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.kind != "submit"}

    def options(self, name: str) -> list[str]:
        return [c.value for c in self.controls if c.name == name]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.form: ParsedForm | None = None
        self.in_form = False
        self.textarea: Control | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "data-step-form" in a:
            self.in_form = True
            self.form = ParsedForm(prefix=a.get("data-prefix", ""))
        if not self.in_form or self.form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            value = a.get("value")
            if value is None and kind in ("checkbox", "radio"):
                value = "on"  # what a browser sends for a box without a value
            none_of = tuple((a.get("data-none-of") or "").split())
            self.form.controls.append(
                Control(a["name"], kind, value or "", "checked" in a, none_of=none_of)
            )
        elif tag == "button" and a.get("name"):
            self.form.controls.append(Control(a["name"], "submit", a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select:
            # Each option is a control of the select's name; the one chosen (or the first,
            # as a browser does) counts as checked.
            first = not any(c.name == self.select for c in self.form.controls)
            self.form.controls.append(
                Control(self.select, "select", a.get("value") or "", "selected" in a or first)
            )
            if "selected" in a:
                for c in self.form.controls[:-1]:
                    if c.name == self.select:
                        c.checked = False
        elif tag == "textarea" and a.get("name"):
            self.textarea = Control(a["name"], "textarea")
            self.form.controls.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            # A browser drops one newline right after <textarea> (the HTML spec).
            value = self.textarea.value
            self.textarea.value = value[1:] if value.startswith("\n") else value
            self.textarea = None
        if tag == "select":
            self.select = None
        if tag == "form":
            self.in_form = False


def parse_form(html: str) -> ParsedForm:
    parser = _Parser()
    parser.feed(html)
    assert parser.form is not None, "the page has no questionnaire form"
    return parser.form


def encode(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def current_values(form: ParsedForm) -> dict[str, list[str]]:
    """What the browser would post if the person changed nothing (no submit buttons)."""
    data: dict[str, list[str]] = {}
    for c in form.controls:
        if c.kind == "submit":
            continue
        if c.kind in ("radio", "checkbox", "select") and not c.checked:
            continue
        data.setdefault(c.name, []).append(c.value)
    return data


def fill(form: ParsedForm, answers: dict[str, Any], questions) -> dict[str, list[str]]:
    """Post data for this page: the page's own controls, set to `answers` for `questions`."""
    data = current_values(form)
    prefix = form.prefix
    names = form.names()
    for question in questions:
        name = f"{prefix}-{question.id}"
        qtype = str(question.type)
        if qtype == "meds":
            for key in [k for k in data if k.startswith(name + "__")]:
                del data[key]
            for index, row in enumerate(answers.get(question.id) or []):
                for part in ("name", "dose", "frequency"):
                    control = f"{name}__{index}__{part}"
                    assert control in names, f"the page has no {control}"
                    data[control] = [row.get(part, "")]
            continue
        data.pop(name, None)
        if getattr(question, "unit_of", None):
            continue  # posted with its number (below)
        if f"{name}_0" in names:
            # Several boxes for one answer (day/month/year, a number and its unit): posted
            # the way the page's boxes hold a stored answer.
            for key in [k for k in data if re.fullmatch(rf"{re.escape(name)}_\d+", k)]:
                del data[key]
            if question.id in answers:
                posted = grouped_post(question, answers, prefix)
                for key in posted:
                    assert key in names, f"the page has no {key}"
                    data[key] = posted.getlist(key)
            continue
        if question.id not in answers:
            continue
        assert name in names, f"the page has no field for {question.id}"
        value = answers[question.id]
        kinds = {c.kind for c in form.controls if c.name == name}
        if "checkbox" in kinds and form.options(name) == ["on"]:
            if value:
                data[name] = ["on"]
        elif isinstance(value, list):
            options = form.options(name)
            for code in value:
                assert code in options, f"{code} is not offered for {question.id}"
            data[name] = list(value)
        else:
            encoded = encode(value)
            if "radio" in kinds:
                assert encoded in form.options(name), f"{encoded} is not offered for {question.id}"
            data[name] = [encoded]
    # A checklist whose questions are all "no" is answered with its "None of these".
    ids = {f"{prefix}-{question.id}": question.id for question in questions}
    for control in form.controls:
        if control.none_of and all(name in ids for name in control.none_of):
            if all(answers.get(ids[name]) is False for name in control.none_of):
                data[control.name] = [control.value]
            else:
                data.pop(control.name, None)
    return data


def grouped_post(question, answers: dict[str, Any], prefix: str):
    from intake.forms import step_form_class
    from intake.questionnaire import CURRENT

    form_class = step_form_class(CURRENT.step_of(question.id), CURRENT.version)
    from intake.questionnaire.display import unit_key

    given = {question.id: answers[question.id]}
    if unit_key(question) in answers:
        given[unit_key(question)] = answers[unit_key(question)]
    return form_class.data_from_answers(
        given,
        prefix,
    )
