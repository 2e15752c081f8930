"""How long the screening engine takes: one realistic couple, and 10,000 couples in memory.

    .venv/bin/python bench/screening_engine.py [--runs 2000] [--couples 10000]

Target: under 1 ms per couple. Pure engine: no Django, no database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.engine import Parameters, screen  # noqa: E402

TARGET_MS = 1.0


def partner(**overrides: Any) -> dict[str, Any]:
    """A fully answered partner (every question of docs/questionnaire.md that is asked)."""
    answers: dict[str, Any] = {
        "preferred_name": "Sam",
        "date_of_birth": "1961-03-02",
        "sex_for_scoring": "male",
        "gender_identity": "man",
        "pronouns": "he/him",
        "height_cm": 180,
        "weight_kg": 82.5,
        "email": "sam@example.org",
        "phone": "+44 20 7946 0000",
        "safe_contact": ["email", "text_message"],
        "emergency_contact": "Jo, 07700 900123",
        "goals_self": "Sleep better and feel less stuck",
        "goals_relationship": "Talk without fighting",
        "goal_areas": ["communication", "trust", "conflict"],
        "relationship_intent": "stay_together",
        "readiness": 9,
        "whose_idea": "shared",
        "free_to_decline": "yes",
        "pressured": False,
        "relationship_years": 12,
        "living_together": True,
        "prior_couples_therapy": True,
        "csi_1": 2,
        "csi_2": 2,
        "csi_3": 3,
        "csi_4": 2,
        "aneurysm_avm": False,
        "brain_bleed": False,
        "heart_attack": True,
        "heart_attack_when": "2026-05",
        "stroke_tia": False,
        "angina_stent_bypass": True,
        "angina_stent_bypass_when": "2019-10",
        "heart_rhythm_failure_valve": False,
        "blood_pressure": "high_controlled",
        "bp_systolic": 142,
        "bp_diastolic": 88,
        "bp_reading_date": "2026-10-20",
        "head_injury_icp": False,
        "glaucoma_eye": False,
        "seizures": False,
        "liver": False,
        "urinary_symptoms": False,
        "bladder_condition": False,
        "thyroid": "none",
        "lung_sleep_apnoea": True,
        "pregnancy": ["not_applicable"],
        "ketamine_reaction": False,
        "anaesthesia_reaction": False,
        "allergies": "penicillin",
        "medications": [{"name": "sertraline", "dose": "100 mg", "frequency": "daily"}],
        "med_classes": ["ssri_snri", "benzodiazepine"],
        "conditions_told": ["depression", "anxiety"],
        "psychotic_symptoms": False,
        "mania_ever": False,
        "family_psychosis": False,
        "psychiatric_hospital": False,
        "current_care": "GP",
        "prior_ketamine_therapy": False,
        "prior_psychedelics": True,
        **{f"phq9_{n}": 2 for n in range(1, 9)},
        "phq9_9": 1,
        "phq9_difficulty": 2,
        **{f"gad7_{n}": 2 for n in range(1, 8)},
        "ptsd_event": True,
        **{f"pcptsd_{n}": n <= 4 for n in range(1, 6)},
        "auditc_1": 3,
        "auditc_2": 1,
        "auditc_3": 1,
        "can_abstain_24h": True,
        "dissociative_use": "not_past_year",
        "substances_past_year": ["cannabis"],
        "substance_treatment": False,
        "si_wish_dead": True,
        "si_thoughts": False,
        "si_behaviour": False,
        "ipv_humiliated": False,
        "ipv_afraid": False,
        "ipv_forced_sex": False,
        "ipv_physical": False,
        "ipv_hurt_partner": False,
        "unsafe_now": False,
        "escort_name": "",
        "escort_is_partner": True,
        "availability": "weekday mornings",
        "consent_share": True,
    }
    answers.update(overrides)
    return answers


COUPLE = {
    "questionnaire_version": "1",
    "appointment_date": "2027-01-15",
    "partners": {
        "a": partner(),
        "b": partner(
            preferred_name="Alex",
            date_of_birth="1990-07-21",
            sex_for_scoring="female",
            heart_attack=False,
            heart_attack_when=None,
            angina_stent_bypass=False,
            relationship_intent="considering_separation",
            readiness=3,
            goal_areas=["separation_decision"],
            csi_1=5,
            csi_2=5,
            csi_3=4,
            csi_4=4,
            pregnancy=["planning_or_ivf"],
            free_to_decline="not_sure",
        ),
    },
}
del COUPLE["partners"]["b"]["heart_attack_when"]
del COUPLE["partners"]["b"]["angina_stent_bypass_when"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--couples", type=int, default=10_000)
    options = parser.parse_args()

    params, evaluated = Parameters(), date(2026, 11, 28)
    result = screen(COUPLE, params, evaluated)
    print(f"one couple: {len(result.flags)} flags", end=" ")
    print("(" + ", ".join(f"{f.rule}/{f.partner}" for f in result.flags) + ")")

    for _ in range(200):  # warm up
        screen(COUPLE, params, evaluated)
    timings = []
    for _ in range(options.runs):
        start = time.perf_counter()
        screen(COUPLE, params, evaluated)
        timings.append(time.perf_counter() - start)
    median_ms = statistics.median(timings) * 1000
    p95_ms = statistics.quantiles(timings, n=20)[-1] * 1000
    print(f"median over {options.runs} runs: {median_ms:.3f} ms per couple (p95 {p95_ms:.3f} ms)")

    couples = [
        {**COUPLE, "partners": {p: dict(a) for p, a in COUPLE["partners"].items()}}
        for _ in range(options.couples)
    ]
    start = time.perf_counter()
    results = [screen(document, params, evaluated) for document in couples]
    total = time.perf_counter() - start
    flags = sum(len(r.flags) for r in results)
    print(
        f"{options.couples} couples in memory: {total:.2f} s "
        f"({total / options.couples * 1000:.3f} ms per couple, {flags} flags)"
    )
    verdict = "OK" if median_ms < TARGET_MS else "SLOWER THAN TARGET"
    print(f"target < {TARGET_MS:.0f} ms per couple: {verdict}")


if __name__ == "__main__":
    main()
