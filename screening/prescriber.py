"""What the first page of the prescriber's PDF says: the prescriber's first questions about
each partner, side by side, and the parameters in force in words a prescriber reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from intake.consent import current_notice
from intake.questionnaire.answers import is_missing
from intake.questionnaire.display import (
    day_words,
    display_value,
    not_an_answer,
    readable_date,
)

NOT_ANSWERED = "not answered"

# How each clinic parameter reads on paper; a parameter not listed prints as name = value.
PARAMETER_WORDS = {
    "cardiac_window_months": "cardiac events within {} months of the appointment",
    "bp_systolic_max": "a top blood-pressure number above {} mmHg",
    "bp_diastolic_max": "a bottom blood-pressure number above {} mmHg",
    "ptsd_cutoff": "a PC-PTSD-5 score of {} or more",
    "csi_cutoff": "a CSI-4 total below {} (relationship satisfaction)",
    "min_age": "an age under {} on the appointment date",
}


@dataclass
class FactRow:
    label: str
    cells: list[str]  # one per partner; NOT_ANSWERED when missing


def _answer(questionnaire, answers: dict[str, Any], question_id: str) -> str:
    """The answer in words; "none" when the partner said so; "" when not answered."""
    question = questionnaire.question(question_id)
    said = not_an_answer(questionnaire, question, answers)
    if said:
        return said
    value = answers.get(question_id)
    return "" if is_missing(value) else display_value(question, value)


def _blood_pressure(questionnaire, partner) -> str:
    answers = partner.answers
    usual = _answer(questionnaire, answers, "blood_pressure")
    top, bottom = answers.get("bp_systolic"), answers.get("bp_diastolic")
    if top is None and bottom is None:
        reading = "no reading given"
    else:
        reading = f"{top if top is not None else '?'}/{bottom if bottom is not None else '?'} mmHg"
        if answers.get("bp_reading_date"):
            reading += f", taken {readable_date(answers['bp_reading_date'])}"
        elif partner.partner.submitted_at:
            submitted = timezone.localtime(partner.partner.submitted_at)
            reading += f", reported on {day_words(submitted)}"
    if not usual and reading == "no reading given":
        return ""
    return f"{reading} (usually: {usual or NOT_ANSWERED})"


def _escort(questionnaire, answers) -> str:
    name = _answer(questionnaire, answers, "escort_name")
    if not name:
        return ""
    is_partner = answers.get("escort_is_partner")
    if is_partner is True:
        return f"{name} (the partner)"
    if is_partner is False:
        return f"{name} (not the partner)"
    return name


def facts(summary) -> list[FactRow]:
    """Age, body, blood pressure, medicines, allergies, pregnancy and escort per partner."""
    q = summary.questionnaire
    rows: dict[str, list[str]] = {
        f"Age on {day_words(summary.on_date)}": [],
        "Height, weight": [],
        "Latest blood pressure": [],
        "Current medicines (dose, how often)": [],
        "Allergies": [],
        "Pregnancy, breastfeeding": [],
        "Escort home": [],
    }
    cells = list(rows.values())
    for p in summary.partners:
        answers = p.answers
        height, weight = answers.get("height_cm"), answers.get("weight_kg")
        body = ", ".join(
            part
            for part in (
                display_value(q.question("height_cm"), height, answers),
                display_value(q.question("weight_kg"), weight, answers),
            )
            if part
        )
        if body and (height is None or weight is None):
            body += f" (the other {NOT_ANSWERED})"
        allergies = _answer(q, answers, "allergies")
        for column, value in zip(
            cells,
            (
                "" if p.age is None else f"{p.age} (born {readable_date(p.date_of_birth)})",
                body,
                _blood_pressure(q, p),
                _answer(q, answers, "medications"),
                allergies,
                _answer(q, answers, "pregnancy"),
                _escort(q, answers),
            ),
            strict=True,
        ):
            column.append(value or NOT_ANSWERED)
    return [FactRow(label, values) for label, values in rows.items()]


def parameters_in_words(parameters: dict[str, Any]) -> list[str]:
    words = []
    known = [name for name in PARAMETER_WORDS if name in parameters]
    for name in known + sorted(set(parameters) - set(known)):
        value = parameters[name]
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        template = PARAMETER_WORDS.get(name)
        words.append(template.format(shown) if template else f"{name} = {shown}")
    return words


def reported(flag, limit: int = 60) -> str:
    """What was reported, in a few words: the flag's message up to its first clause."""
    text = flag.message.split("; ")[0].strip().rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def scores_by_partner(summary) -> list[tuple[str, list[dict | None]]]:
    """One row per partner, one cell per instrument (summary.score_rows turned around)."""
    return [
        (p.partner.label, [cells[i] for _, cells in summary.score_rows])
        for i, p in enumerate(summary.partners)
    ]


def consent_in_words(partner_summary) -> str:
    """The partner's consent and their choice for joint sessions, as page 1 prints it."""
    consent = partner_summary.consent
    if consent is None:
        return "not given yet"
    when = day_words(timezone.localtime(consent.at))
    if not consent.accepted:
        return f"declined on {when}: nothing else was collected"
    words = f"agreed on {when} (notice version {consent.version}"
    if consent.version != current_notice().version:
        words += ", an earlier version: asked again at the next visit"
    words += "). Joint sessions: " + (
        "may refer to non-private answers" if consent.joint_sessions else "do not refer to answers"
    )
    return words + "; private answers never."
