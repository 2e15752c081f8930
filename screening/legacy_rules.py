"""The rules engine as it was before the rules became declarative: KEPT ONLY FOR A TEST.

tests/screening/test_rules_legacy_equivalence.py compares this old catalogue with
`screening.rules` on random answers documents, so that rewriting the "any of these answers"
rules as declarative clauses is shown to raise the same flags, with the same evidence and
messages, except for the clinical corrections that test names. Nothing else imports this
module. Delete it, and that test, once the new rules are trusted.

The check functions and the catalogue below are the old ones, unchanged; the vocabulary
(severities, contexts, rule and hit types, dates) is shared with `screening.rules`, and
months in messages are said in words ("May 2026") as the new rules say them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from intake.questionnaire.answers import age_on, parse_date
from intake.questionnaire.display import month_words
from screening.engine import PARTNERS, RaisedFlag, flag_sort_key, partner_flags
from screening.rules import (
    ACTION,
    COUPLE_QUESTIONS,
    PRIVATE_INSTRUMENTS,
    CoupleContext,
    Evidence,
    Hit,
    PartnerContext,
    Rule,
    Severity,
    month_of,
    months_before,
)
from screening.scoring import (
    HARK_ITEMS,
    Parameters,
    auditc_threshold,
    is_int,
    score_partner,
)

URGENT, HIGH, REVIEW, INFO = Severity.URGENT, Severity.HIGH, Severity.REVIEW, Severity.INFO


def _yes(answers: Mapping[str, Any], question_id: str) -> bool:
    return answers.get(question_id) is True


def _codes(answers: Mapping[str, Any], question_id: str) -> list[str] | tuple[str, ...]:
    value = answers.get(question_id)
    return value if isinstance(value, list | tuple) else ()


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _evidence(answers: Mapping[str, Any], *question_ids: str) -> Evidence:
    """(id, value) pairs for the given questions that have an answer."""
    return tuple((qid, _frozen(answers[qid])) for qid in question_ids if qid in answers)


def _join(parts: list[str]) -> str:
    """Join as "x", "x and y", "x, y and z"; with semicolons if a part has a comma."""
    if len(parts) <= 1:
        return "".join(parts)
    separator = "; " if any("," in part for part in parts) else ", "
    last = "; and " if separator == "; " else " and "
    return separator.join(parts[:-1]) + last + parts[-1]


def _message(parts: list[str], why: str, severity: Severity) -> str:
    return f"Reports {_join(parts)}; {why}. {ACTION[severity]}"


def _label(code: str, labels: Mapping[str, str]) -> str:
    return labels.get(code, code.replace("_", " "))


# --- suicide risk and safety (private step) ------------------------------------------------


def _si_1_parts(a: Mapping[str, Any]) -> list[str]:
    parts = []
    if _yes(a, "si_intent"):
        parts.append("some intention of acting on thoughts of ending their life (past month)")
    if _yes(a, "si_plan"):
        parts.append("having worked out details or a plan (past month)")
    if _yes(a, "si_behaviour_3m"):
        parts.append("having done or started something to end their life in the past 3 months")
    elif _yes(a, "si_behaviour") and "si_behaviour_3m" not in a:
        parts.append(
            "having done or started something to end their life, with the timing not "
            "answered (treated as possibly within 3 months)"
        )
    return parts


def si_1(p: PartnerContext) -> Hit | None:
    parts = _si_1_parts(p.answers)
    if not parts:
        return None
    evidence = _evidence(p.answers, "si_intent", "si_plan", "si_behaviour", "si_behaviour_3m")
    evidence = tuple((qid, value) for qid, value in evidence if value is True)
    why = (
        "these are the answers that call for safety precautions until a mental-health "
        "professional has spoken with them, and ketamine products carry a warning about "
        "suicidal thoughts"
    )
    return Hit(evidence, _message(parts, why, URGENT))


PHQ9_ITEM9_LABELS = {1: "several days", 2: "more than half the days", 3: "nearly every day"}


def si_2(p: PartnerContext) -> Hit | None:
    value = p.answers.get("phq9_9")
    if not is_int(value) or value < 1:
        return None
    label = PHQ9_ITEM9_LABELS.get(value, str(value))
    message = (
        f"PHQ-9 item 9 (thoughts of being better off dead or of hurting themselves) answered "
        f'"{label}" ({value}) for the last 2 weeks; any answer above "not at all" needs a '
        f"clinician's follow-up before the visit, and ketamine products carry a warning about "
        f"suicidal thoughts. {ACTION[URGENT]}"
    )
    return Hit((("phq9_9", value),), message)


def si_3(p: PartnerContext) -> Hit | None:
    a = p.answers
    if _si_1_parts(a):
        return None  # SI-1 is raised instead
    parts = []
    if _yes(a, "si_wish_dead"):
        parts.append("wishing they were dead or could go to sleep and not wake up (past month)")
    if _yes(a, "si_thoughts"):
        parts.append("thoughts of ending their life (past month)")
    if _yes(a, "si_method"):
        parts.append("having thought about how")
    if _yes(a, "si_behaviour") and a.get("si_behaviour_3m") is False:
        parts.append("having done or started something to end their life, more than 3 months ago")
    if not parts:
        return None
    evidence = _evidence(a, "si_wish_dead", "si_thoughts", "si_method", "si_behaviour")
    evidence = tuple((qid, value) for qid, value in evidence if value is True)
    if a.get("si_behaviour") is True:
        evidence += (("si_behaviour_3m", False),)
    why = (
        "no intent, plan or behaviour in the past 3 months was reported, but a clinician "
        "should assess suicide risk before treatment (ketamine products carry a warning about "
        "suicidal thoughts)"
    )
    return Hit(evidence, _message(parts, why, REVIEW))


HARK_LABELS = {
    "ipv_humiliated": "humiliated or emotionally abused",
    "ipv_afraid": "afraid",
    "ipv_forced_sex": "forced into sexual activity",
    "ipv_physical": "physically hurt",
}


def ipv_1(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts = []
    if _yes(a, "unsafe_now"):
        parts.append("being afraid for their safety at home right now")
    hark_yes = [HARK_LABELS[qid] for qid in HARK_ITEMS if _yes(a, qid)]
    if hark_yes:
        # Any HARK item answered yes means HARK >= 1, even if other items are unanswered.
        parts.append(f"a positive HARK (past year, by a partner or ex-partner: {_join(hark_yes)})")
    if _yes(a, "ipv_hurt_partner"):
        parts.append("having pushed, hit or hurt a partner in the past year")
    if not parts:
        return None
    evidence = tuple(
        (qid, True) for qid in ("unsafe_now", *HARK_ITEMS, "ipv_hurt_partner") if _yes(a, qid)
    )
    why = (
        "violence or fear in a relationship changes whether joint sessions and shared "
        "dosing are safe; speak with this partner alone and never raise these answers in "
        "front of the other partner"
    )
    return Hit(evidence, _message(parts, why, URGENT))


def vol_1(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts = []
    if _yes(a, "pressured"):
        parts.append("being pressured by someone to take part")
    free = a.get("free_to_decline")
    if free in ("no", "not_sure"):
        answer = "no" if free == "no" else "not sure"
        parts.append(
            f'answering "{answer}" when asked if they feel free to say no, or to stop at any '
            "time, without consequences at home"
        )
    if not parts:
        return None
    evidence: Evidence = ()
    if _yes(a, "pressured"):
        evidence += (("pressured", True),)
    if free in ("no", "not_sure"):
        evidence += (("free_to_decline", free),)
    why = (
        "consent to treatment must be free of pressure, including pressure from a partner; "
        "talk with this partner alone"
    )
    return Hit(evidence, _message(parts, why, HIGH))


# --- physical health -----------------------------------------------------------------------


def cv_1(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts = []
    if _yes(a, "aneurysm_avm"):
        parts.append("an aneurysm or arteriovenous malformation")
    if _yes(a, "brain_bleed"):
        parts.append("bleeding in the brain")
    if not parts:
        return None
    evidence = tuple((qid, True) for qid in ("aneurysm_avm", "brain_bleed") if _yes(a, qid))
    why = (
        "drug labels list aneurysmal vascular disease, arteriovenous malformation and a "
        "history of bleeding in the brain as reasons not to use esketamine, because it "
        "raises blood pressure"
    )
    return Hit(evidence, _message(parts, why, HIGH))


CARDIAC_EVENTS = (
    ("heart_attack", "heart_attack_when", "a heart attack"),
    ("angina_stent_bypass", "angina_stent_bypass_when", "angina, a stent or a bypass"),
)


def _cardiac_events(p: PartnerContext) -> list[tuple[str, str, str, tuple[int, int] | None]]:
    """(yes id, when id, label, (year, month) or None) for each reported cardiac event."""
    events = []
    for yes_id, when_id, label in CARDIAC_EVENTS:
        if _yes(p.answers, yes_id):
            events.append((yes_id, when_id, label, month_of(p.answers.get(when_id))))
    return events


def cv_2(p: PartnerContext) -> Hit | None:
    a = p.answers
    window = p.params.cardiac_window_months
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    if _yes(a, "stroke_tia"):
        when = month_of(a.get("stroke_tia_when"))
        if when:
            parts.append(f"a stroke or mini-stroke in {month_words(*when)} (any date counts)")
        else:
            parts.append("a stroke or mini-stroke (any date counts)")
        evidence += _evidence(a, "stroke_tia", "stroke_tia_when")
    for yes_id, when_id, label, when in _cardiac_events(p):
        if when is None:
            # A yes without a readable month is treated as recent (conservative).
            parts.append(f"{label}, with the month not answered (treated as recent)")
        elif months_before(p.on_date, *when) <= window:
            parts.append(
                f"{label} in {month_words(*when)} (within {window} months of {p.date_label})"
            )
        else:
            continue
        evidence += _evidence(a, yes_id, when_id)
    if not parts:
        return None
    why = (
        "drug labels and the esketamine trials treat a recent heart attack, angina, stent or "
        "bypass, and any stroke, as reasons for caution, because ketamine raises blood "
        "pressure and heart rate"
    )
    return Hit(tuple(evidence), _message(parts, why, HIGH))


def cv_3(p: PartnerContext) -> Hit | None:
    window = p.params.cardiac_window_months
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    for yes_id, when_id, label, when in _cardiac_events(p):
        if when is not None and months_before(p.on_date, *when) > window:
            parts.append(
                f"{label} in {month_words(*when)} (more than {window} months before {p.date_label})"
            )
            evidence += _evidence(p.answers, yes_id, when_id)
    if not parts:
        return None
    why = (
        "past heart disease is a reason for caution, because ketamine raises blood "
        "pressure and heart rate"
    )
    return Hit(tuple(evidence), _message(parts, why, REVIEW))


def cv_4(p: PartnerContext) -> Hit | None:
    a = p.answers
    systolic_max, diastolic_max = p.params.bp_systolic_max, p.params.bp_diastolic_max
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    status = a.get("blood_pressure")
    if status == "high_not_controlled":
        parts.append("high blood pressure that is not controlled")
        evidence.append(("blood_pressure", status))
    elif status == "not_sure":
        parts.append("not being sure about their blood pressure")
        evidence.append(("blood_pressure", status))
    systolic, diastolic = a.get("bp_systolic"), a.get("bp_diastolic")
    high_systolic = is_int(systolic) and systolic >= systolic_max
    high_diastolic = is_int(diastolic) and diastolic >= diastolic_max
    if high_systolic or high_diastolic:
        reading = (
            f"{systolic if is_int(systolic) else '?'}/{diastolic if is_int(diastolic) else '?'}"
        )
        parts.append(
            f"a most recent reading of {reading} (the clinic reviews a systolic of "
            f"{systolic_max} or more or a diastolic of {diastolic_max} or more)"
        )
        evidence += _evidence(a, "bp_systolic", "bp_diastolic", "bp_reading_date")
    if not parts:
        return None
    why = (
        "ketamine raises blood pressure for an hour or two after a dose, and the esketamine "
        "label asks for the risk to be weighed when blood pressure is above 140/90"
    )
    return Hit(tuple(evidence), _message(parts, why, REVIEW))


def _simple(
    name: str, question_id: str, reported: str, why: str, severity: Severity
) -> Callable[[PartnerContext], Hit | None]:
    """A check raised by one yes/no question answered yes."""

    def check(p: PartnerContext) -> Hit | None:
        if not _yes(p.answers, question_id):
            return None
        return Hit(((question_id, True),), _message([reported], why, severity))

    check.__name__ = check.__qualname__ = name
    return check


cv_5 = _simple(
    "cv_5",
    "heart_rhythm_failure_valve",
    "an irregular heartbeat, heart failure, valve disease or a pacemaker",
    "ketamine raises heart rate and blood pressure, and labels warn about uncontrolled "
    "heart problems",
    REVIEW,
)

ne_1 = _simple(
    "ne_1",
    "head_injury_icp",
    "a serious head injury, a brain tumour or shunt, or raised pressure in the head",
    "the esketamine label says not to give it where a rise in pressure inside the head is "
    "a serious risk",
    REVIEW,
)

ne_2 = _simple(
    "ne_2",
    "glaucoma_eye",
    "glaucoma, a recent eye injury or planned eye surgery",
    "ketamine can raise the pressure inside the eye",
    REVIEW,
)


def ne_3(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    if _yes(a, "seizures"):
        parts.append("epilepsy or seizures")
        evidence.append(("seizures", True))
    if "theophylline" in _codes(a, "med_classes"):
        parts.append("taking theophylline or aminophylline")
        evidence += _evidence(a, "med_classes")
    if not parts:
        return None
    why = (
        "the ketamine label says theophylline and aminophylline lower the seizure threshold "
        "with ketamine, and ketamine can cause movements that resemble seizures"
    )
    return Hit(tuple(evidence), _message(parts, why, REVIEW))


# --- mental health -------------------------------------------------------------------------


def ps_1(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    if _yes(a, "psychotic_symptoms"):
        parts.append(
            "having heard or seen things others did not, or held beliefs others found very strange"
        )
        evidence.append(("psychotic_symptoms", True))
    if "psychotic_disorder" in _codes(a, "conditions_told"):
        parts.append("being told by a professional they have a psychotic disorder")
        evidence += _evidence(a, "conditions_told")
    if not parts:
        return None
    why = (
        "ketamine's dissociative effects can worsen psychosis, and the label asks for a "
        "careful assessment of benefit and risk first"
    )
    return Hit(tuple(evidence), _message(parts, why, HIGH))


ps_2 = _simple(
    "ps_2",
    "family_psychosis",
    "a parent, brother, sister or child with schizophrenia or psychosis",
    "clinics treat a close family history of psychosis as a reason for caution with ketamine",
    REVIEW,
)


def ps_3(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    now = _yes(a, "mania_now")
    if _yes(a, "mania_ever") or now:
        episode = "days of unusually high mood or energy with little need for sleep"
        if now:
            episode += ", happening now or in the past month"
        parts.append(episode)
        evidence += tuple((qid, True) for qid in ("mania_ever", "mania_now") if _yes(a, qid))
    if "bipolar" in _codes(a, "conditions_told"):
        parts.append("being told by a professional they have bipolar disorder")
        evidence += _evidence(a, "conditions_told")
    if not parts:
        return None
    severity = HIGH if now else REVIEW
    why = "ketamine can bring on manic symptoms in people with a history of mania"
    if now:
        why += ", and a current episode is a reason for particular caution"
    return Hit(tuple(evidence), _message(parts, why, severity), severity)


def ps_4(p: PartnerContext) -> Hit | None:
    if "dissociative_disorder" not in _codes(p.answers, "conditions_told"):
        return None
    why = (
        "ketamine causes dissociation, and clinics treat dissociative disorders as a reason "
        "for caution"
    )
    message = _message(
        ["being told by a professional they have a dissociative disorder"], why, REVIEW
    )
    return Hit(_evidence(p.answers, "conditions_told"), message)


# --- substances ------------------------------------------------------------------------------

DISSOCIATIVE_USE_LABELS = {
    "once_past_year": "once in the past year",
    "monthly_or_less": "monthly or less",
    "weekly_or_more": "weekly or more",
}


def su_1(p: PartnerContext) -> Hit | None:
    value = p.answers.get("dissociative_use")
    if value not in DISSOCIATIVE_USE_LABELS:
        return None
    reported = (
        "non-prescribed use of ketamine, PCP, DXM or nitrous oxide in the past year "
        f"({DISSOCIATIVE_USE_LABELS[value]})"
    )
    why = (
        "the label warns of abuse and misuse, and recent use of dissociatives is a reason "
        "for caution"
    )
    return Hit((("dissociative_use", value),), _message([reported], why, HIGH))


def su_2(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    auditc = p.scores["auditc"]
    if auditc.band == "positive":
        threshold = auditc_threshold(a.get("sex_for_scoring"))
        basis = "" if "sex_for_scoring" in a else "; sex_for_scoring not answered, so the lower one"
        parts.append(f"an AUDIT-C score of {auditc.total} (positive at {threshold} or more{basis})")
        evidence += _evidence(a, "auditc_1", "auditc_2", "auditc_3", "sex_for_scoring")
    if a.get("can_abstain_24h") is False:
        parts.append("not being able to avoid alcohol for 24 hours before and after a session")
        evidence.append(("can_abstain_24h", False))
    if not parts:
        return None
    why = (
        "alcohol adds to ketamine's sedation, and the label asks for care with a history of "
        "alcohol problems"
    )
    return Hit(tuple(evidence), _message(parts, why, REVIEW))


SUBSTANCE_LABELS = {
    "cocaine": "cocaine",
    "amphetamines": "amphetamines",
    "opioids_non_prescribed": "non-prescribed opioids",
    "psychedelics": "psychedelics",
    "sedatives_non_prescribed": "non-prescribed sedatives",
}


def su_3(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    used = [code for code in _codes(a, "substances_past_year") if code not in ("none", "cannabis")]
    if used:
        names = _join([_label(code, SUBSTANCE_LABELS) for code in used])
        parts.append(f"using {names} in the past year")
        evidence += _evidence(a, "substances_past_year")
    if _yes(a, "substance_treatment"):
        parts.append("being in treatment or recovery for substance use now")
        evidence.append(("substance_treatment", True))
    if "substance_use_disorder" in _codes(a, "conditions_told"):
        parts.append("being told by a professional they have a substance use disorder")
        evidence += _evidence(a, "conditions_told")
    if not parts:
        return None
    why = "the label asks for the risk of misuse to be assessed before prescribing"
    return Hit(tuple(evidence), _message(parts, why, REVIEW))


# --- pregnancy, organs, reactions --------------------------------------------------------------

PREGNANCY_LABELS = {
    "pregnant": "being pregnant",
    "possibly_pregnant": "possibly being pregnant",
    "breastfeeding": "breastfeeding",
    "planning_or_ivf": "planning a pregnancy or IVF",
}


def ob_1(p: PartnerContext) -> Hit | None:
    codes = [
        c
        for c in _codes(p.answers, "pregnancy")
        if c in ("pregnant", "possibly_pregnant", "breastfeeding")
    ]
    if not codes:
        return None
    why = (
        "the esketamine label says it may harm an unborn baby and that breastfeeding is not "
        "recommended"
    )
    parts = [_join([PREGNANCY_LABELS[c] for c in codes])]
    return Hit(_evidence(p.answers, "pregnancy"), _message(parts, why, HIGH))


def ob_2(p: PartnerContext) -> Hit | None:
    if "planning_or_ivf" not in _codes(p.answers, "pregnancy"):
        return None
    why = "the esketamine label advises thinking about pregnancy planning and prevention"
    message = _message([PREGNANCY_LABELS["planning_or_ivf"]], why, REVIEW)
    return Hit(_evidence(p.answers, "pregnancy"), message)


me_1 = _simple(
    "me_1",
    "liver",
    "hepatitis, cirrhosis, fatty liver or abnormal liver tests",
    "ketamine can injure the liver, and liver disease can change how long monitoring is needed",
    REVIEW,
)


def me_2(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts = []
    if _yes(a, "urinary_symptoms"):
        parts.append(
            "urinary symptoms now (passing urine often or urgently, pain, or blood in the urine)"
        )
    if _yes(a, "bladder_condition"):
        parts.append("interstitial cystitis or another bladder condition")
    if not parts:
        return None
    evidence = tuple(
        (qid, True) for qid in ("urinary_symptoms", "bladder_condition") if _yes(a, qid)
    )
    why = (
        "ketamine can inflame the bladder, and the label asks for urinary and bladder "
        "symptoms to be monitored"
    )
    return Hit(evidence, _message(parts, why, REVIEW))


def me_3(p: PartnerContext) -> Hit | None:
    value = p.answers.get("thyroid")
    if value == "overactive_not_controlled":
        reported = "an overactive thyroid that is not controlled"
    elif value == "not_sure":
        reported = "not being sure about their thyroid"
    else:
        return None
    why = "labels warn against ketamine with an overactive thyroid that is not well treated"
    return Hit((("thyroid", value),), _message([reported], why, REVIEW))


me_4 = _simple(
    "me_4",
    "lung_sleep_apnoea",
    "COPD or another lung disease, or sleep apnoea",
    "ketamine can slow breathing, and labels warn about lung disease and sleep apnoea",
    REVIEW,
)

me_5 = _simple(
    "me_5",
    "ketamine_reaction",
    "a bad or allergic reaction to ketamine or esketamine",
    "drug labels list an allergy to ketamine as a reason not to use it; read the details "
    "the partner gave",
    HIGH,
)

me_6 = _simple(
    "me_6",
    "anaesthesia_reaction",
    "a bad reaction to an anaesthetic",
    "ketamine is itself an anaesthetic; read the details the partner gave",
    REVIEW,
)


# --- age ---------------------------------------------------------------------------------------


def _age(p: PartnerContext) -> int | None:
    born = parse_date(p.answers.get("date_of_birth"))
    return None if born is None else age_on(born, p.on_date)


def ag_1(p: PartnerContext) -> Hit | None:
    age = _age(p)
    if age is None or age >= p.params.min_age:
        return None
    message = (
        f"Is {age} on {p.date_label} (going by date_of_birth); esketamine is not "
        f"approved under 18 and the clinic's minimum age is {p.params.min_age}. {ACTION[HIGH]}"
    )
    return Hit(_evidence(p.answers, "date_of_birth"), message)


def ag_2(p: PartnerContext) -> Hit | None:
    age = _age(p)
    if age is None or age < 65:
        return None
    message = (
        f"Is {age} on {p.date_label}; people aged 65 or over have higher drug levels, "
        f"and some labels start at a lower dose. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, "date_of_birth"), message)


# --- medicines -----------------------------------------------------------------------------------

MED_LABELS = {
    "maoi": "an MAOI",
    "stimulant": "a stimulant",
    "opioid": "an opioid",
    "benzodiazepine": "a benzodiazepine",
    "other_sedative": "another sedative",
    "lamotrigine": "lamotrigine",
    "naltrexone": "naltrexone",
}


def _med_check(
    name: str, classes: tuple[str, ...], why: Callable[[list[str]], str], severity: Severity
) -> Callable[[PartnerContext], Hit | None]:
    """A check raised when med_classes has any of `classes`."""

    def check(p: PartnerContext) -> Hit | None:
        found = [c for c in classes if c in _codes(p.answers, "med_classes")]
        if not found:
            return None
        parts = [f"taking {_join([MED_LABELS[c] for c in found])}"]
        return Hit(_evidence(p.answers, "med_classes"), _message(parts, why(found), severity))

    check.__name__ = check.__qualname__ = name
    return check


def _rx_1_why(found: list[str]) -> str:
    return (
        "together with ketamine, MAOIs and stimulants can raise blood pressure further, and "
        "the label asks for blood pressure to be watched closely"
    )


def _rx_2_why(found: list[str]) -> str:
    why = "opioids and sedatives add to ketamine's sedation and can slow breathing"
    if "benzodiazepine" in found:
        why += "; benzodiazepines may also blunt ketamine's effect"
    return why


def _rx_3_why(found: list[str]) -> str:
    return "lamotrigine and naltrexone may blunt ketamine's effect (the evidence is mixed)"


rx_1 = _med_check("rx_1", ("maoi", "stimulant"), _rx_1_why, HIGH)
rx_2 = _med_check("rx_2", ("opioid", "benzodiazepine", "other_sedative"), _rx_2_why, REVIEW)
rx_3 = _med_check("rx_3", ("lamotrigine", "naltrexone"), _rx_3_why, REVIEW)


# --- scores ------------------------------------------------------------------------------------


def mh_1(p: PartnerContext) -> Hit | None:
    score = p.scores["phq9"]
    if score.total is None or score.total < 10:
        return None
    message = (
        f"PHQ-9 total {score.total}, in the {score.band} band; a screening score for the "
        f"clinician's own assessment of depression before treatment. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, *(f"phq9_{n}" for n in range(1, 10))), message)


def mh_2(p: PartnerContext) -> Hit | None:
    score = p.scores["gad7"]
    if score.total is None or score.total < 10:
        return None
    message = (
        f"GAD-7 total {score.total}, in the {score.band} band; a screening score for the "
        f"clinician's own assessment of anxiety before treatment. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, *(f"gad7_{n}" for n in range(1, 8))), message)


def mh_3(p: PartnerContext) -> Hit | None:
    score = p.scores["pcptsd5"]
    if score.band != "positive":
        return None
    message = (
        f"PC-PTSD-5 total {score.total} (positive at {p.params.ptsd_cutoff} or more); a "
        f"positive screen calls for a fuller assessment, and memories of trauma can come up "
        f"in sessions. {ACTION[INFO]}"
    )
    items = ("ptsd_event", *(f"pcptsd_{n}" for n in range(1, 6)))
    return Hit(_evidence(p.answers, *items), message)


def rl_1(p: PartnerContext) -> Hit | None:
    score = p.scores["csi4"]
    if score.band != "notable dissatisfaction":
        return None
    message = (
        f"CSI-4 total {score.total} (below the cut-off of {p.params.csi_cutoff}: notable "
        f"dissatisfaction with the relationship); context for the couple work. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, "csi_1", "csi_2", "csi_3", "csi_4"), message)


# --- practical ---------------------------------------------------------------------------------


def lg_1(p: PartnerContext) -> Hit | None:
    a = p.answers
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    # escort_name is optional text, so "empty" can only be told apart from "not reached yet"
    # once the practical step has been answered: escort_is_partner is required on it.
    name = a.get("escort_name")
    name_empty = not (isinstance(name, str) and name.strip())
    if name_empty and "escort_is_partner" in a:
        parts.append("no one named to take them home after a session")
        evidence.append(("escort_name", name if isinstance(name, str) else ""))
        if a.get("escort_is_partner") is False:
            evidence.append(("escort_is_partner", False))
    if _yes(a, "escort_is_partner"):
        parts.append(
            "their partner as the person taking them home (if both partners are dosed, "
            "neither can take the other home)"
        )
        evidence.append(("escort_is_partner", True))
    if not parts:
        return None
    why = (
        "after a dose they must not drive until the next day, and someone other than a taxi "
        "should take them home"
    )
    return Hit(tuple(evidence), _message(parts, why, REVIEW))


# --- couple ------------------------------------------------------------------------------------


def cp_1(c: CoupleContext) -> Hit | None:
    a, b = c.answers["a"], c.answers["b"]
    parts: list[str] = []
    evidence: list[tuple[str, Any]] = []
    intents = {"a": a.get("relationship_intent"), "b": b.get("relationship_intent")}
    if set(intents.values()) == {"stay_together", "considering_separation"}:
        stays = "A" if intents["a"] == "stay_together" else "B"
        other = "B" if stays == "A" else "A"
        parts.append(
            f"partner {stays} hopes to stay together while partner {other} is considering "
            "separation"
        )
        evidence.append(("relationship_intent", intents))
    ready_a, ready_b = a.get("readiness"), b.get("readiness")
    if is_int(ready_a) and is_int(ready_b) and abs(ready_a - ready_b) >= 5:
        parts.append(
            f"their readiness to start differs by {abs(ready_a - ready_b)} points "
            f"(A {ready_a}, B {ready_b}, out of 10)"
        )
        evidence.append(("readiness", {"a": ready_a, "b": ready_b}))
    areas_a, areas_b = _codes(a, "goal_areas"), _codes(b, "goal_areas")
    if areas_a and areas_b and not set(areas_a) & set(areas_b):
        parts.append("the goal areas they chose have nothing in common")
        evidence.append(("goal_areas", {"a": areas_a, "b": areas_b}))
    if not parts:
        return None
    message = (
        f"The partners' goals differ: {_join(parts)}. People can make big relationship "
        f"decisions after intense experiences, so plan the couple sessions with this in mind. "
        f"{ACTION[INFO]}"
    )
    return Hit(tuple(evidence), message)


def cp_2(c: CoupleContext) -> Hit | None:
    total_a, total_b = c.scores["a"]["csi4"].total, c.scores["b"]["csi4"].total
    if total_a is None or total_b is None or abs(total_a - total_b) < 5:
        return None
    items = ("csi_1", "csi_2", "csi_3", "csi_4")
    evidence = tuple((qid, {"a": c.answers["a"][qid], "b": c.answers["b"][qid]}) for qid in items)
    message = (
        f"The partners' CSI-4 totals differ by {abs(total_a - total_b)} "
        f"(A {total_a}, B {total_b}): they see the relationship quite differently; context "
        f"for the couple work. {ACTION[INFO]}"
    )
    return Hit(evidence, message)


# --- the catalogue -----------------------------------------------------------------------------

P, C = "partner", "couple"
NONE: tuple[str, ...] = ()

# Rule(id, topic, severity, scope, raised_when, parameters, check[, severity_note])
RULES: tuple[Rule, ...] = (
    Rule("SI-1", "suicide_risk", URGENT, P,
         "si_intent or si_plan is yes, or si_behaviour_3m is yes (also when si_behaviour is "
         "yes and si_behaviour_3m is not answered: treated as possibly recent)",
         NONE, si_1),
    Rule("SI-2", "suicide_risk", URGENT, P,
         "PHQ-9 item 9 (phq9_9) is 1 or more",
         NONE, si_2),
    Rule("SI-3", "suicide_risk", REVIEW, P,
         "si_wish_dead, si_thoughts or si_method is yes, or si_behaviour is yes with "
         "si_behaviour_3m no; and SI-1 is not raised",
         NONE, si_3),
    Rule("IPV-1", "relationship_safety", URGENT, P,
         "unsafe_now is yes, or HARK is 1 or more (any of ipv_humiliated, ipv_afraid, "
         "ipv_forced_sex, ipv_physical is yes), or ipv_hurt_partner is yes",
         NONE, ipv_1),
    Rule("VOL-1", "voluntariness", HIGH, P,
         "pressured is yes, or free_to_decline is no or not_sure",
         NONE, vol_1),
    Rule("CV-1", "vascular", HIGH, P,
         "aneurysm_avm or brain_bleed is yes",
         NONE, cv_1),
    Rule("CV-2", "cardiac_event", HIGH, P,
         "stroke_tia is yes (any date), or heart_attack / angina_stent_bypass is yes with its "
         "month within cardiac_window_months of the appointment date (a month after that "
         "date counts as within; a missing month is treated as within)",
         ("cardiac_window_months",), cv_2),
    Rule("CV-3", "cardiac_event", REVIEW, P,
         "heart_attack / angina_stent_bypass is yes with its month more than "
         "cardiac_window_months before the appointment date",
         ("cardiac_window_months",), cv_3),
    Rule("CV-4", "blood_pressure", REVIEW, P,
         "blood_pressure is high_not_controlled or not_sure, or bp_systolic is at least "
         "bp_systolic_max, or bp_diastolic is at least bp_diastolic_max",
         ("bp_systolic_max", "bp_diastolic_max"), cv_4),
    Rule("CV-5", "cardiac_other", REVIEW, P,
         "heart_rhythm_failure_valve is yes",
         NONE, cv_5),
    Rule("NE-1", "intracranial_pressure", REVIEW, P,
         "head_injury_icp is yes",
         NONE, ne_1),
    Rule("NE-2", "eye_pressure", REVIEW, P,
         "glaucoma_eye is yes",
         NONE, ne_2),
    Rule("NE-3", "seizures", REVIEW, P,
         "seizures is yes, or med_classes includes theophylline",
         NONE, ne_3),
    Rule("PS-1", "psychosis", HIGH, P,
         "psychotic_symptoms is yes, or conditions_told includes psychotic_disorder",
         NONE, ps_1),
    Rule("PS-2", "psychosis_family", REVIEW, P,
         "family_psychosis is yes",
         NONE, ps_2),
    Rule("PS-3", "mania", REVIEW, P,
         "mania_ever (or mania_now) is yes, or conditions_told includes bipolar",
         NONE, ps_3, "high when mania_now is yes"),
    Rule("PS-4", "dissociation", REVIEW, P,
         "conditions_told includes dissociative_disorder",
         NONE, ps_4),
    Rule("SU-1", "dissociative_use", HIGH, P,
         "dissociative_use is once_past_year, monthly_or_less or weekly_or_more",
         NONE, su_1),
    Rule("SU-2", "alcohol", REVIEW, P,
         "AUDIT-C is positive (4 or more if sex_for_scoring is male, 3 or more otherwise, "
         "including when it is not answered), or can_abstain_24h is no",
         NONE, su_2),
    Rule("SU-3", "substance_use", REVIEW, P,
         "substances_past_year includes anything but none or cannabis, or "
         "substance_treatment is yes, or conditions_told includes substance_use_disorder",
         NONE, su_3),
    Rule("OB-1", "pregnancy", HIGH, P,
         "pregnancy includes pregnant, possibly_pregnant or breastfeeding",
         NONE, ob_1),
    Rule("OB-2", "pregnancy", REVIEW, P,
         "pregnancy includes planning_or_ivf",
         NONE, ob_2),
    Rule("ME-1", "liver", REVIEW, P,
         "liver is yes",
         NONE, me_1),
    Rule("ME-2", "urinary", REVIEW, P,
         "urinary_symptoms or bladder_condition is yes",
         NONE, me_2),
    Rule("ME-3", "thyroid", REVIEW, P,
         "thyroid is overactive_not_controlled or not_sure",
         NONE, me_3),
    Rule("ME-4", "respiratory", REVIEW, P,
         "lung_sleep_apnoea is yes",
         NONE, me_4),
    Rule("ME-5", "prior_reaction", HIGH, P,
         "ketamine_reaction is yes",
         NONE, me_5),
    Rule("ME-6", "prior_reaction", REVIEW, P,
         "anaesthesia_reaction is yes",
         NONE, me_6),
    Rule("AG-1", "age", HIGH, P,
         "younger than min_age in whole years on the appointment date (a birthday on that "
         "day counts as reached)",
         ("min_age",), ag_1),
    Rule("AG-2", "age", INFO, P,
         "65 or older in whole years on the appointment date",
         NONE, ag_2),
    Rule("RX-1", "medication", HIGH, P,
         "med_classes includes maoi or stimulant (blood pressure)",
         NONE, rx_1),
    Rule("RX-2", "medication", REVIEW, P,
         "med_classes includes opioid, benzodiazepine or other_sedative (sedation; "
         "benzodiazepines may also blunt the effect)",
         NONE, rx_2),
    Rule("RX-3", "medication", REVIEW, P,
         "med_classes includes lamotrigine or naltrexone (possible blunting; evidence mixed)",
         NONE, rx_3),
    Rule("MH-1", "depression_score", INFO, P,
         "PHQ-9 total is 10 or more (all nine items answered); the message gives the band",
         NONE, mh_1),
    Rule("MH-2", "anxiety_score", INFO, P,
         "GAD-7 total is 10 or more (all seven items answered)",
         NONE, mh_2),
    Rule("MH-3", "ptsd_screen", INFO, P,
         "PC-PTSD-5 total is ptsd_cutoff or more",
         ("ptsd_cutoff",), mh_3),
    Rule("RL-1", "relationship_distress", INFO, P,
         "CSI-4 total (all four items answered) is below csi_cutoff",
         ("csi_cutoff",), rl_1),
    Rule("LG-1", "escort", REVIEW, P,
         "escort_name is empty once the practical step is answered (escort_is_partner "
         "given), or escort_is_partner is yes",
         NONE, lg_1),
    Rule("CP-1", "goal_discordance", INFO, C,
         "both partners present, and: one relationship_intent is stay_together and the other "
         "considering_separation; or their readiness differs by 5 or more; or their "
         "goal_areas share no code",
         NONE, cp_1),
    Rule("CP-2", "relationship_distress", INFO, C,
         "both partners present and their CSI-4 totals differ by 5 or more",
         NONE, cp_2),
)  # fmt: skip


def flags(
    document: Mapping[str, Any], params: Parameters, evaluation_date: date
) -> list[RaisedFlag]:
    """The flags the old engine raised for an answers document, sorted as `screen` sorts
    them (what `manage.py screen` printed)."""
    appointment = parse_date(document.get("appointment_date"))
    on_date = appointment or evaluation_date
    label = "the appointment date" if appointment else "the evaluation date"
    partners_in = document.get("partners") or {}
    partners = {p: partners_in[p] for p in PARTNERS if isinstance(partners_in.get(p), Mapping)}
    found: list[RaisedFlag] = []
    for p, answers in partners.items():
        found += partner_flags(answers, p, on_date, params, label, RULES)
    if len(partners) == 2:
        scores = {p: score_partner(answers, params) for p, answers in partners.items()}
        public_answers = {
            p: {qid: partners[p][qid] for qid in COUPLE_QUESTIONS if qid in partners[p]}
            for p in PARTNERS
        }
        public_scores = {
            p: {n: s for n, s in scores[p].items() if n not in PRIVATE_INSTRUMENTS}
            for p in PARTNERS
        }
        context = CoupleContext(public_answers, public_scores, params, on_date, label)
        for rule in RULES:
            if rule.scope == "couple" and (hit := rule.check(context)) is not None:
                found.append(
                    RaisedFlag(rule.id, rule.topic, hit.severity or rule.severity, "couple",
                         tuple(hit.evidence), hit.message)
                )  # fmt: skip
    return sorted(found, key=flag_sort_key)
