"""The answers document of docs/questionnaire.md: checking and normalising it.

    {"questionnaire_version": "1", "appointment_date": "2027-01-15",
     "partners": {"a": {question id: value, ...}, "b": {...}}}

A partner may be missing or partly filled in. Unknown ids, wrong types, out-of-range values
and answers to questions that were not asked are errors naming the partner and the id.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

from . import QUESTIONNAIRES
from .schema import QType, Question, Questionnaire

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
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
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_value(question: Question, value: Any) -> str | None:
    """What is wrong with this value for this question, or None."""
    codes = [choice.code for choice in question.choices]
    match question.type:
        case QType.BOOL:
            if not isinstance(value, bool):
                return "must be true or false"
            if question.must_be_true and value is not True:
                return "must be true"
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
                return f"{clash[0]!r} cannot be combined with other codes"
        case QType.INT:
            if not isinstance(value, int) or isinstance(value, bool):
                return "must be a whole number"
            if codes and value not in codes:
                return f"must be one of {', '.join(map(str, codes))}"
            if question.min is not None and value < question.min:
                return f"must be at least {question.min}"
            if question.max is not None and value > question.max:
                return f"must be at most {question.max}"
        case QType.DECIMAL:
            if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
                return "must be a number"
            if question.min is not None and value < question.min:
                return f"must be at least {question.min}"
            if question.max is not None and value > question.max:
                return f"must be at most {question.max}"
        case QType.DATE:
            if not _check_date(value):
                return "must be a date YYYY-MM-DD"
        case QType.MONTH:
            if not isinstance(value, str) or not MONTH_RE.match(value):
                return "must be a month YYYY-MM"
        case QType.TEXT:
            if not isinstance(value, str):
                return "must be text"
            if len(value) > question.text_max_length:
                return f"must be at most {question.text_max_length} characters"
            if problem := unprintable(value):
                return problem
        case QType.MEDS:
            if not isinstance(value, list):
                return "must be a list of {name, dose, frequency}"
            if len(value) > MED_ROWS_MAX:
                return f"has {len(value)} medicines; the page takes at most {MED_ROWS_MAX}"
            for row in value:
                if not isinstance(row, dict) or set(row) - set(MED_KEYS):
                    return "each medicine must be {name, dose, frequency}"
                if not isinstance(row.get("name"), str) or not row["name"].strip():
                    return "each medicine needs a name"
                if any(not isinstance(row.get(k, ""), str) for k in MED_KEYS):
                    return "name, dose and frequency must be text"
                for key in MED_KEYS:
                    if problem := unprintable(row.get(key, "")):
                        return f"{key}: {problem}"
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
