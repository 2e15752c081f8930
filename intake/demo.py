"""Complete, valid answer sets built from the questionnaire definition.

Used by the demo data, the tests and the benchmarks: `make_answers(**overrides)` gives one
partner's full answers (every required question, every condition respected), with any
answers replaced by the overrides.
"""

from __future__ import annotations

from typing import Any

from .questionnaire import CURRENT
from .questionnaire.schema import QType, Question, Questionnaire

# Plausible answers where the first choice or the minimum would look odd.
DEFAULTS: dict[str, Any] = {
    "preferred_name": "Sam",
    "date_of_birth": "1988-04-02",
    "sex_for_scoring": "female",
    "pronouns": "she/her",
    "height_cm": 168,
    "weight_kg": 64.5,
    "email": "sam@example.com",
    "phone": "+1 604 555 0101",
    "safe_contact": ["email", "text_message"],
    "emergency_contact": "Jo Rivera, +1 604 555 0199",
    "goals_self": "Feel less anxious and more present.",
    "goals_relationship": "Talk about hard things without shutting down.",
    "goal_areas": ["communication", "trust"],
    "relationship_intent": "stay_together",
    "readiness": 7,
    "whose_idea": "shared",
    "free_to_decline": "yes",
    "relationship_years": 6.5,
    "csi_1": 3,
    "csi_2": 4,
    "csi_3": 3,
    "csi_4": 3,
    "heart_attack_when": "2020-06",
    "stroke_tia_when": "2019-03",
    "angina_stent_bypass_when": "2020-06",
    "blood_pressure": "normal",
    "thyroid": "none",
    "pregnancy": ["none"],
    "reaction_details": "Felt very sick after an anaesthetic in 2015.",
    "medications": [{"name": "Sertraline", "dose": "50 mg", "frequency": "once a day"}],
    "med_classes": ["ssri_snri"],
    "conditions_told": ["anxiety"],
    "current_care": "Counsellor every two weeks.",
    "dissociative_use": "never",
    "substances_past_year": ["none"],
    "can_abstain_24h": True,
    "escort_name": "Jo Rivera (friend)",
    "availability": "Weekday mornings",
    "consent_share": True,
    "certify_accurate": True,
}


def default_value(question: Question) -> Any:
    if question.id in DEFAULTS:
        return DEFAULTS[question.id]
    if question.unit_of:
        return None  # typed in the stored unit (kg, cm)
    codes = [choice.code for choice in question.choices]
    match question.type:
        case QType.BOOL:
            return bool(question.must_be_true)
        case QType.CHOICE:
            return codes[0]
        case QType.MULTI:
            return ["none"] if "none" in codes else codes[:1]
        case QType.INT if codes:
            return codes[0]
        case QType.INT | QType.DECIMAL:
            return question.min if question.required else None
        case QType.DATE:
            return "2026-01-15"
        case QType.MONTH:
            return "2020-01"
        case QType.TEXT:
            return "" if not question.required else "Some words."
        case QType.MEDS:
            return []
    raise ValueError(question.type)  # pragma: no cover


def make_answers(questionnaire: Questionnaire = CURRENT, **overrides: Any) -> dict[str, Any]:
    """One partner's complete answers; conditions are read over the answers so far."""
    answers: dict[str, Any] = {}
    for step in questionnaire.steps:
        for question in step.questions:
            if question.when is not None and not question.when.holds(answers):
                continue
            value = overrides.get(question.id, default_value(question))
            if value in ("", None):
                continue
            answers[question.id] = value
    unknown = set(overrides) - set(questionnaire.question_ids)
    if unknown:
        raise KeyError(f"unknown question ids: {sorted(unknown)}")
    return answers


def demo_document(appointment_date: str = "2027-01-15") -> dict[str, Any]:
    """A realistic couple with answers that raise flags of every severity."""
    a = make_answers(
        preferred_name="Sam",
        phq9_1=2,
        phq9_2=2,
        phq9_3=1,
        phq9_4=2,
        phq9_9=1,
        gad7_1=2,
        gad7_2=2,
        gad7_3=2,
        gad7_4=1,
        blood_pressure="high_controlled",
        bp_systolic=146,
        bp_diastolic=92,
        bp_reading_date="2026-10-01",
        escort_is_partner=True,
        relationship_intent="stay_together",
        readiness=8,
    )
    b = make_answers(
        preferred_name="Alex",
        date_of_birth="1985-09-30",
        sex_for_scoring="male",
        pronouns="he/him",
        email="alex@example.com",
        heart_attack=True,
        heart_attack_when="2026-05",
        auditc_1=3,
        auditc_2=1,
        auditc_3=1,
        relationship_intent="considering_separation",
        readiness=2,
        goal_areas=["separation_decision", "personal_growth"],
        pressured=True,
        free_to_decline="not_sure",
        csi_1=1,
        csi_2=1,
        csi_3=1,
        csi_4=1,
        med_classes=["benzodiazepine"],
        medications=[{"name": "Lorazepam", "dose": "1 mg", "frequency": "when needed"}],
    )
    return {
        "questionnaire_version": CURRENT.version,
        "appointment_date": appointment_date,
        "partners": {"a": a, "b": b},
    }
