"""Hypothesis strategies for random VALID answer documents, written from docs/questionnaire.md
independently of the intake's questionnaire definition (test_screening_properties.py checks
the two agree), with random screening parameters and evaluation dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from screening.engine import WORDS_NEVER_USED, Parameters

# --- answers ----------------------------------------------------------------------------

# Free text includes the words messages must never use, to catch a message echoing an answer.
TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30),
    st.sampled_from([*WORDS_NEVER_USED, "no risk", "Diagnosed with X", "Jo"]),
)
NAME = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(str.strip)
BOOL = st.booleans()


def choice(*codes: str) -> st.SearchStrategy[str]:
    return st.sampled_from(codes)


def multi(codes: tuple[str, ...], exclusive: tuple[str, ...] = ()) -> st.SearchStrategy[list[str]]:
    others = [code for code in codes if code not in exclusive]
    combined = st.lists(st.sampled_from(others), min_size=1, max_size=len(others), unique=True)
    if not exclusive:
        return combined
    return st.one_of(st.sampled_from(exclusive).map(lambda code: [code]), combined)


def iso_dates(low: date, high: date) -> st.SearchStrategy[str]:
    return st.dates(low, high).map(date.isoformat)


MONTH = st.dates(date(1950, 1, 1), date(2026, 11, 1)).map(lambda d: d.strftime("%Y-%m"))
ITEM_0_3 = st.integers(0, 3)
DECIMAL_30_300 = st.integers(300, 3000).map(lambda n: n / 10)
DECIMAL_0_80 = st.integers(0, 800).map(lambda n: n / 10)
MEDS = st.lists(st.fixed_dictionaries({"name": NAME, "dose": TEXT, "frequency": TEXT}), max_size=3)

GOAL_AREAS = (
    "communication", "trust", "intimacy", "conflict", "trauma_healing", "grief",
    "life_transition", "parenting", "recommitment", "separation_decision", "personal_growth",
    "other",
)  # fmt: skip
MED_CLASSES = (
    "maoi", "stimulant", "benzodiazepine", "opioid", "lamotrigine", "naltrexone",
    "theophylline", "other_sedative", "ssri_snri", "antipsychotic", "mood_stabiliser", "none",
)  # fmt: skip
CONDITIONS_TOLD = (
    "depression", "anxiety", "ptsd", "bipolar", "psychotic_disorder", "dissociative_disorder",
    "eating_disorder", "ocd", "adhd", "personality_disorder", "substance_use_disorder", "none",
)  # fmt: skip
SUBSTANCES = (
    "cannabis", "cocaine", "amphetamines", "opioids_non_prescribed", "psychedelics",
    "sedatives_non_prescribed", "none",
)  # fmt: skip
PREGNANCY = (
    "pregnant", "possibly_pregnant", "breastfeeding", "planning_or_ivf", "none",
    "not_applicable",
)  # fmt: skip

# Unconditional questions, step by step (docs/questionnaire.md order). Optional ones may be
# left out.
STEPS: list[tuple[str, dict[str, st.SearchStrategy[Any]], set[str]]] = [
    ("about", {
        "preferred_name": NAME,
        "date_of_birth": iso_dates(date(1920, 1, 1), date(2026, 11, 1)),
        "sex_for_scoring": choice("female", "male", "intersex", "prefer_not_to_say"),
        "gender_identity": TEXT,
        "pronouns": TEXT,
        "height_cm": st.integers(100, 250),
        "weight_kg": DECIMAL_30_300,
        "email": st.sampled_from(["sam@example.org", "a.b@example.com"]),
        "phone": st.sampled_from(["+44 20 7946 0000", "07700 900123"]),
        "safe_contact": multi(("email", "phone_call", "text_message", "none"), ("none",)),
        "emergency_contact": TEXT,
    }, {"gender_identity", "pronouns", "height_cm", "weight_kg", "email", "phone",
        "emergency_contact"}),
    ("goals", {
        "goals_self": TEXT,
        "goals_relationship": TEXT,
        "goal_areas": multi(GOAL_AREAS),
        "relationship_intent": choice("stay_together", "unsure", "considering_separation"),
        "readiness": st.integers(0, 10),
        "whose_idea": choice("mine", "partner", "shared", "professional", "other"),
        "free_to_decline": choice("yes", "not_sure", "no"),
        "pressured": BOOL,
    }, set()),
    ("relationship", {
        "relationship_years": DECIMAL_0_80,
        "living_together": BOOL,
        "prior_couples_therapy": BOOL,
        "csi_1": st.integers(0, 6),
        "csi_2": st.integers(0, 5),
        "csi_3": st.integers(0, 5),
        "csi_4": st.integers(0, 5),
    }, set()),
    ("physical", {
        **{qid: BOOL for qid in (
            "aneurysm_avm", "brain_bleed", "heart_attack", "stroke_tia", "angina_stent_bypass",
            "heart_rhythm_failure_valve", "head_injury_icp", "glaucoma_eye", "seizures", "liver",
            "urinary_symptoms", "bladder_condition", "lung_sleep_apnoea", "ketamine_reaction",
            "anaesthesia_reaction")},
        "blood_pressure": choice("normal", "high_controlled", "high_not_controlled", "not_sure"),
        "thyroid": choice(
            "none", "overactive_controlled", "overactive_not_controlled", "underactive",
            "not_sure"),
        "pregnancy": multi(PREGNANCY, ("none", "not_applicable")),
        "no_allergies": BOOL,
    }, {"no_allergies"}),
    ("medications", {
        "no_medicines": BOOL,
        "med_classes": multi(MED_CLASSES, ("none",)),
    }, {"no_medicines"}),
    ("mental_health", {
        "conditions_told": multi(CONDITIONS_TOLD, ("none",)),
        **{qid: BOOL for qid in (
            "psychotic_symptoms", "mania_ever", "family_psychosis", "psychiatric_hospital",
            "prior_ketamine_therapy", "prior_psychedelics")},
        "current_care": TEXT,
    }, {"current_care"}),
    ("mood", {
        **{f"phq9_{n}": ITEM_0_3 for n in range(1, 10)},
        "phq9_difficulty": ITEM_0_3,
        **{f"gad7_{n}": ITEM_0_3 for n in range(1, 8)},
    }, set()),
    ("experiences", {"ptsd_declined": BOOL}, {"ptsd_declined"}),
    ("substances", {
        "auditc_1": st.integers(0, 4),
        "can_abstain_24h": BOOL,
        "dissociative_use": choice(
            "never", "not_past_year", "once_past_year", "monthly_or_less", "weekly_or_more"),
        "substances_past_year": multi(SUBSTANCES, ("none",)),
        "substance_treatment": BOOL,
    }, set()),
    ("safety", {
        qid: BOOL for qid in (
            "si_wish_dead", "si_thoughts", "si_behaviour", "ipv_humiliated", "ipv_afraid",
            "ipv_forced_sex", "ipv_physical", "ipv_hurt_partner", "unsafe_now")
    }, set()),
    ("practical", {
        "escort_name": TEXT,
        "escort_is_partner": BOOL,
        "availability": TEXT,
        "consent_share": st.just(True),
    }, {"escort_name", "availability"}),
    ("review", {"certify_accurate": st.just(True)}, set()),
]  # fmt: skip

# Conditional questions: (id, asked when, value strategy), in the order they are decided.
Condition = Callable[[dict[str, Any]], bool]
CONDITIONAL: list[tuple[str, str, Condition, st.SearchStrategy[Any]]] = [
    # the unit a weight or height was typed in, when not the stored one
    ("height_unit", "about", lambda a: "height_cm" in a, choice("cm", "ft_in")),
    ("weight_unit", "about", lambda a: "weight_kg" in a, choice("kg", "lb")),
    ("heart_attack_when", "physical", lambda a: a.get("heart_attack") is True, MONTH),
    ("stroke_tia_when", "physical", lambda a: a.get("stroke_tia") is True, MONTH),
    ("angina_stent_bypass_when", "physical",
     lambda a: a.get("angina_stent_bypass") is True, MONTH),
    ("reaction_details", "physical",
     lambda a: a.get("ketamine_reaction") is True or a.get("anaesthesia_reaction") is True, TEXT),
    ("allergies", "physical", lambda a: a.get("no_allergies") is not True, TEXT),
    ("medications", "medications", lambda a: a.get("no_medicines") is not True, MEDS),
    ("mania_now", "mental_health", lambda a: a.get("mania_ever") is True, BOOL),
    *[(qid, "substances", lambda a: a.get("auditc_1", 0) >= 1, st.integers(0, 4))
      for qid in ("auditc_2", "auditc_3")],
    ("ptsd_event", "experiences", lambda a: a.get("ptsd_declined") is not True, BOOL),
    *[(f"pcptsd_{n}", "experiences", lambda a: a.get("ptsd_event") is True, BOOL)
      for n in range(1, 6)],
    *[(qid, "safety", lambda a: a.get("si_thoughts") is True, BOOL)
      for qid in ("si_method", "si_intent", "si_plan")],
    ("si_behaviour_3m", "safety", lambda a: a.get("si_behaviour") is True, BOOL),
]  # fmt: skip
BP_READING = ("bp_systolic", "bp_diastolic", "bp_reading_date")  # both or neither, then a date

ALL_QUESTION_IDS = (
    {qid for _, questions, _ in STEPS for qid in questions}
    | {qid for qid, *_ in CONDITIONAL}
    | set(BP_READING)
)
STEP_OF = {qid: step for step, questions, _ in STEPS for qid in questions}
STEP_OF |= {qid: step for qid, step, *_ in CONDITIONAL} | dict.fromkeys(BP_READING, "physical")
STEP_ORDER = [step for step, *_ in STEPS]


def asked(answers: dict[str, Any], qid: str) -> bool:
    for conditional_id, _, condition, _ in CONDITIONAL:
        if conditional_id == qid:
            return condition(answers)
    if qid == "bp_reading_date":
        return "bp_systolic" in answers or "bp_diastolic" in answers
    return True


def drop_unasked(answers: dict[str, Any]) -> dict[str, Any]:
    """Remove answers whose question would not be asked (until nothing changes)."""
    while unasked := [qid for qid in answers if not asked(answers, qid)]:
        for qid in unasked:
            del answers[qid]
    return answers


@st.composite
def full_partner(draw: st.DrawFn) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for _, questions, optional in STEPS:
        for qid, strategy in questions.items():
            if qid in optional and draw(st.booleans()):
                continue
            answers[qid] = draw(strategy)
    if draw(st.booleans()):
        answers["bp_systolic"] = draw(st.integers(60, 260))
        answers["bp_diastolic"] = draw(st.integers(30, 160))
        if draw(st.booleans()):
            answers["bp_reading_date"] = draw(iso_dates(date(2020, 1, 1), date(2026, 11, 1)))
    for qid, _, condition, strategy in CONDITIONAL:
        if condition(answers):
            answers[qid] = draw(strategy)
    return answers


@st.composite
def partner_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A full partner, or the first steps only, or any subset of answers still valid."""
    answers = draw(full_partner())
    mode = draw(st.sampled_from(["full", "first steps", "some answers"]))
    if mode == "first steps":
        reached = draw(st.integers(0, len(STEP_ORDER)))
        kept = set(STEP_ORDER[:reached])
        answers = {qid: v for qid, v in answers.items() if STEP_OF[qid] in kept}
    elif mode == "some answers":
        keep = draw(st.lists(st.sampled_from(sorted(answers)), unique=True)) if answers else []
        answers = {qid: answers[qid] for qid in keep}
    return drop_unasked(answers)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {"questionnaire_version": "1"}
    if draw(st.booleans()):
        document["appointment_date"] = draw(iso_dates(date(2024, 1, 1), date(2030, 12, 31)))
    present = draw(st.sampled_from([("a", "b"), ("a", "b"), ("a",), ("b",), ()]))
    document["partners"] = {p: draw(partner_answers()) for p in present}
    return document


PARAMETERS = st.builds(
    Parameters,
    cardiac_window_months=st.sampled_from([1, 6, 12, 24]),
    bp_systolic_max=st.sampled_from([140, 160, 180]),
    bp_diastolic_max=st.sampled_from([90, 100]),
    ptsd_cutoff=st.sampled_from([3, 4]),
    csi_cutoff=st.sampled_from([13.5, 10.0]),
    min_age=st.sampled_from([18, 21]),
)
EVALUATION = st.dates(date(2024, 1, 1), date(2030, 12, 31))
BANNED = re.compile("|".join(WORDS_NEVER_USED), re.IGNORECASE)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
