"""The screening rules, version 1, as auditable data (docs/rules.md is generated from them).

`RULES` is the catalogue: one `Rule` per line of docs/rules.md, Rules, in the same order, each
with a plain-English `raised_when` and a small named `check` function. A check reads one
partner's answers and scores (a `PartnerContext`) or, for couple rules, only the
allow-listed, non-private COUPLE_QUESTIONS of both partners (a `CoupleContext`), and returns
None or a `Hit(evidence, message[, severity])`.

Most rules are "any of these answers": they are `Declared` as clauses built on the
questionnaire's own condition classes (`Eq`, `In`, `any_of`), and both their check and their
`raised_when` text are made from those clauses, so the text cannot drift from the check. The
rules that need dates, scores, thresholds, another rule or a severity of their own keep a
check written by hand (and a hand-written `raised_when`).

Conventions every check follows:
- Rules read only what is there: a missing answer never raises a flag and never counts as
  "no", except where a rule says otherwise (CV-2 and SI-1 treat a missing "when" as recent).
- A yes/no answer counts only when it is exactly true/false; a value of the wrong type is
  treated as not answered (the answers document is validated before it gets here).
- Evidence is a tuple of (question id, value) pairs, in the order the rule names them, with
  the whole answer as value (a multi answer is cited as the full list ticked). For couple
  rules the value is {"a": value, "b": value}.
- Messages are for clinicians: what was reported, why it matters for ketamine-assisted
  therapy, and what review is asked for. They never echo free text and never use a word in
  `WORDS_NEVER_USED`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

# Question types and wording: the same in every version (tests/intake/test_versions.py).
from intake.questionnaire import CURRENT as QUESTIONNAIRE
from intake.questionnaire import QUESTIONNAIRES
from intake.questionnaire.answers import age as partner_age
from intake.questionnaire.display import month_words
from intake.questionnaire.schema import AnyOf, Condition, Eq, In, QType, any_of
from screening.scoring import (
    CSI4_ITEMS,
    GAD7_ITEMS,
    HARK_ITEMS,
    INSTRUMENT_ITEMS,
    INSTRUMENT_NAMES,
    MIN_AGE,
    PCPTSD5_ITEMS,
    PHQ9_ITEMS,
    Parameters,
    Score,
    auditc_threshold,
    is_int,
)

# --- the vocabulary ----------------------------------------------------------------------


class Severity(StrEnum):
    """Severities in sort order: urgent first. `a < b` means `a` sorts before `b`."""

    URGENT = "urgent"
    HIGH = "high"
    REVIEW = "review"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def label(self) -> str:
        """The severity as a clinician reads it ("Urgent")."""
        return self.value.capitalize()

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, urgent first: for a model field or a form."""
        return [(severity.value, severity.label) for severity in cls]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.REVIEW: 2, Severity.INFO: 3}

URGENT, HIGH, REVIEW, INFO = Severity.URGENT, Severity.HIGH, Severity.REVIEW, Severity.INFO

# Private questions feed only per-partner flags (docs/design.md): never a couple-level flag.
# Which ones are private is the questionnaire's to say (`Step.is_private`).
PRIVATE_QUESTIONS: frozenset[str] = frozenset().union(
    *(questionnaire.private_ids for questionnaire in QUESTIONNAIRES.values())
)
# An instrument with an item in a private question (HARK, asked in the safety step) has a
# private score too: worked out from the questionnaire's `is_private` and `instrument` tags.
PRIVATE_INSTRUMENTS: frozenset[str] = frozenset().union(
    *(questionnaire.private_instruments for questionnaire in QUESTIONNAIRES.values())
)


# The only answers couple checks are given (an allow-list, so a new private question can
# never reach them by accident). A couple rule that needs another question adds it here.
COUPLE_QUESTIONS = frozenset({"relationship_intent", "readiness", "goal_areas", *CSI4_ITEMS})
if COUPLE_QUESTIONS & PRIVATE_QUESTIONS:  # pragma: no cover - a guard
    raise RuntimeError("COUPLE_QUESTIONS must not include a private question")


Evidence = tuple[tuple[str, Any], ...]


class Hit(NamedTuple):
    """What a check returns when its rule is raised."""

    evidence: Evidence
    message: str
    severity: Severity | None = None  # only PS-3 overrides its rule's severity


@dataclass(frozen=True)
class PartnerContext:
    """What a per-partner check may read."""

    answers: Mapping[str, Any]
    scores: Mapping[str, Score]
    params: Parameters
    on_date: date
    date_label: str = "the appointment date"  # or "the evaluation date"


@dataclass(frozen=True)
class CoupleContext:
    """What a couple check may read: both partners' COUPLE_QUESTIONS answers and their
    non-private scores."""

    answers: Mapping[str, Mapping[str, Any]]
    scores: Mapping[str, Mapping[str, Score]]
    params: Parameters
    on_date: date
    date_label: str = "the appointment date"


@dataclass(frozen=True)
class Rule:
    id: str
    topic: str
    severity: Severity
    scope: str  # "partner" or "couple"
    raised_when: str  # plain English, shown in the catalogue (`manage.py rules`)
    parameters: tuple[str, ...]  # names of the Parameters fields the check uses
    check: Callable[[Any], Hit | None]  # PartnerContext or CoupleContext -> Hit | None
    severity_note: str = ""  # when the check can raise another severity (PS-3)
    declared: Declared | None = None  # the clauses of a declarative rule (its check's data)


# --- small helpers -----------------------------------------------------------------------

ACTION = {
    URGENT: "Act today: a clinician should contact this partner, only through a channel they "
    "marked as safe.",
    HIGH: "Review before any prescription decision.",
    REVIEW: "Review before the case is marked ready.",
    INFO: "For context; no review required.",
}


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


_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def month_of(value: Any) -> tuple[int, int] | None:
    """(year, month) from "YYYY-MM" (or a date); None when absent or unreadable."""
    if isinstance(value, date):
        return value.year, value.month
    if isinstance(value, str) and (match := _MONTH.match(value)):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return year, month
    return None


def months_before(on_date: date, year: int, month: int) -> int:
    """Whole calendar months from (year, month) to on_date's month; negative if after it."""
    return (on_date.year * 12 + on_date.month) - (year * 12 + month)


# --- declarative rules: "any of these answers" ----------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One way a declarative rule is raised: when `when` holds, the partner "reports" `reports`.

    `when` is built from the questionnaire's own condition classes: `Eq` (a yes/no answered
    yes, or a choice), `In` (a choice among some, or a multi with one of them ticked) or
    `any_of(Eq(...), ...)` over yes/no questions. In `reports`, "{which}" stands for the
    words in `which` of the codes chosen or ticked (for `In`) or of the questions answered
    yes (for `any_of`), in `which`'s order; "{answer}" for the label of the choice made, in
    the questionnaire's words. Every question whose answer holds is cited as evidence.
    """

    when: Condition
    reports: str
    which: tuple[tuple[str, str], ...] = ()

    def leaves(self) -> tuple[Eq | In, ...]:
        if isinstance(self.when, AnyOf):
            return tuple(c for c in self.when.conditions if isinstance(c, Eq | In))
        if isinstance(self.when, Eq | In):
            return (self.when,)
        raise TypeError(f"a clause takes Eq, In or any_of(Eq, ...), not {self.when!r}")

    def held(self, answers: Mapping[str, Any]) -> list[Eq | In]:
        return [leaf for leaf in self.leaves() if _holds(leaf, answers)]

    def words(self, answers: Mapping[str, Any], held: list[Eq | In]) -> str:
        keys: list[str] = []
        for leaf in held:
            if isinstance(leaf, In):
                answer = answers.get(leaf.question)
                chosen = answer if isinstance(answer, list | tuple) else (answer,)
                keys += [code for code in leaf.options if code in chosen]
            else:
                keys.append(leaf.question)
        which = _join([words for key, words in self.which if key in keys])
        answer = ""
        if "{answer}" in self.reports:
            question = QUESTIONNAIRE.question(held[0].question)
            answer = question.choice_label(answers.get(question.id))
        return self.reports.format(which=which, answer=answer)


def _holds(leaf: Eq | In, answers: Mapping[str, Any]) -> bool:
    """As the condition's own `holds`, except that a yes/no counts only when it is exactly
    true or false (1 is not yes)."""
    if isinstance(leaf, Eq) and isinstance(leaf.value, bool):
        return answers.get(leaf.question) is leaf.value
    if isinstance(leaf, In) and isinstance(answers.get(leaf.question), bool):
        return False
    return leaf.holds(answers)


def ticked(question_id: str, labels: Mapping[str, str], reports: str) -> Clause:
    """A clause raised when `question_id` is (or includes) one of the codes of `labels`;
    "{which}" in `reports` lists the words of those chosen."""
    return Clause(In(question_id, tuple(labels)), reports, tuple(labels.items()))


def yes(question_id: str, reports: str) -> Clause:
    """A clause raised when the yes/no question `question_id` is answered yes."""
    return Clause(Eq(question_id, True), reports)


@dataclass(frozen=True)
class Declared:
    """A rule raised when any of its clauses holds. The message is "Reports" and what each
    clause that holds reports, then `why` (with each `why_also` text whose condition holds),
    then what the severity asks of the clinician. Its "raised when" text is made from the
    clauses (`raised_when`), so the catalogue cannot say something the check does not do."""

    clauses: tuple[Clause, ...]
    why: str
    why_also: tuple[tuple[Clause, str], ...] = ()

    def hit(self, severity: Severity, p: PartnerContext) -> Hit | None:
        parts: list[str] = []
        cited: list[str] = []
        for clause in self.clauses:
            if held := clause.held(p.answers):
                parts.append(clause.words(p.answers, held))
                cited += [leaf.question for leaf in held]
        if not parts:
            return None
        why = "; ".join(
            [self.why, *(text for clause, text in self.why_also if clause.held(p.answers))]
        )
        evidence = _evidence(p.answers, *dict.fromkeys(cited))
        return Hit(evidence, _message(parts, why, severity))

    def raised_when(self) -> str:
        """The clauses in words: consecutive yes/no clauses and clauses on the same question
        are merged ("aneurysm_avm or brain_bleed is yes", "thyroid is x or y"); an any_of
        over all the items of a yes/no instrument is named ("HARK is 1 or more (...)")."""
        groups: list[tuple[str, list[str]]] = []  # (question id, or "" for yes/no; items)
        for clause in self.clauses:
            questions = tuple(leaf.question for leaf in clause.leaves())
            if isinstance(clause.when, AnyOf) and questions in INSTRUMENT_ITEMS.values():
                [name] = [
                    INSTRUMENT_NAMES[c] for c, i in INSTRUMENT_ITEMS.items() if i == questions
                ]
                groups.append((f"={name} is 1 or more (any of {_or(list(questions))} is yes)", []))
                continue
            for leaf in clause.leaves():
                if isinstance(leaf, Eq) and leaf.value is True:
                    key, items = "", [leaf.question]
                else:
                    key = leaf.question
                    values = leaf.options if isinstance(leaf, In) else (leaf.value,)
                    items = [str(value) for value in values]
                if groups and groups[-1][0] == key:
                    groups[-1][1].extend(i for i in items if i not in groups[-1][1])
                else:
                    groups.append((key, items))
        texts = []
        for key, items in groups:
            if key.startswith("="):
                texts.append(key[1:])
            elif not key:
                texts.append(f"{_or(items)} is yes")
            elif QUESTIONNAIRE.question(key).type == QType.MULTI:
                texts.append(f"{key} includes {_or(items)}")
            else:
                texts.append(f"{key} is {_or(items)}")
        return ", or ".join(texts)


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def declared(rule_id: str, topic: str, severity: Severity, rule: Declared) -> Rule:
    """The catalogue entry of a declarative rule."""

    def check(p: PartnerContext) -> Hit | None:
        return rule.hit(severity, p)

    check.__name__ = check.__qualname__ = rule_id.lower().replace("-", "_")
    return Rule(rule_id, topic, severity, "partner", rule.raised_when(), NONE, check, declared=rule)


# --- suicide risk and safety (private step) ------------------------------------------------


SI_FOLLOW_UPS = {"si_intent": "intent", "si_plan": "a plan"}


def _si_follow_ups_unanswered(a: Mapping[str, Any]) -> list[str]:
    """With si_thoughts yes and neither intent nor a plan answered yes: the words for those of
    the two not answered yet (a step saved part way, or a document without them)."""
    if not _yes(a, "si_thoughts") or any(_yes(a, qid) for qid in SI_FOLLOW_UPS):
        return []
    return [words for qid, words in SI_FOLLOW_UPS.items() if not isinstance(a.get(qid), bool)]


def _si_1_parts(a: Mapping[str, Any]) -> list[str]:
    parts = []
    if _yes(a, "si_intent"):
        parts.append("some intention of acting on thoughts of ending their life (past month)")
    if _yes(a, "si_plan"):
        parts.append("having worked out details or a plan (past month)")
    if unanswered := _si_follow_ups_unanswered(a):
        parts.append(
            f"thoughts of ending their life (past month), with the "
            f"question{'s' if len(unanswered) > 1 else ''} on {_join(unanswered)} not answered "
            "yet (treated as possibly present)"
        )
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
    cited = ["si_intent", "si_plan", "si_behaviour", "si_behaviour_3m"]
    if _si_follow_ups_unanswered(p.answers):
        cited.insert(0, "si_thoughts")
    evidence = _evidence(p.answers, *cited)
    evidence = tuple((qid, value) for qid, value in evidence if value is True)
    why = (
        "these are the answers that call for safety precautions until a mental-health "
        "professional has spoken with them, and ketamine products carry a warning about "
        "suicidal thoughts"
    )
    return Hit(evidence, _message(parts, why, URGENT))


# Hand-written, not a declarative Clause on In("phq9_9", (1, 2, 3)): its message is not
# "Reports ...", and it names the code chosen along with the label in lower case.
def si_2(p: PartnerContext) -> Hit | None:
    value = p.answers.get("phq9_9")
    if not is_int(value) or value < 1:
        return None
    label = QUESTIONNAIRE.question("phq9_9").choice_label(value).lower()
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
        f"{_join(_si_3_answered(a))}; a clinician should assess suicide risk before treatment "
        "(ketamine products carry a warning about suicidal thoughts)"
    )
    return Hit(evidence, _message(parts, why, REVIEW))


def _si_3_answered(a: Mapping[str, Any]) -> list[str]:
    """What SI-3's partner answered to the questions that would raise SI-1 instead: said as
    answered no, not asked or not answered, never as "not reported"."""
    facts = []
    thoughts = a.get("si_thoughts")
    if thoughts is True:  # both follow-ups answered no, or SI-1 is raised
        facts.append("they answered no to intent and to a plan")
    elif thoughts is False:
        facts.append("intent and a plan were not asked (no thoughts of ending their life)")
    else:
        facts.append("thoughts of ending their life, intent and a plan are not answered")
    behaviour = a.get("si_behaviour")
    if behaviour is False:
        facts.append("they answered no to ever having done something to end their life")
    elif behaviour is not True:
        facts.append("whether they have ever done something to end their life is not answered")
    return facts


# --- physical health -----------------------------------------------------------------------


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


# --- mental health -------------------------------------------------------------------------


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


# --- substances ------------------------------------------------------------------------------


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


# --- age ---------------------------------------------------------------------------------------


def ag_1(p: PartnerContext) -> Hit | None:
    age = partner_age(p.answers, p.on_date)
    if age is None or age >= p.params.min_age:
        return None
    message = (
        f"Is {age} on {p.date_label} (going by date_of_birth); esketamine is not "
        f"approved under {MIN_AGE} and the clinic's minimum age is {p.params.min_age}. "
        f"{ACTION[HIGH]}"
    )
    return Hit(_evidence(p.answers, "date_of_birth"), message)


def ag_2(p: PartnerContext) -> Hit | None:
    age = partner_age(p.answers, p.on_date)
    if age is None or age < 65:
        return None
    message = (
        f"Is {age} on {p.date_label}; people aged 65 or over have higher drug levels, "
        f"and some labels start at a lower dose. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, "date_of_birth"), message)


# --- scores ------------------------------------------------------------------------------------


def mh_1(p: PartnerContext) -> Hit | None:
    score = p.scores["phq9"]
    if score.total is None or score.total < 10:
        return None
    message = (
        f"PHQ-9 total {score.total}, in the {score.band} band; a screening score for the "
        f"clinician's own assessment of depression before treatment. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, *PHQ9_ITEMS), message)


def mh_2(p: PartnerContext) -> Hit | None:
    score = p.scores["gad7"]
    if score.total is None or score.total < 10:
        return None
    message = (
        f"GAD-7 total {score.total}, in the {score.band} band; a screening score for the "
        f"clinician's own assessment of anxiety before treatment. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, *GAD7_ITEMS), message)


def mh_3(p: PartnerContext) -> Hit | None:
    score = p.scores["pcptsd5"]
    if score.band != "positive":
        return None
    message = (
        f"PC-PTSD-5 total {score.total} (positive at {p.params.ptsd_cutoff} or more); a "
        f"positive screen calls for a fuller assessment, and memories of trauma can come up "
        f"in sessions. {ACTION[INFO]}"
    )
    items = ("ptsd_event", *PCPTSD5_ITEMS)
    return Hit(_evidence(p.answers, *items), message)


def rl_1(p: PartnerContext) -> Hit | None:
    score = p.scores["csi4"]
    if score.band != "notable dissatisfaction":
        return None
    message = (
        f"CSI-4 total {score.total} (below the cut-off of {p.params.csi_cutoff}: notable "
        f"dissatisfaction with the relationship); context for the couple work. {ACTION[INFO]}"
    )
    return Hit(_evidence(p.answers, *CSI4_ITEMS), message)


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
    evidence = tuple(
        (qid, {"a": c.answers["a"][qid], "b": c.answers["b"][qid]}) for qid in CSI4_ITEMS
    )
    message = (
        f"The partners' CSI-4 totals differ by {abs(total_a - total_b)} "
        f"(A {total_a}, B {total_b}): they see the relationship quite differently; context "
        f"for the couple work. {ACTION[INFO]}"
    )
    return Hit(evidence, message)


# --- the declarative rules -------------------------------------------------------------------

HARK_LABELS = {
    "ipv_humiliated": "humiliated or emotionally abused",
    "ipv_afraid": "afraid",
    "ipv_forced_sex": "forced into sexual activity",
    "ipv_physical": "physically hurt",
}

IPV_1 = Declared(
    (
        yes("unsafe_now", "being afraid for their safety at home right now"),
        # Any HARK item answered yes means HARK >= 1, even if other items are unanswered.
        Clause(
            any_of(*(Eq(qid, True) for qid in HARK_ITEMS)),
            "a positive HARK (past year, by a partner or ex-partner: {which})",
            tuple(HARK_LABELS.items()),
        ),
        yes("ipv_hurt_partner", "having pushed, hit or hurt a partner in the past year"),
    ),
    "violence or fear in a relationship changes whether joint sessions and shared dosing are "
    "safe; speak with this partner alone and never raise these answers in front of the other "
    "partner",
)

FREE_TO_DECLINE = (
    'answering "{}" when asked if they feel free to say no, or to stop at any time, without '
    "consequences at home"
)
VOL_1 = Declared(
    (
        yes("pressured", "being pressured by someone to take part"),
        Clause(Eq("free_to_decline", "no"), FREE_TO_DECLINE.format("no")),
        Clause(Eq("free_to_decline", "not_sure"), FREE_TO_DECLINE.format("not sure")),
    ),
    "consent to treatment must be free of pressure, including pressure from a partner; talk "
    "with this partner alone",
)

CV_1 = Declared(
    (
        yes("aneurysm_avm", "an aneurysm or arteriovenous malformation"),
        yes("brain_bleed", "bleeding in the brain"),
    ),
    "drug labels list aneurysmal vascular disease, arteriovenous malformation and a history of "
    "bleeding in the brain as reasons not to use esketamine, because it raises blood pressure",
)

CV_5 = Declared(
    (
        yes(
            "heart_rhythm_failure_valve",
            "an irregular heartbeat, heart failure, valve disease or a pacemaker",
        ),
    ),
    "ketamine raises heart rate and blood pressure, and labels warn about uncontrolled heart "
    "problems",
)

NE_1 = Declared(
    (
        yes(
            "head_injury_icp",
            "a serious head injury, a brain tumour or shunt, or raised pressure in the head",
        ),
    ),
    "the esketamine label says not to give it where a rise in pressure inside the head is a "
    "serious risk",
)

NE_2 = Declared(
    (yes("glaucoma_eye", "glaucoma, a recent eye injury or planned eye surgery"),),
    "ketamine can raise the pressure inside the eye",
)

NE_3 = Declared(
    (
        yes("seizures", "epilepsy or seizures"),
        Clause(In("med_classes", ("theophylline",)), "taking theophylline or aminophylline"),
    ),
    "the ketamine label says theophylline and aminophylline lower the seizure threshold with "
    "ketamine, and ketamine can cause movements that resemble seizures",
)

PS_1 = Declared(
    (
        yes(
            "psychotic_symptoms",
            "having heard or seen things others did not, or held beliefs others found very strange",
        ),
        Clause(
            In("conditions_told", ("psychotic_disorder",)),
            "being told by a professional they have a psychotic disorder",
        ),
    ),
    "ketamine's dissociative effects can worsen psychosis, and the label asks for a careful "
    "assessment of benefit and risk first",
)

PS_2 = Declared(
    (
        yes(
            "family_psychosis",
            "a parent, brother, sister or child with schizophrenia or psychosis",
        ),
    ),
    "clinics treat a close family history of psychosis as a reason for caution with ketamine",
)

PS_4 = Declared(
    (
        Clause(
            In("conditions_told", ("dissociative_disorder",)),
            "being told by a professional they have a dissociative disorder",
        ),
    ),
    "ketamine causes dissociation, and clinics treat dissociative disorders as a reason for "
    "caution",
)

SU_1 = Declared(
    (
        Clause(
            In("dissociative_use", ("once_past_year", "monthly_or_less", "weekly_or_more")),
            'non-prescribed use of ketamine, PCP, DXM or nitrous oxide, answering "{answer}"',
        ),
    ),
    "the label warns of abuse and misuse, and recent use of dissociatives is a reason for caution",
)

SUBSTANCE_LABELS = {
    "cocaine": "cocaine",
    "amphetamines": "amphetamines",
    "opioids_non_prescribed": "non-prescribed opioids",
    "psychedelics": "psychedelics",
    "sedatives_non_prescribed": "non-prescribed sedatives",
}
SU_3 = Declared(
    (
        ticked("substances_past_year", SUBSTANCE_LABELS, "using {which} in the past year"),
        yes("substance_treatment", "being in treatment or recovery for substance use now"),
        Clause(
            In("conditions_told", ("substance_use_disorder",)),
            "being told by a professional they have a substance use disorder",
        ),
    ),
    "the label asks for the risk of misuse to be assessed before prescribing",
)

OB_1 = Declared(
    (
        ticked(
            "pregnancy",
            {
                "pregnant": "being pregnant",
                "possibly_pregnant": "possibly being pregnant",
                "breastfeeding": "breastfeeding",
            },
            "{which}",
        ),
    ),
    "the esketamine label says it may harm an unborn baby and that breastfeeding is not "
    "recommended",
)

OB_2 = Declared(
    (Clause(In("pregnancy", ("planning_or_ivf",)), "planning a pregnancy or IVF"),),
    "the esketamine label advises thinking about pregnancy planning and prevention",
)

ME_1 = Declared(
    (yes("liver", "hepatitis, cirrhosis, fatty liver or abnormal liver tests"),),
    "ketamine can injure the liver, and liver disease can change how long monitoring is needed",
)

ME_2 = Declared(
    (
        yes(
            "urinary_symptoms",
            "urinary symptoms now (passing urine often or urgently, pain, or blood in the urine)",
        ),
        yes("bladder_condition", "interstitial cystitis or another bladder condition"),
    ),
    "ketamine can inflame the bladder, and the label asks for urinary and bladder symptoms to "
    "be monitored",
)

ME_3 = Declared(
    (
        Clause(
            Eq("thyroid", "overactive_not_controlled"),
            "an overactive thyroid that is not controlled",
        ),
        Clause(Eq("thyroid", "not_sure"), "not being sure about their thyroid"),
    ),
    "labels warn against ketamine with an overactive thyroid that is not well treated",
)

ME_4 = Declared(
    (yes("lung_sleep_apnoea", "COPD or another lung disease, or sleep apnoea"),),
    "ketamine can slow breathing, and labels warn about lung disease and sleep apnoea",
)

ME_5 = Declared(
    (yes("ketamine_reaction", "a bad or allergic reaction to ketamine or esketamine"),),
    "drug labels list an allergy to ketamine as a reason not to use it; read the details the "
    "partner gave",
)

ME_6 = Declared(
    (yes("anaesthesia_reaction", "a bad reaction to an anaesthetic"),),
    "ketamine is itself an anaesthetic; read the details the partner gave",
)

MED_LABELS = {
    "maoi": "an MAOI",
    "stimulant": "a stimulant",
    "opioid": "an opioid",
    "benzodiazepine": "a benzodiazepine",
    "other_sedative": "another sedative",
    "lamotrigine": "lamotrigine",
    "naltrexone": "naltrexone",
}


def _medicines(*codes: str) -> Clause:
    return ticked("med_classes", {code: MED_LABELS[code] for code in codes}, "taking {which}")


RX_1 = Declared(
    (_medicines("maoi", "stimulant"),),
    "together with ketamine, MAOIs and stimulants can raise blood pressure further, and the "
    "label asks for blood pressure to be watched closely",
)

RX_2 = Declared(
    (_medicines("opioid", "benzodiazepine", "other_sedative"),),
    "opioids and sedatives add to ketamine's sedation and can slow breathing",
    why_also=(
        (
            _medicines("benzodiazepine"),
            "benzodiazepines may also blunt ketamine's effect",
        ),
    ),
)

RX_3 = Declared(
    (_medicines("lamotrigine", "naltrexone"),),
    "lamotrigine and naltrexone may blunt ketamine's effect (the evidence is mixed)",
)


# --- the catalogue -----------------------------------------------------------------------------

P, C = "partner", "couple"
NONE: tuple[str, ...] = ()

# Rule(id, topic, severity, scope, raised_when, parameters, check[, severity_note]), or
# declared(id, topic, severity, the Declared clauses) for a declarative rule.
RULES: tuple[Rule, ...] = (
    Rule("SI-1", "suicide_risk", URGENT, P,
         "si_intent or si_plan is yes, or si_behaviour_3m is yes; also when si_thoughts is "
         "yes and si_intent or si_plan is not answered (neither yes), or si_behaviour is yes "
         "and si_behaviour_3m is not answered: treated as possibly present or recent",
         NONE, si_1),
    Rule("SI-2", "suicide_risk", URGENT, P,
         "PHQ-9 item 9 (phq9_9) is 1 or more",
         NONE, si_2),
    Rule("SI-3", "suicide_risk", REVIEW, P,
         "si_wish_dead, si_thoughts or si_method is yes, or si_behaviour is yes with "
         "si_behaviour_3m no; and SI-1 is not raised",
         NONE, si_3),
    declared("IPV-1", "relationship_safety", URGENT, IPV_1),
    declared("VOL-1", "voluntariness", HIGH, VOL_1),
    declared("CV-1", "vascular", HIGH, CV_1),
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
    declared("CV-5", "cardiac_other", REVIEW, CV_5),
    declared("NE-1", "intracranial_pressure", REVIEW, NE_1),
    declared("NE-2", "eye_pressure", REVIEW, NE_2),
    declared("NE-3", "seizures", REVIEW, NE_3),
    declared("PS-1", "psychosis", HIGH, PS_1),
    declared("PS-2", "psychosis_family", REVIEW, PS_2),
    Rule("PS-3", "mania", REVIEW, P,
         "mania_ever (or mania_now) is yes, or conditions_told includes bipolar",
         NONE, ps_3, "high when mania_now is yes"),
    declared("PS-4", "dissociation", REVIEW, PS_4),
    declared("SU-1", "dissociative_use", HIGH, SU_1),
    Rule("SU-2", "alcohol", REVIEW, P,
         "AUDIT-C is positive (4 or more if sex_for_scoring is male, 3 or more otherwise, "
         "including when it is not answered), or can_abstain_24h is no",
         NONE, su_2),
    declared("SU-3", "substance_use", REVIEW, SU_3),
    declared("OB-1", "pregnancy", HIGH, OB_1),
    declared("OB-2", "pregnancy", REVIEW, OB_2),
    declared("ME-1", "liver", REVIEW, ME_1),
    declared("ME-2", "urinary", REVIEW, ME_2),
    declared("ME-3", "thyroid", REVIEW, ME_3),
    declared("ME-4", "respiratory", REVIEW, ME_4),
    declared("ME-5", "prior_reaction", HIGH, ME_5),
    declared("ME-6", "prior_reaction", REVIEW, ME_6),
    Rule("AG-1", "age", HIGH, P,
         "younger than min_age in whole years on the appointment date (a birthday on that "
         "day counts as reached)",
         ("min_age",), ag_1),
    Rule("AG-2", "age", INFO, P,
         "65 or older in whole years on the appointment date",
         NONE, ag_2),
    declared("RX-1", "medication", HIGH, RX_1),
    declared("RX-2", "medication", REVIEW, RX_2),
    declared("RX-3", "medication", REVIEW, RX_3),
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

RULE_ORDER: dict[str, int] = {rule.id: index for index, rule in enumerate(RULES)}

__all__ = [
    "COUPLE_QUESTIONS",
    "CoupleContext",
    "Hit",
    "INSTRUMENT_NAMES",
    "PRIVATE_INSTRUMENTS",
    "PRIVATE_QUESTIONS",
    "PartnerContext",
    "RULES",
    "RULE_ORDER",
    "Rule",
    "Severity",
    "month_of",
    "months_before",
]
