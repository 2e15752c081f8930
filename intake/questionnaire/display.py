"""Answers as a person reads them: the partner's review page, the clinician's pages, the PDF."""

from typing import Any

from .schema import QType, Question


def is_missing(value: Any) -> bool:
    return value is None or value == "" or value == []


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
