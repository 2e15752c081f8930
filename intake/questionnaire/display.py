"""Answers as a person reads them: the partner's review page, the clinician's pages, the PDF."""

import datetime
import json
import re
from collections.abc import Mapping
from typing import Any

from . import units
from .answers import is_missing
from .schema import QType, Question, Questionnaire

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# What cannot be printed: control characters other than tab, new line and carriage return,
# and lone surrogates (half of a character).
_UNPRINTABLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def printable(value: Any) -> Any:
    """A stored value with every text made printable: a character that cannot be printed is
    shown escaped ("\\x1b", "\\ud800"), never passed on to a page or a PDF."""
    if isinstance(value, str):
        return _UNPRINTABLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if isinstance(value, list):
        return [printable(item) for item in value]
    if isinstance(value, dict):
        return {printable(str(key)): printable(item) for key, item in value.items()}
    return value


def unreadable(value: Any) -> str:
    """A stored value that is not what its question takes, as text to show a clinician."""
    try:
        text = json.dumps(printable(value), ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = printable(repr(value))
    if len(text) > 200:
        text = text[:200] + "…"
    return f"(stored value not readable: {text})"


def unit_key(question: Question) -> str:
    """Where the unit a number was typed in is kept: "weight_kg" -> "weight_unit" (the
    questionnaire definition checks every unit question is named so)."""
    return f"{question.id.rsplit('_', 1)[0]}_unit"


def month_words(year: int, month: int) -> str:
    """(2024, 5) as "May 2024"."""
    return f"{MONTHS[month - 1]} {year}"


def day_words(day: datetime.date) -> str:
    """A date (or the date of a datetime, as given: convert to local time first) as
    "15 July 1986"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_month_words(day: datetime.date) -> str:
    """A date without its year, where the year goes without saying (a compact table), as
    "15 July"."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def day_time_words(moment: datetime.datetime) -> str:
    """A datetime, as given (convert to local time first), as "15 July 2026 14:05"."""
    return f"{day_words(moment)} {moment:%H:%M}"


def date_words(value: str) -> str:
    """ "1986-07-15" as "15 July 1986" (pages and PDF), "2024-05" as "May 2024"."""
    if len(value) == 7:
        return month_words(int(value[:4]), int(value[5:]))
    return day_words(datetime.date.fromisoformat(value))


def readable_date(value: Any) -> str:
    """An answered date or month in words; anything that is not one, as it is."""
    try:
        return date_words(str(value))
    except (ValueError, IndexError):
        return str(value)


# Not an answer, said as such: the partner said "none" (ticked "I have no allergies"), or
# chose to skip the section; a question neither answered nor said so is "not answered".
NONE = "none"
SKIPPED = "chose to skip this section"


def said_none(questionnaire: Questionnaire, question: Question, answers: dict[str, Any]) -> bool:
    """The partner ticked the box saying the answer to this question is none."""
    return any(
        other.none_for == question.id and answers.get(other.id) is True
        for other in questionnaire.step_of(question.id).questions
    )


def chose_to_skip(
    questionnaire: Questionnaire, question: Question, answers: dict[str, Any]
) -> bool:
    """The partner chose to skip the section this question is in (and did not answer it)."""
    return is_missing(answers.get(question.id)) and any(
        other.skips_step and other is not question and answers.get(other.id) is True
        for other in questionnaire.step_of(question.id).questions
    )


def not_an_answer(questionnaire: Questionnaire, question: Question, answers: dict[str, Any]) -> str:
    """NONE or SKIPPED when the partner said so for this question, else ""."""
    if said_none(questionnaire, question, answers):
        return NONE
    if chose_to_skip(questionnaire, question, answers):
        return SKIPPED
    return ""


def display_value(question: Question, value: Any, answers: Mapping[str, Any] | None = None) -> str:
    """A stored answer in words ("" when there is none: an empty list of medicines is no
    answer either, "none" is what the partner says with "I take no medicines"). With the
    partner's other `answers`, a weight or height typed in another unit is shown as typed, then
    as stored: "154 lb (69.9 kg)"."""
    if is_missing(value):
        return ""
    typed_in = answers.get(unit_key(question)) if answers is not None and question.unit else None
    if question.unit == "kg":
        return units.weight_words(value, typed_in)
    if question.unit == "cm":
        return units.height_words(value, typed_in)
    match question.type:
        case QType.DATE | QType.MONTH:
            return date_words(value)
        case QType.BOOL:
            return "Yes" if value else "No"
        case QType.CHOICE:
            return question.choice_label(value)
        case QType.INT if question.choices:
            return question.choice_label(value)
        case QType.MULTI:
            return "; ".join(question.choice_label(code) for code in value)
        case QType.MEDS:
            return "; ".join(
                " – ".join(part for part in (row["name"], row["dose"], row["frequency"]) if part)
                for row in value
            )
    return str(value)
