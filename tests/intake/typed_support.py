"""What the tests of typed values and of Tandem's own messages share: the day they are frozen
on, the answers that open every measurement and date question, and Django's default messages
(none of which a partner may see)."""

from __future__ import annotations

import datetime
import re

import django.core.validators
import django.forms.fields

from tests.intake.helpers import visible_text

TODAY = datetime.datetime(2026, 6, 15, 19, 0, tzinfo=datetime.UTC)  # noon in Vancouver

SET_UP = {
    "bp_systolic": 120,
    "bp_diastolic": 80,
    "heart_attack": True,
    "stroke_tia": True,
    "angina_stent_bypass": True,
}

# 154 typed with lb chosen, and 5 ft 10 in: the about step's boxes as a partner posts them.
LB_AND_FEET_BOXES = {
    "about-weight_kg_0": "154",
    "about-weight_kg_1": "lb",
    "about-height_cm_0": "",
    "about-height_cm_1": "ft_in",
    "about-height_cm_2": "5",
    "about-height_cm_3": "10",
}


def _django_messages() -> list[str]:
    """The start of every message Django's form fields and validators give by default."""
    texts = set()
    for value in vars(django.forms.fields).values():
        if isinstance(value, type) and issubclass(value, django.forms.Field):
            texts.update(str(m) for m in value.default_error_messages.values())
    for value in vars(django.core.validators).values():
        message = getattr(value, "message", None)
        if isinstance(value, type) and message:
            texts.add(str(message))
    # Messages built with ngettext (lengths, decimal places) and MultiValueField's.
    texts.update(
        ["Enter a complete value.", "Ensure this value has", "Ensure that there are no more"]
    )
    return sorted({re.split(r"%\(|\{", text)[0].strip() for text in texts} - {""})


DJANGO_MESSAGES = _django_messages()


def assert_no_django_message(response) -> None:
    shown = visible_text(response)
    found = [message for message in DJANGO_MESSAGES if message in shown]
    assert not found, found
