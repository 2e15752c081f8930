"""Dates as the pages and PDFs show them, worked out here with strftime's month names (not
with Tandem's own helper, so a test can catch that helper going wrong)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def day(value: datetime.date) -> str:
    """ "15 July 2026": a date, or a datetime's day in the clinic's time zone."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B} {value.year}"


def day_month(value: datetime.datetime) -> str:
    """ "15 July" (the PDF's compact flag table), in the clinic's time zone."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B}"


def minute(value: datetime.datetime) -> str:
    """ "15 July 2026 14:05", in the clinic's time zone."""
    local = timezone.localtime(value)
    return f"{day(local)} {local:%H:%M}"
