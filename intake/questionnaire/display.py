"""Answers as a person reads them: the partner's review page, the clinician's pages, the PDF."""

import json
import re
from typing import Any

from .answers import is_missing
from .schema import QType, Question

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


def display_value(question: Question, value: Any) -> str:
    """A stored answer in words ("" when there is none)."""
    if is_missing(value):
        return "None listed" if question.type == QType.MEDS and value == [] else ""
    match question.type:
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
