"""The answers document of docs/questionnaire.md: checking and normalising it.

    {"questionnaire_version": "2", "appointment_date": "2027-01-15",
     "partners": {"a": {question id: value, ...}, "b": {...}}}

A partner may be missing or partly filled in. Unknown ids, wrong types, out-of-range values
and answers to questions that were not asked are errors naming the partner and the id.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from . import QUESTIONNAIRES
from .schema import QType, Question, Questionnaire

MONTH_RE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
MED_KEYS = ("name", "dose", "frequency")
# As many medicine rows as the page offers at most.
MED_ROWS_MAX = 40
# The deepest the format goes: document > partners > partner > medicines > row > text.
MAX_DEPTH = 6
# Text that cannot be stored or printed: control characters other than tab, newline and
# carriage return, and lone surrogates (half of a character, from a "\ud800" escape).
UNPRINTABLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def unprintable(text: str) -> str | None:
    """What is wrong with this text for storing and printing it, or None."""
    match = UNPRINTABLE_RE.search(text)
    if match is None:
        return None
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return f"contains half of a character (a lone surrogate, {ord(char):#06x})"
    if char == "\x00":
        return "must not contain NUL characters"
    return f"contains a control character ({ord(char):#04x}) that cannot be printed"


class DocumentError(ValueError):
    def __init__(self, message: str, partner: str | None = None, question: str | None = None):
        self.partner = partner
        self.question = question
        self.message = message
        where = []
        if partner:
            where.append(f"partner {partner}")
        if question:
            where.append(f"question {question}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_date(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# What a partner is told: Tandem's own words, the same from the pages and from an import.
REQUIRED = "Please answer this question."
MUST_TICK = "You need to tick this box to go on."
CANNOT_PRINT = (
    "Please remove the special character in this answer: it cannot be printed (it may have "
    "come with a copy and paste)."
)
EMAIL_FORMAT = "Please enter an e-mail address like name@example.com."
PHONE_FORMAT = "Please enter a phone number using digits (spaces, dashes and a leading + are fine)."
PHONE_RE = re.compile(r"^\+?[0-9 ().\-]{7,24}$")
YEAR_TOO_EARLY = "Please check the year: it should be 1900 or later."
DATE_IN_FUTURE = "This date is in the future. Please check it."
MONTH_IN_FUTURE = "This month is in the future. Please check it."
TOO_MANY_PLACES = "Please give at most two decimal places, for example 72.5."
# A medicine row's parts, their labels on the page and their length limits.
MED_PARTS = (("name", "Medicine", 120), ("dose", "Dose", 60), ("frequency", "How often", 60))


def too_long(length: int, limit: int) -> str:
    """Text over its limit is refused with a count, never cut short (on both sides)."""
    return f"This answer is {length} characters; the limit is {limit}. Please shorten it."


def number_range(question: Question) -> str:
    from .units import plain

    unit = f" {question.unit}" if question.unit else ""
    if question.min is not None and question.max is not None:
        return f"Please enter a number from {plain(question.min)} to {plain(question.max)}{unit}."
    if question.min is not None:
        return f"Please enter a number of {plain(question.min)}{unit} or more."
    return f"Please enter a number of {plain(question.max or 0)}{unit} or less."


def _email_ok(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def check_text(value: str, limit: int) -> str | None:
    """What is wrong with a typed text (too long, cannot be printed), or None."""
    if len(value) > limit:
        return too_long(len(value), limit)
    if UNPRINTABLE_RE.search(value):
        return CANNOT_PRINT
    return None


def _today() -> datetime.date:
    return timezone.localdate()


def check_value(question: Question, value: Any) -> str | None:
    """What is wrong with this value for this question, or None.

    The one check of an answer: the step forms run it on what a partner typed (once read
    into the document's types) and the answers document runs it on every imported value, so
    a value a page refuses is refused by an import, with the same message, and the other way
    round. Messages about what a page can give are the partner's (Tandem's own words);
    messages about a wrong JSON type only an import can meet.
    """
    codes = [choice.code for choice in question.choices]
    match question.type:
        case QType.BOOL:
            if not isinstance(value, bool):
                return "must be true or false"
            if question.must_be_true and value is not True:
                return MUST_TICK
        case QType.CHOICE:
            if value not in codes or not isinstance(value, str):
                return f"must be one of {', '.join(map(str, codes))}"
        case QType.MULTI:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return "must be a list of codes"
            unknown = [v for v in value if v not in codes]
            if unknown:
                return f"unknown code {unknown[0]!r}"
            if len(set(value)) != len(value):
                return "a code is repeated"
            clash = [code for code in question.exclusive if code in value]
            if clash and len(value) > 1:
                return f"“{question.choice_label(clash[0])}” can't be combined with other answers."
        case QType.INT | QType.DECIMAL:
            if question.type == QType.INT and (
                not isinstance(value, int) or isinstance(value, bool)
            ):
                return "must be a whole number"
            if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
                return "must be a number"
            if codes:
                if value not in codes:
                    return f"must be one of {', '.join(map(str, codes))}"
            elif (question.min is not None and value < question.min) or (
                question.max is not None and value > question.max
            ):
                return number_range(question)
            if isinstance(value, float) and round(value, 2) != value:
                return TOO_MANY_PLACES
        case QType.DATE:
            if not _check_date(value):
                return "must be a date YYYY-MM-DD"
            date = datetime.date.fromisoformat(value)
            if date.year < 1900:
                return YEAR_TOO_EARLY
            if question.not_future and date > _today():
                return DATE_IN_FUTURE
        case QType.MONTH:
            if not isinstance(value, str) or not MONTH_RE.fullmatch(value):
                return "must be a month YYYY-MM"
            if int(value[:4]) < 1900:
                return YEAR_TOO_EARLY
            if question.not_future and value > _today().strftime("%Y-%m"):
                return MONTH_IN_FUTURE
        case QType.TEXT:
            if not isinstance(value, str):
                return "must be text"
            if problem := check_text(value, question.text_max_length):
                return problem
            if question.format == "email" and not _email_ok(value):
                return EMAIL_FORMAT
            if question.format == "phone" and not PHONE_RE.match(value):
                return PHONE_FORMAT
        case QType.MEDS:
            if not isinstance(value, list):
                return "must be a list of {name, dose, frequency}"
            if len(value) > MED_ROWS_MAX:
                return f"has {len(value)} medicines; the page takes at most {MED_ROWS_MAX}"
            for index, row in enumerate(value):
                if not isinstance(row, dict) or set(row) - set(MED_KEYS):
                    return "each medicine must be {name, dose, frequency}"
                if not isinstance(row.get("name"), str) or not row["name"].strip():
                    return "each medicine needs a name"
                if any(not isinstance(row.get(k, ""), str) for k in MED_KEYS):
                    return "name, dose and frequency must be text"
                for key, label, limit in MED_PARTS:
                    if problem := check_text(row.get(key, ""), limit):
                        return f"{label} {index + 1}: {problem}"
    return None


def _unprintable_detail(value: Any) -> str | None:
    """Which character cannot be printed, for the person running an import."""
    if isinstance(value, str):
        return unprintable(value)
    if isinstance(value, list):
        return next((d for item in value if (d := _unprintable_detail(item))), None)
    if isinstance(value, dict):
        return next((d for item in value.values() if (d := _unprintable_detail(item))), None)
    return None


def _check_shape(value: Any, depth: int = 1, partner=None, question=None) -> None:
    """No nesting deeper than the format has, and no key that cannot be printed."""
    if depth > MAX_DEPTH:
        raise DocumentError(
            "nested deeper than an answers document goes", partner=partner, question=question
        )
    if isinstance(value, dict):
        for key, item in value.items():
            if problem := unprintable(key):
                raise DocumentError(f"a key {problem}", partner=partner, question=question)
            if depth == 2 and question is None and partner is None:
                inner_partner, inner_question = (key if key in ("a", "b") else None), None
            elif depth == 3 and partner is not None:
                inner_partner, inner_question = partner, key
            else:
                inner_partner, inner_question = partner, question
            _check_shape(item, depth + 1, inner_partner, inner_question)
    elif isinstance(value, list):
        for item in value:
            _check_shape(item, depth + 1, partner, question)


def parse_partner(questionnaire: Questionnaire, label: str, answers: Any) -> dict[str, Any]:
    if not isinstance(answers, dict):
        raise DocumentError("answers must be an object of question id -> value", partner=label)
    for question_id, value in answers.items():
        if not questionnaire.has_question(question_id):
            raise DocumentError("unknown question id", partner=label, question=question_id)
        question = questionnaire.question(question_id)
        problem = check_value(question, value)
        if problem:
            if CANNOT_PRINT in problem and (detail := _unprintable_detail(value)):
                problem = f"{problem} It {detail}."
            raise DocumentError(problem, partner=label, question=question_id)
        if question.when is not None and not question.when.holds(answers):
            raise DocumentError(
                "answered, but the question is not asked with the other answers given",
                partner=label,
                question=question_id,
            )
    normalised = {}
    for question_id in questionnaire.question_ids:
        if question_id in answers:
            value = answers[question_id]
            if questionnaire.question(question_id).type == QType.MEDS:
                value = [{key: row.get(key, "") for key in MED_KEYS} for row in value]
            normalised[question_id] = value
    return normalised


def parse_document(data: Any) -> dict[str, Any]:
    """Check an answers document; return it normalised, or raise DocumentError."""
    if not isinstance(data, dict):
        raise DocumentError("the document must be a JSON object")
    _check_shape(data)
    unknown = set(data) - {"questionnaire_version", "appointment_date", "partners"}
    if unknown:
        raise DocumentError(f"unknown top-level key {sorted(unknown)[0]!r}")
    version = data.get("questionnaire_version")
    if version not in QUESTIONNAIRES:
        raise DocumentError(f"unknown questionnaire_version {version!r}")
    questionnaire = QUESTIONNAIRES[version]
    appointment = data.get("appointment_date")
    if appointment is not None and not _check_date(appointment):
        raise DocumentError("appointment_date must be a date YYYY-MM-DD")
    partners = data.get("partners")
    if not isinstance(partners, dict):
        raise DocumentError("'partners' must be an object with keys 'a' and/or 'b'")
    for label in partners:
        if label not in ("a", "b"):
            raise DocumentError(f"unknown partner {label!r} (use 'a' and 'b')")
    result: dict[str, Any] = {"questionnaire_version": version}
    if appointment is not None:
        result["appointment_date"] = appointment
    result["partners"] = {
        label: parse_partner(questionnaire, label, partners[label])
        for label in ("a", "b")
        if label in partners
    }
    return result
