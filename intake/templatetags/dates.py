"""Dates as people read them, on every page and in the PDFs: `{{ value|day }}` is
"15 July 2026", `{{ value|day_time }}` is "15 July 2026 14:05" (in the clinic's time zone),
`{{ value|day_month }}` is "15 July" (a compact table, where the year goes without saying).
Both take a date, a datetime or an ISO text ("2026-07-15", "2026-07" as "July 2026"), and give
"" for none, so `|default:"not set"` still works. A time alone, or with seconds or the time
zone, is Django's `time` filter: `{{ value|day }} {{ value|time:"H:i:s" }}`."""

import datetime
from typing import Any

from django import template

from intake.questionnaire.display import day_month_words, day_time_words, day_words, readable_date

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: Any) -> str:
    if isinstance(value, datetime.date):
        return day_words(value)
    if isinstance(value, str) and value:
        return readable_date(value)
    return ""


@register.filter(expects_localtime=True)
def day_month(value: Any) -> str:
    """ "15 July": for a compact table, where the year goes without saying."""
    return day_month_words(value) if isinstance(value, datetime.date) else ""


@register.filter(expects_localtime=True)
def day_time(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return day_time_words(value)
    return day(value)
