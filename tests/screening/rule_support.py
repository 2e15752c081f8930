"""The rule tables' starting point: QUIET, a fully answered partner who raises no flag at all,
and the flags of QUIET with a few answers changed (appointment date 2027-01-15, default
parameters). Used by test_screening_rules.py and test_clinical_corrections.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from screening.engine import Parameters, RaisedFlag, partner_flags

APPOINTMENT = date(2027, 1, 15)
DEFAULTS = Parameters()

QUIET: dict[str, Any] = {
    "preferred_name": "Sam",
    "date_of_birth": "1985-06-15",
    "sex_for_scoring": "female",
    "safe_contact": ["email"],
    "goals_self": "Feel calmer",
    "goals_relationship": "Argue less",
    "goal_areas": ["communication", "trust"],
    "relationship_intent": "stay_together",
    "readiness": 7,
    "whose_idea": "shared",
    "free_to_decline": "yes",
    "pressured": False,
    "relationship_years": 6.5,
    "living_together": True,
    "prior_couples_therapy": False,
    "csi_1": 4,
    "csi_2": 4,
    "csi_3": 4,
    "csi_4": 4,
    "aneurysm_avm": False,
    "brain_bleed": False,
    "heart_attack": False,
    "stroke_tia": False,
    "angina_stent_bypass": False,
    "heart_rhythm_failure_valve": False,
    "blood_pressure": "normal",
    "bp_systolic": 120,
    "bp_diastolic": 80,
    "bp_reading_date": "2026-10-01",
    "head_injury_icp": False,
    "glaucoma_eye": False,
    "seizures": False,
    "liver": False,
    "urinary_symptoms": False,
    "bladder_condition": False,
    "thyroid": "none",
    "lung_sleep_apnoea": False,
    "pregnancy": ["not_applicable"],
    "ketamine_reaction": False,
    "anaesthesia_reaction": False,
    "med_classes": ["ssri_snri"],
    "conditions_told": ["depression"],
    "psychotic_symptoms": False,
    "mania_ever": False,
    "family_psychosis": False,
    "psychiatric_hospital": False,
    "prior_ketamine_therapy": False,
    "prior_psychedelics": False,
    **{f"phq9_{n}": 1 for n in range(1, 9)},  # PHQ-9 total 8 (mild)
    "phq9_9": 0,
    "phq9_difficulty": 1,
    **{f"gad7_{n}": 1 for n in range(1, 8)},  # GAD-7 total 7 (mild)
    "ptsd_event": True,
    "pcptsd_1": True,
    "pcptsd_2": True,
    "pcptsd_3": False,
    "pcptsd_4": False,
    "pcptsd_5": False,
    "auditc_1": 1,
    "auditc_2": 1,
    "auditc_3": 0,
    "can_abstain_24h": True,
    "dissociative_use": "not_past_year",
    "substances_past_year": ["cannabis"],
    "substance_treatment": False,
    "si_wish_dead": False,
    "si_thoughts": False,
    "si_behaviour": False,
    "ipv_humiliated": False,
    "ipv_afraid": False,
    "ipv_forced_sex": False,
    "ipv_physical": False,
    "ipv_hurt_partner": False,
    "unsafe_now": False,
    "escort_name": "Jo",
    "escort_is_partner": False,
    "consent_share": True,
    "certify_accurate": True,
}

DROP = object()  # an override value meaning "remove this answer"


def answers_with(**overrides: Any) -> dict[str, Any]:
    answers = dict(QUIET)
    for qid, value in overrides.items():
        if value is DROP:
            answers.pop(qid, None)
        else:
            answers[qid] = value
    return answers


def flags_for(
    answers: dict, params: Parameters = DEFAULTS, on: date = APPOINTMENT
) -> list[RaisedFlag]:
    return partner_flags(answers, "a", on, params)


SI_THOUGHTS_ONLY = {"si_thoughts": True, "si_method": False, "si_intent": False, "si_plan": False}
