"""A table of cases for every rule of docs/rules.md: raised, not raised, and each boundary.

Each case starts from QUIET, a fully answered partner who raises no flag at all, changes a
few answers and states the exact set of rules that partner must raise. Appointment date
2027-01-15 unless a case says otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from intake.questionnaire import CURRENT
from intake.questionnaire.answers import age_on
from screening.engine import (
    PRIVATE_QUESTIONS,
    RULES,
    WORDS_NEVER_USED,
    Parameters,
    RaisedFlag,
    Severity,
    flag_sort_key,
    screen,
)
from screening.rules import PRIVATE_INSTRUMENTS, months_before
from tests.screening.rule_support import (
    APPOINTMENT,
    DEFAULTS,
    DROP,
    QUIET,
    SI_THOUGHTS_ONLY,
    answers_with,
    flags_for,
)

EVALUATED = date(2026, 11, 28)


def raised(answers: dict, params: Parameters = DEFAULTS, on: date = APPOINTMENT) -> set[str]:
    return {flag.rule for flag in flags_for(answers, params, on)}


def the_flag(rule: str, answers: dict, params: Parameters = DEFAULTS) -> RaisedFlag:
    [flag] = [f for f in flags_for(answers, params) if f.rule == rule]
    return flag


def test_the_quiet_partner_raises_nothing():
    assert raised(QUIET) == set()


HARK = ("ipv_humiliated", "ipv_afraid", "ipv_forced_sex", "ipv_physical")
P3 = Parameters(ptsd_cutoff=3)

# (case id, overrides, parameters, the exact set of rules raised)
CASES: list[tuple[str, dict[str, Any], Parameters, set[str]]] = [
    # SI-1
    ("SI-1 intent", {**SI_THOUGHTS_ONLY, "si_intent": True}, DEFAULTS, {"SI-1"}),
    ("SI-1 plan", {**SI_THOUGHTS_ONLY, "si_plan": True}, DEFAULTS, {"SI-1"}),
    ("SI-1 behaviour 3m", {"si_behaviour": True, "si_behaviour_3m": True}, DEFAULTS, {"SI-1"}),
    ("SI-1 behaviour timing missing", {"si_behaviour": True}, DEFAULTS, {"SI-1"}),
    ("SI-1 thoughts, intent and plan not answered yet", {"si_thoughts": True}, DEFAULTS,
     {"SI-1"}),
    ("SI-1 thoughts, plan not answered yet", {"si_thoughts": True, "si_intent": False},
     DEFAULTS, {"SI-1"}),
    ("SI-1 not: behaviour > 3m", {"si_behaviour": True, "si_behaviour_3m": False}, DEFAULTS,
     {"SI-3"}),
    # SI-2 (item 9 boundary 0/1)
    ("SI-2 item 9 = 1", {"phq9_9": 1}, DEFAULTS, {"SI-2"}),
    ("SI-2 item 9 = 3 (PHQ-9 now 11)", {"phq9_9": 3}, DEFAULTS, {"SI-2", "MH-1"}),
    ("SI-2 not: item 9 = 0", {"phq9_9": 0}, DEFAULTS, set()),
    ("SI-2 not: item 9 missing", {"phq9_9": DROP}, DEFAULTS, set()),
    # SI-3
    ("SI-3 wish dead", {"si_wish_dead": True}, DEFAULTS, {"SI-3"}),
    ("SI-3 thoughts", SI_THOUGHTS_ONLY, DEFAULTS, {"SI-3"}),
    ("SI-3 method", {**SI_THOUGHTS_ONLY, "si_method": True}, DEFAULTS, {"SI-3"}),
    ("SI-3 not when SI-1", {**SI_THOUGHTS_ONLY, "si_wish_dead": True, "si_plan": True},
     DEFAULTS, {"SI-1"}),
    # IPV-1
    ("IPV-1 unsafe now", {"unsafe_now": True}, DEFAULTS, {"IPV-1"}),
    *[(f"IPV-1 HARK {qid}", {qid: True}, DEFAULTS, {"IPV-1"}) for qid in HARK],
    ("IPV-1 HARK yes with others missing", {"ipv_afraid": True, "ipv_physical": DROP},
     DEFAULTS, {"IPV-1"}),
    ("IPV-1 hurt partner", {"ipv_hurt_partner": True}, DEFAULTS, {"IPV-1"}),
    # VOL-1
    ("VOL-1 pressured", {"pressured": True}, DEFAULTS, {"VOL-1"}),
    ("VOL-1 not free", {"free_to_decline": "no"}, DEFAULTS, {"VOL-1"}),
    ("VOL-1 not sure", {"free_to_decline": "not_sure"}, DEFAULTS, {"VOL-1"}),
    # CV-1
    ("CV-1 aneurysm", {"aneurysm_avm": True}, DEFAULTS, {"CV-1"}),
    ("CV-1 bleed", {"brain_bleed": True}, DEFAULTS, {"CV-1"}),
    # CV-2 / CV-3: 2026-01 is exactly 12 months before 2027-01; 2025-12 is 13
    ("CV-2 stroke long ago", {"stroke_tia": True, "stroke_tia_when": "1999-03"}, DEFAULTS,
     {"CV-2"}),
    ("CV-2 heart attack at window edge", {"heart_attack": True, "heart_attack_when": "2026-01"},
     DEFAULTS, {"CV-2"}),
    ("CV-3 heart attack one month beyond",
     {"heart_attack": True, "heart_attack_when": "2025-12"}, DEFAULTS, {"CV-3"}),
    ("CV-2 angina at window edge",
     {"angina_stent_bypass": True, "angina_stent_bypass_when": "2026-01"}, DEFAULTS, {"CV-2"}),
    ("CV-3 angina one month beyond",
     {"angina_stent_bypass": True, "angina_stent_bypass_when": "2025-12"}, DEFAULTS, {"CV-3"}),
    ("CV-2 month after the appointment",
     {"heart_attack": True, "heart_attack_when": "2027-03"}, DEFAULTS, {"CV-2"}),
    ("CV-2 same month", {"heart_attack": True, "heart_attack_when": "2027-01"}, DEFAULTS,
     {"CV-2"}),
    ("CV-2 month missing", {"heart_attack": True}, DEFAULTS, {"CV-2"}),
    ("CV-2 window 6 at edge", {"heart_attack": True, "heart_attack_when": "2026-07"},
     Parameters(cardiac_window_months=6), {"CV-2"}),
    ("CV-3 window 6 beyond", {"heart_attack": True, "heart_attack_when": "2026-06"},
     Parameters(cardiac_window_months=6), {"CV-3"}),
    ("CV-2 and CV-3 together",
     {"heart_attack": True, "heart_attack_when": "2026-05", "angina_stent_bypass": True,
      "angina_stent_bypass_when": "2019-01"}, DEFAULTS, {"CV-2", "CV-3"}),
    # CV-4
    ("CV-4 not controlled", {"blood_pressure": "high_not_controlled"}, DEFAULTS, {"CV-4"}),
    ("CV-4 not sure", {"blood_pressure": "not_sure"}, DEFAULTS, {"CV-4"}),
    ("CV-4 not: controlled", {"blood_pressure": "high_controlled"}, DEFAULTS, set()),
    ("CV-4 not: 139/89", {"bp_systolic": 139, "bp_diastolic": 89}, DEFAULTS, set()),
    ("CV-4 140/89", {"bp_systolic": 140, "bp_diastolic": 89}, DEFAULTS, {"CV-4"}),
    ("CV-4 139/90", {"bp_systolic": 139, "bp_diastolic": 90}, DEFAULTS, {"CV-4"}),
    ("CV-4 not: no reading", {"bp_systolic": DROP, "bp_diastolic": DROP,
                              "bp_reading_date": DROP}, DEFAULTS, set()),
    ("CV-4 not: 149/94 with 150/95", {"bp_systolic": 149, "bp_diastolic": 94},
     Parameters(bp_systolic_max=150, bp_diastolic_max=95), set()),
    ("CV-4 150/80 with 150/95", {"bp_systolic": 150, "bp_diastolic": 80},
     Parameters(bp_systolic_max=150, bp_diastolic_max=95), {"CV-4"}),
    # CV-5, NE-*
    ("CV-5", {"heart_rhythm_failure_valve": True}, DEFAULTS, {"CV-5"}),
    ("NE-1", {"head_injury_icp": True}, DEFAULTS, {"NE-1"}),
    ("NE-2", {"glaucoma_eye": True}, DEFAULTS, {"NE-2"}),
    ("NE-3 seizures", {"seizures": True}, DEFAULTS, {"NE-3"}),
    ("NE-3 theophylline", {"med_classes": ["theophylline"]}, DEFAULTS, {"NE-3"}),
    # PS-*
    ("PS-1 symptoms", {"psychotic_symptoms": True}, DEFAULTS, {"PS-1"}),
    ("PS-1 told", {"conditions_told": ["anxiety", "psychotic_disorder"]}, DEFAULTS, {"PS-1"}),
    ("PS-2", {"family_psychosis": True}, DEFAULTS, {"PS-2"}),
    ("PS-3 ever", {"mania_ever": True, "mania_now": False}, DEFAULTS, {"PS-3"}),
    ("PS-3 now", {"mania_ever": True, "mania_now": True}, DEFAULTS, {"PS-3"}),
    ("PS-3 bipolar", {"conditions_told": ["bipolar"]}, DEFAULTS, {"PS-3"}),
    ("PS-4", {"conditions_told": ["dissociative_disorder"]}, DEFAULTS, {"PS-4"}),
    ("PS not: none told", {"conditions_told": ["none"]}, DEFAULTS, set()),
    # SU-1
    *[(f"SU-1 {v}", {"dissociative_use": v}, DEFAULTS, {"SU-1"})
      for v in ("once_past_year", "monthly_or_less", "weekly_or_more")],
    *[(f"SU-1 not: {v}", {"dissociative_use": v}, DEFAULTS, set())
      for v in ("never", "not_past_year")],
    # SU-2: AUDIT-C 3 for each sex_for_scoring, 4 for male
    *[(f"SU-2 AUDIT-C 3 {sex}", {"sex_for_scoring": sex, "auditc_1": 2, "auditc_2": 1},
       DEFAULTS, {"SU-2"}) for sex in ("female", "intersex", "prefer_not_to_say")],
    ("SU-2 not: AUDIT-C 3 male", {"sex_for_scoring": "male", "auditc_1": 2, "auditc_2": 1},
     DEFAULTS, set()),
    ("SU-2 AUDIT-C 4 male", {"sex_for_scoring": "male", "auditc_1": 2, "auditc_2": 2},
     DEFAULTS, {"SU-2"}),
    ("SU-2 AUDIT-C 3 sex missing", {"sex_for_scoring": DROP, "auditc_1": 2, "auditc_2": 1},
     DEFAULTS, {"SU-2"}),
    ("SU-2 not: AUDIT-C 2", {}, DEFAULTS, set()),
    ("SU-2 not: never drinks (AUDIT-C 0)", {"auditc_1": 0, "auditc_2": DROP, "auditc_3": DROP},
     DEFAULTS, set()),
    ("SU-2 not: AUDIT-C item missing", {"auditc_1": 4, "auditc_2": 4, "auditc_3": DROP},
     DEFAULTS, set()),
    ("SU-2 cannot abstain", {"can_abstain_24h": False}, DEFAULTS, {"SU-2"}),
    # SU-3
    ("SU-3 cocaine", {"substances_past_year": ["cannabis", "cocaine"]}, DEFAULTS, {"SU-3"}),
    ("SU-3 not: none", {"substances_past_year": ["none"]}, DEFAULTS, set()),
    ("SU-3 treatment", {"substance_treatment": True}, DEFAULTS, {"SU-3"}),
    ("SU-3 told", {"conditions_told": ["substance_use_disorder"]}, DEFAULTS, {"SU-3"}),
    # OB-*
    *[(f"OB-1 {v}", {"pregnancy": [v]}, DEFAULTS, {"OB-1"})
      for v in ("pregnant", "possibly_pregnant", "breastfeeding")],
    ("OB-2", {"pregnancy": ["planning_or_ivf"]}, DEFAULTS, {"OB-2"}),
    ("OB-1 and OB-2", {"pregnancy": ["breastfeeding", "planning_or_ivf"]}, DEFAULTS,
     {"OB-1", "OB-2"}),
    ("OB not: none", {"pregnancy": ["none"]}, DEFAULTS, set()),
    # ME-*
    ("ME-1", {"liver": True}, DEFAULTS, {"ME-1"}),
    ("ME-2 urinary", {"urinary_symptoms": True}, DEFAULTS, {"ME-2"}),
    ("ME-2 bladder", {"bladder_condition": True}, DEFAULTS, {"ME-2"}),
    ("ME-3 not controlled", {"thyroid": "overactive_not_controlled"}, DEFAULTS, {"ME-3"}),
    ("ME-3 not sure", {"thyroid": "not_sure"}, DEFAULTS, {"ME-3"}),
    ("ME-3 not: controlled", {"thyroid": "overactive_controlled"}, DEFAULTS, set()),
    ("ME-4", {"lung_sleep_apnoea": True}, DEFAULTS, {"ME-4"}),
    ("ME-5", {"ketamine_reaction": True, "reaction_details": "rash"}, DEFAULTS, {"ME-5"}),
    ("ME-6", {"anaesthesia_reaction": True, "reaction_details": "nausea"}, DEFAULTS,
     {"ME-6"}),
    # AG-*: appointment 2027-01-15
    ("AG-1 17 (birthday tomorrow)", {"date_of_birth": "2009-01-16"}, DEFAULTS, {"AG-1"}),
    ("AG-1 not: 18 on the day", {"date_of_birth": "2009-01-15"}, DEFAULTS, set()),
    ("AG-1 min_age 21", {"date_of_birth": "2006-01-16"}, Parameters(min_age=21), {"AG-1"}),
    ("AG-2 65 on the day", {"date_of_birth": "1962-01-15"}, DEFAULTS, {"AG-2"}),
    ("AG-2 not: 64 (birthday tomorrow)", {"date_of_birth": "1962-01-16"}, DEFAULTS, set()),
    ("AG not: no date of birth", {"date_of_birth": DROP}, DEFAULTS, set()),
    # RX-*
    *[(f"RX-1 {v}", {"med_classes": [v]}, DEFAULTS, {"RX-1"}) for v in ("maoi", "stimulant")],
    *[(f"RX-2 {v}", {"med_classes": [v]}, DEFAULTS, {"RX-2"})
      for v in ("opioid", "benzodiazepine", "other_sedative")],
    *[(f"RX-3 {v}", {"med_classes": [v]}, DEFAULTS, {"RX-3"})
      for v in ("lamotrigine", "naltrexone")],
    ("RX not: none", {"med_classes": ["none"]}, DEFAULTS, set()),
    ("RX-1 + RX-2 + RX-3", {"med_classes": ["maoi", "opioid", "naltrexone"]}, DEFAULTS,
     {"RX-1", "RX-2", "RX-3"}),
    # MH-1: PHQ-9 9 vs 10 (item 9 stays 0)
    ("MH-1 not: PHQ-9 9", {"phq9_1": 2}, DEFAULTS, set()),
    ("MH-1 PHQ-9 10", {"phq9_1": 3}, DEFAULTS, {"MH-1"}),
    ("MH-1 not: PHQ-9 item missing", {"phq9_1": 3, "phq9_2": 3, "phq9_3": DROP}, DEFAULTS,
     set()),
    # MH-2: GAD-7 9 vs 10
    ("MH-2 not: GAD-7 9", {"gad7_1": 3}, DEFAULTS, set()),
    ("MH-2 GAD-7 10", {"gad7_1": 3, "gad7_2": 2}, DEFAULTS, {"MH-2"}),
    # MH-3: PC-PTSD-5 at cutoff-1 and cutoff, parameter 3 and 4
    ("MH-3 not: 3 with cutoff 4", {"pcptsd_3": True}, DEFAULTS, set()),
    ("MH-3 4 with cutoff 4", {"pcptsd_3": True, "pcptsd_4": True}, DEFAULTS, {"MH-3"}),
    ("MH-3 not: 2 with cutoff 3", {}, P3, set()),
    ("MH-3 3 with cutoff 3", {"pcptsd_3": True}, P3, {"MH-3"}),
    ("MH-3 not: declined", {"ptsd_declined": True, "ptsd_event": DROP, "pcptsd_1": DROP,
                            "pcptsd_2": DROP, "pcptsd_3": DROP, "pcptsd_4": DROP,
                            "pcptsd_5": DROP}, P3, set()),
    # RL-1: CSI-4 13 vs 14 with cutoff 13.5
    ("RL-1 CSI-4 13", {"csi_1": 1}, DEFAULTS, {"RL-1"}),
    ("RL-1 not: CSI-4 14", {"csi_1": 2}, DEFAULTS, set()),
    ("RL-1 not: CSI-4 item missing", {"csi_1": 0, "csi_2": DROP}, DEFAULTS, set()),
    # LG-1
    ("LG-1 no escort named", {"escort_name": ""}, DEFAULTS, {"LG-1"}),
    ("LG-1 blank escort", {"escort_name": "   "}, DEFAULTS, {"LG-1"}),
    ("LG-1 escort left out", {"escort_name": DROP}, DEFAULTS, {"LG-1"}),
    ("LG-1 escort is partner", {"escort_is_partner": True}, DEFAULTS, {"LG-1"}),
    ("LG-1 not: practical step not reached", {"escort_name": DROP, "escort_is_partner": DROP},
     DEFAULTS, set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "params", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule_table(overrides, params, expected):
    flags = flags_for(answers_with(**overrides), params)
    assert {flag.rule for flag in flags} == expected
    for flag in flags:
        assert not any(word in flag.message.lower() for word in WORDS_NEVER_USED), flag.message
        assert flag.evidence, flag.rule


def test_every_rule_has_a_raised_case_in_the_table():
    covered = set().union(*(case[3] for case in CASES)) | {"CP-1", "CP-2"}
    assert covered == {rule.id for rule in RULES}


# --- severities, evidence and messages of particular cases ---------------------------------


@pytest.mark.parametrize(
    ("overrides", "severity"),
    [
        ({"mania_ever": True, "mania_now": False}, Severity.REVIEW),
        ({"mania_ever": True, "mania_now": True}, Severity.HIGH),
        ({"conditions_told": ["bipolar"]}, Severity.REVIEW),
        ({"conditions_told": ["bipolar"], "mania_ever": True, "mania_now": True}, Severity.HIGH),
    ],
)
def test_ps_3_severity_depends_on_mania_now(overrides, severity):
    assert the_flag("PS-3", answers_with(**overrides)).severity == severity


@pytest.mark.parametrize(
    ("rule", "severity"),
    [
        ("SI-1", "urgent"), ("SI-2", "urgent"), ("SI-3", "review"), ("IPV-1", "urgent"),
        ("VOL-1", "high"), ("CV-1", "high"), ("CV-2", "high"), ("CV-3", "review"),
        ("CV-4", "review"), ("CV-5", "review"), ("NE-1", "review"), ("NE-2", "review"),
        ("NE-3", "review"), ("PS-1", "high"), ("PS-2", "review"), ("PS-3", "review"),
        ("PS-4", "review"), ("SU-1", "high"), ("SU-2", "review"), ("SU-3", "review"),
        ("OB-1", "high"), ("OB-2", "review"), ("ME-1", "review"), ("ME-2", "review"),
        ("ME-3", "review"), ("ME-4", "review"), ("ME-5", "high"), ("ME-6", "review"),
        ("AG-1", "high"), ("AG-2", "info"), ("RX-1", "high"), ("RX-2", "review"),
        ("RX-3", "review"), ("MH-1", "info"), ("MH-2", "info"), ("MH-3", "info"),
        ("RL-1", "info"), ("LG-1", "review"), ("CP-1", "info"), ("CP-2", "info"),
    ],
)  # fmt: skip
def test_catalogue_severity_matches_rules_md(rule, severity):
    [found] = [r for r in RULES if r.id == rule]
    assert found.severity == severity


def test_catalogue_is_the_rules_md_table_in_order():
    assert [rule.id for rule in RULES] == [
        "SI-1", "SI-2", "SI-3", "IPV-1", "VOL-1", "CV-1", "CV-2", "CV-3", "CV-4", "CV-5",
        "NE-1", "NE-2", "NE-3", "PS-1", "PS-2", "PS-3", "PS-4", "SU-1", "SU-2", "SU-3",
        "OB-1", "OB-2", "ME-1", "ME-2", "ME-3", "ME-4", "ME-5", "ME-6", "AG-1", "AG-2",
        "RX-1", "RX-2", "RX-3", "MH-1", "MH-2", "MH-3", "RL-1", "LG-1", "CP-1", "CP-2",
    ]  # fmt: skip


def test_catalogue_entries_are_auditable():
    fields = set(Parameters().as_dict())
    for rule in RULES:
        assert rule.scope in ("partner", "couple")
        assert set(rule.parameters) <= fields, rule.id
        assert rule.raised_when.strip(), rule.id
        assert rule.check.__name__.replace("_", "-").upper() == rule.id, rule.id
        assert not any(word in rule.raised_when.lower() for word in WORDS_NEVER_USED)
    assert [r.id for r in RULES if r.scope == "couple"] == ["CP-1", "CP-2"]


def test_cv_2_message_names_the_month_and_the_window():
    flag = the_flag("CV-2", answers_with(heart_attack=True, heart_attack_when="2026-05"))
    assert flag.message.startswith(
        "Reports a heart attack in May 2026 (within 12 months of the appointment date)"
    )
    assert "Review before any prescription decision." in flag.message
    assert flag.evidence == (("heart_attack", True), ("heart_attack_when", "2026-05"))


def test_cv_2_names_the_month_of_a_stroke_in_words():
    flag = the_flag("CV-2", answers_with(stroke_tia=True, stroke_tia_when="1999-03"))
    assert flag.message.startswith(
        "Reports a stroke or mini-stroke in March 1999 (any date counts)"
    )
    assert flag.evidence == (("stroke_tia", True), ("stroke_tia_when", "1999-03"))  # as stored


def test_cv_2_with_a_missing_month_says_so():
    flag = the_flag("CV-2", answers_with(heart_attack=True))
    assert "month not answered" in flag.message
    assert flag.evidence == (("heart_attack", True),)


def test_cv_3_message():
    flag = the_flag("CV-3", answers_with(heart_attack=True, heart_attack_when="2025-12"))
    assert "a heart attack in December 2025 (more than 12 months before the appointment date)" in (
        flag.message
    )
    assert "2025-12" not in flag.message


def test_cv_4_evidence_has_the_reading():
    flag = the_flag("CV-4", answers_with(bp_systolic=140, bp_diastolic=89))
    assert dict(flag.evidence) == {
        "bp_systolic": 140,
        "bp_diastolic": 89,
        "bp_reading_date": "2026-10-01",
    }
    assert "140/89" in flag.message


@pytest.mark.parametrize(
    ("item", "words"),
    [(1, "several days"), (2, "more than half the days"), (3, "nearly every day")],
)
def test_si_2_message_and_evidence(item, words):
    flag = the_flag("SI-2", answers_with(phq9_9=item))
    assert flag.evidence == (("phq9_9", item),)
    assert f'"{words}" ({item})' in flag.message
    assert flag.severity == Severity.URGENT


def test_si_1_with_unknown_timing_says_so():
    flag = the_flag("SI-1", answers_with(si_behaviour=True))
    assert "timing not answered" in flag.message
    assert flag.evidence == (("si_behaviour", True),)


@pytest.mark.parametrize(
    ("overrides", "total", "band"),
    [
        ({"phq9_1": 3}, 10, "moderate"),
        (
            {"phq9_1": 3, "phq9_2": 3, "phq9_3": 3, "phq9_4": 3, "phq9_5": 3},
            18,
            "moderately severe",
        ),
        ({f"phq9_{n}": 3 for n in range(1, 7)}, 20, "severe"),
    ],
)
def test_mh_1_message_gives_the_band(overrides, total, band):
    flag = the_flag("MH-1", answers_with(**overrides))
    assert f"PHQ-9 total {total}, in the {band} band" in flag.message


def test_mh_3_message_names_the_cutoff():
    flag = the_flag("MH-3", answers_with(pcptsd_3=True), P3)
    assert "PC-PTSD-5 total 3 (positive at 3 or more)" in flag.message


def test_rl_1_message():
    flag = the_flag("RL-1", answers_with(csi_1=1))
    assert "CSI-4 total 13 (below the cut-off of 13.5" in flag.message


def test_ag_1_and_ag_2_messages_give_the_age():
    assert the_flag("AG-1", answers_with(date_of_birth="2009-01-16")).message.startswith(
        "Is 17 on the appointment date"
    )
    assert the_flag("AG-2", answers_with(date_of_birth="1962-01-15")).message.startswith(
        "Is 65 on the appointment date"
    )


def test_told_by_a_professional_wording():
    flag = the_flag("PS-3", answers_with(conditions_told=["bipolar"]))
    assert "reports being told by a professional they have bipolar disorder" in (
        flag.message.lower()
    )


def test_su_2_message_says_when_the_lower_threshold_is_used_for_lack_of_an_answer():
    flag = the_flag("SU-2", answers_with(sex_for_scoring=DROP, auditc_1=3))
    assert "sex_for_scoring not answered" in flag.message


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2009, 1, 15), date(2027, 1, 15), 18),
        (date(2009, 1, 16), date(2027, 1, 15), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("year", "month", "months"), [(2026, 1, 12), (2025, 12, 13), (2027, 1, 0), (2027, 3, -2)]
)
def test_months_before_2027_01_15(year, month, months):
    assert months_before(date(2027, 1, 15), year, month) == months


def test_without_an_appointment_date_the_evaluation_date_is_used():
    document = {"partners": {"a": answers_with(date_of_birth="2008-12-01")}}
    result = screen(document, DEFAULTS, evaluation_date=date(2026, 11, 30))
    assert result.date_used == date(2026, 11, 30)
    assert result.appointment_date is None
    [flag] = [f for f in result.flags if f.rule == "AG-1"]
    assert flag.message.startswith("Is 17 on the evaluation date")
    later = screen(document, DEFAULTS, evaluation_date=date(2026, 12, 1))
    assert "AG-1" not in {f.rule for f in later.flags}


def test_the_appointment_date_wins_over_the_evaluation_date():
    document = {
        "appointment_date": "2027-01-15",
        "partners": {"a": answers_with(heart_attack=True, heart_attack_when="2026-01")},
    }
    for evaluated in (date(2020, 1, 1), date(2030, 1, 1)):
        result = screen(document, DEFAULTS, evaluation_date=evaluated)
        assert result.date_used == APPOINTMENT
        assert {f.rule for f in result.flags} == {"CV-2"}


def test_an_unreadable_appointment_date_is_an_error():
    with pytest.raises(ValueError, match="appointment_date"):
        screen({"appointment_date": "15/01/2027", "partners": {}}, DEFAULTS, EVALUATED)


# --- couples -------------------------------------------------------------------------------


def couple(a: dict | None = None, b: dict | None = None) -> dict:
    partners = {}
    if a is not None:
        partners["a"] = answers_with(**a)
    if b is not None:
        partners["b"] = answers_with(**b)
    return {"questionnaire_version": "1", "appointment_date": "2027-01-15", "partners": partners}


def couple_rules(document: dict) -> set[str]:
    result = screen(document, DEFAULTS, EVALUATED)
    return {flag.rule for flag in result.flags if flag.partner == "couple"}


COUPLE_CASES = [
    ("CP-1 stay vs separate", {"relationship_intent": "stay_together"},
     {"relationship_intent": "considering_separation"}, {"CP-1"}),
    ("CP-1 separate vs stay", {"relationship_intent": "considering_separation"},
     {"relationship_intent": "stay_together"}, {"CP-1"}),
    ("CP-1 not: stay vs unsure", {"relationship_intent": "stay_together"},
     {"relationship_intent": "unsure"}, set()),
    ("CP-1 readiness differs by 5", {"readiness": 7}, {"readiness": 2}, {"CP-1"}),
    ("CP-1 not: readiness differs by 4", {"readiness": 7}, {"readiness": 3}, set()),
    ("CP-1 goal areas share nothing", {"goal_areas": ["trust"]},
     {"goal_areas": ["grief", "parenting"]}, {"CP-1"}),
    ("CP-1 not: goal areas share one", {"goal_areas": ["trust", "grief"]},
     {"goal_areas": ["grief"]}, set()),
    ("CP-1 not: goal areas missing", {"goal_areas": DROP}, {"goal_areas": ["grief"]}, set()),
    ("CP-2 CSI-4 differs by 5", {}, {"csi_1": 0, "csi_2": 3}, {"CP-2"}),
    ("CP-2 not: CSI-4 differs by 4", {}, {"csi_1": 0}, set()),
    ("CP-2 not: a CSI-4 item missing", {}, {"csi_1": 0, "csi_2": 0, "csi_3": DROP}, set()),
    ("CP-1 and CP-2", {"readiness": 10}, {"readiness": 0, "csi_1": 0, "csi_2": 0},
     {"CP-1", "CP-2"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "expected"), [c[1:] for c in COUPLE_CASES], ids=[c[0] for c in COUPLE_CASES]
)
def test_couple_table(a, b, expected):
    assert couple_rules(couple(a, b)) == expected


def test_couple_rules_need_both_partners():
    far_apart = {"readiness": 0, "csi_1": 0, "csi_2": 0, "relationship_intent": "unsure"}
    assert couple_rules(couple(far_apart, None)) == set()
    assert couple_rules(couple(None, far_apart)) == set()
    assert couple_rules(couple({"readiness": 10}, far_apart)) == {"CP-1", "CP-2"}


def test_couple_evidence_and_message():
    document = couple(
        {"relationship_intent": "stay_together", "readiness": 9},
        {"relationship_intent": "considering_separation", "readiness": 3},
    )
    result = screen(document, DEFAULTS, EVALUATED)
    [flag] = [f for f in result.flags if f.rule == "CP-1"]
    assert flag.as_dict()["evidence"] == {
        "relationship_intent": {"a": "stay_together", "b": "considering_separation"},
        "readiness": {"a": 9, "b": 3},
    }
    assert "partner A hopes to stay together while partner B is considering separation" in (
        flag.message
    )
    assert "differs by 6 points" in flag.message


def test_couple_rules_cannot_see_private_answers():
    # The same private answers on both sides must not change couple-level output.
    loud = {qid: True for qid in PRIVATE_QUESTIONS if qid.startswith(("si_", "ipv_"))}
    loud |= {"unsafe_now": True, "pressured": True, "free_to_decline": "no"}
    plain = screen(couple({"readiness": 10}, {"readiness": 0}), DEFAULTS, EVALUATED)
    noisy = screen(couple({"readiness": 10, **loud}, {"readiness": 0}), DEFAULTS, EVALUATED)
    as_couple = [f.as_dict() for f in plain.flags if f.partner == "couple"]
    assert as_couple == [f.as_dict() for f in noisy.flags if f.partner == "couple"]
    for flag in noisy.flags:
        if flag.partner == "couple":
            assert not set(dict(flag.evidence)) & PRIVATE_QUESTIONS


# --- ordering ------------------------------------------------------------------------------


def test_severity_order():
    assert Severity.URGENT < Severity.HIGH < Severity.REVIEW < Severity.INFO
    assert sorted([Severity.INFO, Severity.URGENT, Severity.REVIEW, Severity.HIGH]) == [
        Severity.URGENT,
        Severity.HIGH,
        Severity.REVIEW,
        Severity.INFO,
    ]


def test_flags_are_sorted_by_severity_then_rule_then_partner():
    document = couple(
        {"phq9_1": 3, "liver": True, "date_of_birth": "1950-01-01", "unsafe_now": True},
        {"liver": True, "phq9_9": 2, "med_classes": ["maoi"], "readiness": 0},
    )
    result = screen(document, DEFAULTS, EVALUATED)
    order = [(f.severity.value, f.rule, f.partner) for f in result.flags]
    assert order == [
        ("urgent", "SI-2", "b"),
        ("urgent", "IPV-1", "a"),
        ("high", "RX-1", "b"),
        ("review", "ME-1", "a"),
        ("review", "ME-1", "b"),
        ("info", "AG-2", "a"),
        ("info", "MH-1", "a"),
        ("info", "MH-1", "b"),
        ("info", "CP-1", "couple"),
    ]
    assert list(result.flags) == sorted(result.flags, key=flag_sort_key)


def test_params_are_recorded_in_the_result():
    params = replace(DEFAULTS, ptsd_cutoff=3)
    result = screen(couple({}, {}), params, EVALUATED)
    assert result.as_dict()["parameters"]["ptsd_cutoff"] == 3
    assert result.as_dict()["ruleset"] == "1"


def test_couple_checks_are_only_given_non_private_answers_and_scores(monkeypatch):
    import screening.engine as engine
    from screening.rules import COUPLE_QUESTIONS, CoupleContext, Rule

    seen: dict[str, set[str]] = {}

    def spy(context: CoupleContext) -> None:
        for partner in ("a", "b"):
            seen[partner] = set(context.answers[partner])
            seen[partner + " scores"] = set(context.scores[partner])

    monkeypatch.setattr(engine, "RULES", (Rule("XX-1", "spy", Severity.INFO, "couple", "spy",
                                               (), spy),))  # fmt: skip
    screen(couple({}, {}), DEFAULTS, EVALUATED)
    assert seen["a"] == seen["b"] == COUPLE_QUESTIONS
    assert not COUPLE_QUESTIONS & PRIVATE_QUESTIONS
    assert seen["a scores"] == {"phq9", "gad7", "pcptsd5", "auditc", "csi4"}


# --- declarative rules: the "raised when" text is made from the clauses ----------------------


@pytest.mark.parametrize(
    ("rule_id", "text"),
    [
        ("CV-1", "aneurysm_avm or brain_bleed is yes"),
        ("VOL-1", "pressured is yes, or free_to_decline is no or not_sure"),
        ("ME-3", "thyroid is overactive_not_controlled or not_sure"),
        ("NE-3", "seizures is yes, or med_classes includes theophylline"),
        ("SU-1", "dissociative_use is once_past_year, monthly_or_less or weekly_or_more"),
        (
            "IPV-1",
            "unsafe_now is yes, or HARK is 1 or more (any of ipv_humiliated, ipv_afraid, "
            "ipv_forced_sex or ipv_physical is yes), or ipv_hurt_partner is yes",
        ),
    ],
)
def test_declarative_rules_say_when_they_are_raised_from_their_clauses(rule_id, text):
    assert {rule.id: rule for rule in RULES}[rule_id].raised_when == text


def test_every_declarative_rule_is_raised_by_each_answer_its_text_names():
    """Each leaf of each clause, made to hold on the quiet partner, raises its rule (and the
    leaf's question is cited); the text names each such question."""
    from intake.questionnaire.schema import Eq

    for rule in RULES:
        if rule.declared is None:
            continue
        for clause in rule.declared.clauses:
            for leaf in clause.leaves():
                assert leaf.question in rule.raised_when, rule.id
                if isinstance(leaf, Eq):
                    values = [leaf.value]
                else:
                    multi = isinstance(QUIET.get(leaf.question), list)
                    values = [[code] if multi else code for code in leaf.options]
                for value in values:
                    flag = the_flag(rule.id, answers_with(**{leaf.question: value}))
                    assert dict(flag.evidence)[leaf.question] == _tupled(value), rule.id


def _tupled(value):
    return tuple(value) if isinstance(value, list) else value


def test_a_changed_clause_changes_the_text():
    from intake.questionnaire.schema import In
    from screening.rules import Clause, Declared, yes

    rule = Declared(
        (yes("liver", "liver"), Clause(In("med_classes", ("maoi", "opioid")), "medicines")),
        "why",
    )
    assert rule.raised_when() == "liver is yes, or med_classes includes maoi or opioid"


def test_the_private_instruments_are_those_asked_in_a_private_step():
    assert set(PRIVATE_INSTRUMENTS) == {"hark"}
    assert all(
        CURRENT.step_of(qid).is_private(CURRENT.question(qid)) for qid in HARK
    )  # the safety step
    # no other instrument has an item the other partner may not see
    for qid in CURRENT.question_ids:
        question = CURRENT.question(qid)
        if question.instrument and question.instrument != "hark":
            assert not CURRENT.step_of(qid).is_private(question), qid
