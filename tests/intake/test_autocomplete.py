"""Partners may share one browser: no field of theirs lets it offer, or fill in, what was
typed before (by them or by the other partner)."""

from html.parser import HTMLParser

import pytest

from intake.demo import make_answers
from intake.questionnaire import CURRENT
from tests.intake.helpers import html_of
from tests.intake.journey import answer_step, step_url

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.forms: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **dict(attrs)})
        elif tag == "form":
            self.forms.append(dict(attrs))

    handle_startendtag = handle_starttag


def controls_of(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


def test_every_partner_field_of_every_step_has_autocomplete_off(partner_a):
    answers = make_answers()
    checked: dict[str, int] = {}
    for step in CURRENT.steps:
        page = partner_a.get(step_url(partner_a, step.id))
        assert page.status_code == 200, step.id
        parsed = controls_of(html_of(page))
        fields = [c for c in parsed.controls if c.get("type") != "hidden"]
        assert fields, step.id
        missing = [
            (c.get("name"), c.get("autocomplete")) for c in fields if c.get("autocomplete") != "off"
        ]
        assert missing == [], (step.id, missing)
        step_forms = [f for f in parsed.forms if "data-step-form" in f]
        assert [f.get("autocomplete") for f in step_forms] == ["off"], step.id
        checked[step.id] = len(fields)
        if step.id != "review":
            answer_step(partner_a, step.id, answers)
    assert set(checked) == {step.id for step in CURRENT.steps}
    # Kinds of field seen: free text, numbers, dates, choices, a phone number, medicines.
    kinds = set()
    for step in CURRENT.steps:
        page = partner_a.get(step_url(partner_a, step.id))
        kinds |= {(c["tag"], c.get("type")) for c in controls_of(html_of(page)).controls}
    assert {("input", "text"), ("input", "radio"), ("input", "checkbox"), ("input", "tel")} <= kinds
    assert ("textarea", None) in kinds


def test_a_step_shown_again_with_errors_keeps_autocomplete_off(partner_a):
    response = partner_a.post(step_url(partner_a, "about"), {"about-date_of_birth": "x"})
    assert response.status_code == 200
    fields = [c for c in controls_of(html_of(response)).controls if c.get("type") != "hidden"]
    assert fields and all(c.get("autocomplete") == "off" for c in fields)
