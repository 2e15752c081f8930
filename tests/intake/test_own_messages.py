"""Every message a partner can see next to a field is Tandem's own plain wording, never one of
Django's defaults: each question of each step is asked (the answers it follows from are given,
so a follow-up question is on the page and checked), then gets, on its own, values nobody
should type or that only a tampered or pasted post holds; so does every field of the door
(the consent notice and the resume code pages)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time

from intake.demo import make_answers
from intake.door import ChooseCodeForm, ConsentForm, EnterCodeForm
from intake.questionnaire import CURRENT
from intake.questionnaire.document import parse_partner
from intake.questionnaire.schema import QType, Question, Step
from tests.factories import RESUME_CODE, new_case, new_partner_client, open_link
from tests.intake.helpers import (
    STEP_IDS,
    StepPage,
    field_errors,
    html_of,
    seed_steps,
    step_url,
    steps_before,
    stored_answers,
    summary_errors,
)
from tests.intake.typed_support import DJANGO_MESSAGES, SET_UP, TODAY, assert_no_django_message
from tests.pageform import fill

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 5000
NUL = "\x00"
# Values posted into one question's boxes, by the kind of box: None posts no value at all (a
# box taken out of the page), a list posts several values under one name.
BAD_TEXT: list[Any] = [None, "", TOO_LONG, NUL, f"12{NUL}", "12abc", "-5", "1e5", "NaN"]
BAD_TEXT += ["99999999999999999999", "١٤٠", "²", ["1", "2"]]
BAD_CHOICE: list[Any] = [None, "not-a-code", ["not-a-code", "another"], NUL, "", TOO_LONG]


# --- what the page shows next to its fields ------------------------------------------------


def messages_next_to_fields(response) -> list[tuple[str, str]]:
    """(field, message) for every message shown next to a field, and in the error summary."""
    html = html_of(response)
    shown = [
        (name, message)
        for name in re.findall(r'id="id_(.+?)_error"', html)
        for message in field_errors(html, name)
    ]
    return shown + [(href, text) for href, text in summary_errors(html)]


def assert_all_tandems_own(response) -> list[tuple[str, str]]:
    """Every message on the page is Tandem's (none starts like one of Django's); returns them."""
    if response.status_code == 302:  # accepted: the partner is taken on, nothing to read
        assert response["Location"].startswith("/intake/"), response["Location"]
        return []
    assert response.status_code == 200, response.status_code  # refused: the page again
    assert_no_django_message(response)
    return messages_next_to_fields(response)


def test_the_check_tells_djangos_messages_from_tandems():
    """The check can fail: Django's own wordings are known to it."""
    assert any(d.startswith("Ensure this value has") for d in DJANGO_MESSAGES)
    assert "Null characters are not allowed." in DJANGO_MESSAGES
    assert any(d.startswith("Select a valid choice") for d in DJANGO_MESSAGES)


# --- each question, asked -------------------------------------------------------------------


def _ancestors(step: Step, question: Question) -> list[Question]:
    """The questions of the step whose answers decide whether `question` is asked."""
    found: list[Question] = []
    todo = sorted(question.when.questions()) if question.when else []
    while todo:
        parent = CURRENT.question(todo.pop(0))
        if parent not in found:
            found.append(parent)
            todo += sorted(parent.when.questions()) if parent.when else []
    assert all(p in step.questions for p in found), (question.id, found)
    return found


def _candidates(question: Question) -> list[Any]:
    """Answers worth trying for a question another one follows from."""
    if question.type == QType.BOOL:
        return [True, False]
    if question.type == QType.CHOICE:
        return [c.code for c in question.choices]
    if question.type == QType.MULTI:
        return [[c.code] for c in question.choices]
    if question.type in (QType.INT, QType.DECIMAL):
        low = question.min if question.min is not None else 0
        return sorted({low, low + 1, question.max if question.max is not None else low + 10})
    if question.type == QType.TEXT:
        return ["Some words"]
    raise AssertionError(f"no candidate answers for {question.id} ({question.type})")


def opening_answers(step: Step, question: Question) -> dict[str, Any]:
    """Complete answers in which `question` is asked: the demo's, with the answers it follows
    from changed where needed (found by trying the parents' answers in turn)."""
    parents = _ancestors(step, question)
    tried = itertools.product(*(_candidates(p) for p in parents))
    for values in tried:
        overrides = dict(SET_UP, ketamine_reaction=True)
        overrides.update({p.id: v for p, v in zip(parents, values, strict=True)})
        answers = make_answers(**overrides)
        asked = [q for q in (question, *parents) if q.when is None or q.when.holds(answers)]
        if len(asked) == len(parents) + 1:
            return answers
    raise AssertionError(f"no answers open {question.id}")


def _questions(step: Step) -> list[Question]:
    # A unit is posted and checked with its number (its boxes are the number's).
    return [q for q in step.questions if not q.unit_of]


WALKED = [(step.id, q.id) for step in CURRENT.steps for q in _questions(step)]


def _own_names(page: StepPage, step_id: str, question: Question) -> list[tuple[str, str]]:
    """(name, kind) of each box of the question on its page."""
    base = f"{step_id}-{question.id}"
    pattern = re.compile(rf"{re.escape(base)}(_\d+|__.+)?")
    names = sorted({(c.name, c.kind) for c in page.form.controls if pattern.fullmatch(c.name)})
    assert names, f"the page has no box for {question.id}"
    return names


def _bad(kind: str) -> list[Any]:
    return BAD_CHOICE if kind in ("radio", "checkbox", "select") else BAD_TEXT


def _rounds(question: Question, names: list[tuple[str, str]], turn: int) -> list[int]:
    """Which of the bad values the question gets: the first (nothing posted) always; every one
    for a follow-up question; one more for the others, in turn, so that the step's questions
    share out the values while the walk stays short."""
    count = max(len(_bad(kind)) for _, kind in names)
    if question.when is not None:
        return list(range(count))
    return [0, 1 + turn % (count - 1)]


@freeze_time(TODAY)
@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_question_asked_gets_only_tandems_own_messages(step_id):
    """Each question of the step, asked (its parents answered), gets bad values on its own:
    every message shown is Tandem's, a required question left empty is told so next to it,
    a refused value is said next to the question, and what is accepted is a valid answer."""
    step = CURRENT.step(step_id)
    client, _case = new_partner_client("a")
    seed_steps(client.partner, make_answers(**SET_UP), steps_before(step_id))
    page = StepPage(client, step_id)
    # A box of a checklist left unticked is "no" (the list is checked as one).
    ticked = {q for section in step.sections for q in section.items}
    for turn, question in enumerate(_questions(step)):
        good = fill(page.form, opening_answers(step, question), step.questions)
        names = _own_names(page, step_id, question)
        for round_ in _rounds(question, names, turn):
            data = {k: list(v) for k, v in good.items()}
            for name, kind in names:
                value = _bad(kind)[round_ % len(_bad(kind))]
                if value is None:
                    data.pop(name, None)
                else:
                    data[name] = value if isinstance(value, list) else [value]
            response = client.post(step_url(client, step_id), data)
            where = (question.id, data.get(names[0][0]))
            shown = assert_all_tandems_own(response)
            if round_ == 0 and question.required and question not in ticked:
                # Asked, and left empty: said next to it (the checks below).
                assert response.status_code == 200 or question.type == QType.MEDS, where
            if response.status_code == 302:
                # Accepted (a value the box can read, or an optional box left empty): what is
                # stored is still a valid answers document.
                parse_partner(CURRENT, "a", stored_answers(client.partner))
                continue
            assert summary_errors(response), where
            fields = {name.split("__")[0] for name, _ in shown}
            own = {f"{step_id}-{question.id}", f"#id_{step_id}-{question.id}"}
            assert any(f.removesuffix("_0") in own for f in fields), (where, shown)


# --- the door -------------------------------------------------------------------------------

# Each of these is refused by its field (the other fields as a partner fills them in).
BAD_DOOR_TEXT: list[Any] = [None, "", " ", TOO_LONG, "x" * 101, NUL, f"Sam{NUL}", "\x01"]
BAD_CODE: list[Any] = [*BAD_DOOR_TEXT, "x" * 65, "abc", ["one", "two"]]
DOOR_FIELDS = {
    "consent": {
        "joint_sessions": [None, "", "maybe", ["yes", "maybe"], NUL, TOO_LONG],
        "agree": [None, ""],
        "typed_name": [*BAD_DOOR_TEXT, ["Sam", ""]],
    },
    "code": {"code": BAD_CODE, "again": BAD_CODE},
    "unlock": {"code": BAD_CODE},
}
GOOD_DOOR = {
    "consent": {"joint_sessions": "yes", "agree": "on", "typed_name": "Sam"},
    "code": {"code": RESUME_CODE, "again": RESUME_CODE},
    "unlock": {"code": RESUME_CODE},
}


def _door_page(door: str) -> tuple[Client, str]:
    """A partner's browser on this door page, as they reach it; and the page's address."""
    case = new_case()
    partner = case.couple.partner("a")
    client = Client()
    if door == "unlock":
        open_link(client, case.links["a"])  # agreed, code chosen: a new browser is asked it
        client = Client()
    landing = open_link(client, case.links["a"], door=False)
    path = f"/intake/{partner.public_id}/{door}/"
    if door == "code":
        agreed = client.post(path.replace("/code/", "/consent/"), GOOD_DOOR["consent"])
        assert agreed.status_code == 302
    page = client.get(path)
    assert page.status_code == 200, (door, landing.request["PATH_INFO"], page.status_code)
    return client, path


@pytest.mark.parametrize("door", sorted(DOOR_FIELDS))
def test_each_door_field_gets_only_tandems_own_messages(door):
    """Each field of the door's forms gets the bad values in turn (the others as a partner
    fills them in): the page stays, says what to do next to that field, in Tandem's words."""
    client, path = _door_page(door)
    for name, values in DOOR_FIELDS[door].items():
        for value in values:
            data: dict[str, Any] = dict(GOOD_DOOR[door])
            if value is None:
                data.pop(name)
            else:
                data[name] = value
            response = client.post(path, data)
            where = (door, name, value if value != TOO_LONG else "x" * 10 + "…")
            shown = assert_all_tandems_own(response)
            assert response.status_code == 200, where
            assert field_errors(html_of(response), name), (where, shown)


@pytest.mark.parametrize("form_class", [ConsentForm, ChooseCodeForm, EnterCodeForm])
def test_every_door_field_has_its_own_message_for_each_check(form_class):
    """Each check a door field makes (filled in, a choice offered, a length, no null
    character) has Tandem's own message, not the one Django gives by default."""
    for name, field in form_class.base_fields.items():
        defaults: dict[str, str] = {}
        for cls in reversed(type(field).__mro__):
            defaults.update(getattr(cls, "default_error_messages", {}))
        codes = {code for code in defaults if code != "required" or field.required}
        codes |= {validator.code for validator in field.validators}
        for code in codes:
            message = str(field.error_messages.get(code, ""))
            assert message and message != str(defaults.get(code)), (name, code, message)
            assert not any(message.startswith(d) for d in DJANGO_MESSAGES), (name, code)
