"""What stored answers say, worked out in one place for the partner's pages, the rules, the
clinician's pages and the PDF: whether an answer is missing, and a partner's age."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def is_missing(value: Any) -> bool:
    """No answer: never given, or left empty (an empty text, nothing ticked, no rows)."""
    return value is None or value == "" or value == []


def parse_date(value: Any) -> datetime.date | None:
    """A date from a date object or "YYYY-MM-DD"; None when absent or unreadable."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and (match := _DATE.match(value)):
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def age_on(date_of_birth: datetime.date, on_date: datetime.date) -> int:
    """Age in whole years on on_date; a birthday on that day counts as reached.

    Someone born on 29 February reaches their birthday on 1 March in non-leap years.
    """
    before_birthday = (on_date.month, on_date.day) < (date_of_birth.month, date_of_birth.day)
    return on_date.year - date_of_birth.year - int(before_birthday)


def age(answers: Mapping[str, Any], on_date: datetime.date) -> int | None:
    """A partner's age on on_date going by their date_of_birth answer; None without one."""
    born = parse_date(answers.get("date_of_birth"))
    return None if born is None else age_on(born, on_date)
