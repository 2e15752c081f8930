"""What a clinician (case page) and the prescriber (PDF) read about a case, built once.

Everything comes from the questionnaire definition, the partners' answers, the current
screening and the dispositions; nobody writes a question's wording twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from intake.models import Consent, Couple, Partner
from intake.questionnaire import QUESTIONNAIRES
from intake.questionnaire.answers import age, is_missing
from intake.questionnaire.display import display_value, not_an_answer, printable, unreadable
from intake.questionnaire.document import check_value
from intake.questionnaire.schema import Question, Questionnaire

from .models import Disposition, Flag, Screening, SignOff
from .review import (
    CaseStatus,
    ReviewItem,
    case_status,
    current_screening,
    latest_dispositions,
    review_items,
    sign_off_in_force,
)
from .rules import Severity

SEVERITIES = tuple(Severity.choices())
INSTRUMENTS = (
    ("phq9", "PHQ-9"),
    ("gad7", "GAD-7"),
    ("pcptsd5", "PC-PTSD-5"),
    ("auditc", "AUDIT-C"),
    ("csi4", "CSI-4"),
    ("hark", "HARK"),
)
MISSING = "missing"


@dataclass
class SafeContact:
    """How the clinic may reach a partner after an urgent answer: the channels they ticked
    as safe, each with the number or address they gave, and their emergency contact. Shown
    beside every urgent flag (case page and PDF); "none" is said plainly."""

    label: str  # "a" or "b"
    channels: list[tuple[str, str]]  # (channel, number or address)
    none: str  # when no channel may be used, why, in words; "" otherwise
    emergency: str

    @property
    def channels_text(self) -> str:
        return self.none or "; ".join(f"{channel}: {detail}" for channel, detail in self.channels)


# The number or address each safe channel uses (docs/questionnaire.md: safe_contact).
_CHANNEL_DETAIL = {"email": "email", "phone_call": "phone", "text_message": "phone"}


def _safe_contact(questionnaire: Questionnaire, partner: Partner, answers: dict) -> SafeContact:
    chosen = answers.get("safe_contact")
    question = questionnaire.question("safe_contact")
    labels = {choice.code: choice.label for choice in question.choices}
    emergency = answers.get("emergency_contact")
    emergency = printable(emergency).strip() if isinstance(emergency, str) else ""
    channels: list[tuple[str, str]] = []
    none = ""
    if not chosen:
        none = "not answered: no channel is known to be safe"
    elif "none" in chosen:
        none = "none: the partner will contact the clinic themselves"
    else:
        for code in chosen:
            detail_id = _CHANNEL_DETAIL.get(code)
            detail = answers.get(detail_id) if detail_id else None
            if not detail and code == "email" and partner.email:
                detail = f"{partner.email} (the address the clinic entered)"
            shown = printable(detail) if isinstance(detail, str) and detail.strip() else ""
            channels.append((labels.get(code, printable(code)), shown or "none given"))
    return SafeContact(partner.label, channels, none, emergency or "none given")


@dataclass
class PartnerSummary:
    partner: Partner
    answers: dict[str, Any]
    preferred_name: str
    date_of_birth: str
    age: int | None
    # question id -> what to show for a stored value its question does not take
    unreadable: dict[str, str] = field(default_factory=dict)
    consent: Consent | None = None  # the partner's latest answer to the consent notice
    safe_contact: SafeContact | None = None


@dataclass
class EvidenceRow:
    question_id: str
    wording: str
    answer: str


@dataclass
class FlagView:
    key: str
    rule: str
    severity: Severity
    partner: str
    topic: str
    message: str
    evidence: list[EvidenceRow]
    needs_disposition: bool
    disposition: Disposition | None
    history: list[Disposition] = field(default_factory=list)
    alert_only: bool = False  # an urgent answer saved before submission
    # On the case page after a post about this flag: a notice, and a refused form's values.
    state: dict[str, Any] = field(default_factory=dict)
    # urgent flags only: how the partner (both, for a couple flag) may be reached safely
    contacts: list[SafeContact] = field(default_factory=list)

    @property
    def severity_label(self) -> str:
        return self.severity.label

    @property
    def is_urgent(self) -> bool:
        return self.severity is Severity.URGENT


@dataclass
class AnswerRow:
    question: Question
    cells: list[str]  # one per partner; "" = missing
    private: bool
    asked: list[bool]


def _partner_answers(partner: Partner) -> dict[str, Any]:
    if partner.status == Partner.Status.SUBMITTED:
        latest = max(partner.submissions.all(), key=lambda s: s.number, default=None)
        if latest is not None:
            return latest.answers
    answer_set = getattr(partner, "answer_set", None)
    return answer_set.answers if answer_set is not None else {}


def _readable_answers(
    questionnaire: Questionnaire, stored: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The stored answers a page or the PDF can show, and the ones it cannot (a value its
    question does not take, whatever put it there), as text. Text that cannot be printed is
    shown escaped."""
    if not isinstance(stored, dict):
        return {}, {}
    answers, bad = {}, {}
    for question_id, value in stored.items():
        if not isinstance(question_id, str) or not questionnaire.has_question(question_id):
            continue
        value = printable(value)
        if check_value(questionnaire.question(question_id), value) is None:
            answers[question_id] = value
        else:
            bad[question_id] = unreadable(value)
    return answers, bad


def _shown(question: Question, value: Any, answers: dict[str, Any] | None = None) -> str:
    try:
        return display_value(question, printable(value), answers)
    except (TypeError, KeyError, ValueError, AttributeError, StopIteration):
        return unreadable(value)


def _evidence_rows(questionnaire: Questionnaire, evidence: list | dict, partner: str) -> list:
    """The evidence in the order the rule cites it: stored as [question id, value] pairs."""
    rows = []
    pairs: Any = evidence.items() if isinstance(evidence, dict) else evidence
    if not isinstance(pairs, list | type({}.items())):
        return [EvidenceRow("", "", unreadable(evidence))]
    pair: Any
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            rows.append(EvidenceRow("", "", unreadable(pair)))
            continue
        question_id, value = pair
        if not isinstance(question_id, str) or not questionnaire.has_question(question_id):
            rows.append(EvidenceRow(printable(question_id), printable(question_id), _text(value)))
            continue
        question = questionnaire.question(question_id)
        if partner == "couple" and isinstance(value, dict):
            shown = "; ".join(
                f"{printable(str(label)).upper()}: {_shown(question, v) or MISSING}"
                for label, v in value.items()
            )
        else:
            shown = _shown(question, value) or MISSING
        rows.append(EvidenceRow(question_id, question.label, shown))
    return rows


def _text(value: Any) -> str:
    return printable(value) if isinstance(value, str) else unreadable(value)


@dataclass
class CaseSummary:
    couple: Couple
    questionnaire: Questionnaire
    status: str
    status_label: str
    partners: list[PartnerSummary]
    screening: Screening | None
    flags: list[FlagView]
    flag_groups: list[tuple[str, str, list[FlagView]]]
    missing: list[FlagView]
    score_rows: list[tuple[str, list[dict]]]
    answer_steps: list[tuple[Any, list[AnswerRow]]]
    discordance: list[tuple[str, str, str, str]]
    sign_off: SignOff | None
    on_date: datetime.date


def build(couple: Couple) -> CaseSummary:
    couple = (
        Couple.objects.prefetch_related(
            "partners__submissions", "partners__answer_set", "partners__consents"
        )
        .select_related("created_by")
        .get(pk=couple.pk)
    )
    questionnaire = QUESTIONNAIRES[couple.questionnaire_version]
    on_date = couple.appointment_date or timezone.localdate()
    partners = []
    for partner in couple.partners.all():
        answers, bad = _readable_answers(questionnaire, _partner_answers(partner))
        partners.append(
            PartnerSummary(
                partner=partner,
                answers=answers,
                preferred_name=answers.get("preferred_name", ""),
                date_of_birth=answers.get("date_of_birth", ""),
                age=age(answers, on_date),
                unreadable=bad,
                consent=max(partner.consents.all(), key=lambda c: (c.at, c.id), default=None),
                safe_contact=_safe_contact(questionnaire, partner, answers),
            )
        )
    screening = current_screening(couple)
    done = latest_dispositions(couple)
    history: dict[str, list[Disposition]] = {}
    for disposition in couple.dispositions.select_related("by").order_by("-at", "-id"):
        history.setdefault(disposition.key, []).append(disposition)
    needing = {item.key for item in review_items(couple, screening)}

    flags: list[FlagView] = []
    flag_keys = set()
    if screening is not None:
        for flag in screening.flags.all():
            flags.append(_flag_view(questionnaire, flag, done, history, needing))
            flag_keys.add(flag.key)
    for item in review_items(couple, screening):
        if item.key not in flag_keys:  # urgent answers saved before submission
            flags.insert(0, _alert_view(item, done, history))
    contacts = {p.partner.label: p.safe_contact for p in partners if p.safe_contact}
    for flag_view in flags:
        if flag_view.severity == Severity.URGENT:
            flag_view.contacts = [
                contact
                for label, contact in contacts.items()
                if flag_view.partner in (label, "couple")
            ]
    groups = [(code, label, [f for f in flags if f.severity == code]) for code, label in SEVERITIES]
    status = case_status(couple)
    return CaseSummary(
        couple=couple,
        questionnaire=questionnaire,
        status=status,
        status_label=CaseStatus.LABELS[status],
        partners=partners,
        screening=screening,
        flags=flags,
        flag_groups=[g for g in groups if g[2]],
        missing=[f for f in flags if f.needs_disposition and f.disposition is None],
        score_rows=_score_rows(screening, [p.partner.label for p in partners]),
        answer_steps=_answer_steps(questionnaire, partners),
        discordance=_discordance(questionnaire, partners, screening),
        sign_off=sign_off_in_force(couple),
        on_date=on_date,
    )


def _flag_view(questionnaire, flag: Flag, done, history, needing) -> FlagView:
    return FlagView(
        key=flag.key,
        rule=flag.rule,
        severity=Severity(flag.severity),
        partner=flag.partner,
        topic=flag.topic.replace("_", " "),
        message=printable(flag.message),
        evidence=_evidence_rows(questionnaire, flag.evidence, flag.partner),
        needs_disposition=flag.key in needing,
        disposition=done.get(flag.key),
        history=history.get(flag.key, []),
    )


def _alert_view(item: ReviewItem, done, history) -> FlagView:
    return FlagView(
        key=item.key,
        rule=item.rule,
        severity=Severity.URGENT,
        partner=item.partner,
        topic="urgent answer before submission",
        message=printable(item.message),
        evidence=[],
        needs_disposition=True,
        disposition=done.get(item.key),
        history=history.get(item.key, []),
        alert_only=True,
    )


def _score_rows(screening: Screening | None, labels: list[str]):
    if screening is None:
        return []
    return [
        (name, [screening.scores.get(label, {}).get(key) for label in labels])
        for key, name in INSTRUMENTS
    ]


def _answer_steps(questionnaire: Questionnaire, partners: list[PartnerSummary]):
    steps = []
    for step in questionnaire.steps:
        rows = []
        for question in step.questions:
            if question.unit_of:
                continue  # shown with its number: "154 lb (69.9 kg)"
            if question.none_for:
                continue  # "I have no …": shown as "none" in the row of the question it is for
            asked = [
                question.id in p.unreadable
                or question.when is None
                or question.when.holds(p.answers)
                for p in partners
            ]
            if not any(asked):
                continue
            cells = [
                p.unreadable.get(question.id)
                or (
                    _shown(question, p.answers.get(question.id), p.answers)
                    if ok
                    else not_an_answer(questionnaire, question, p.answers) or "not asked"
                )
                for p, ok in zip(partners, asked, strict=True)
            ]
            rows.append(AnswerRow(question, cells, step.is_private(question), asked))
        steps.append((step, rows))
    return steps


def _discordance(questionnaire, partners: list[PartnerSummary], screening):
    if len(partners) != 2:
        return []
    a, b = (p.answers for p in partners)
    goal = questionnaire.question("goal_areas")
    goals = a.get("goal_areas"), b.get("goal_areas")
    shared = sorted(set(goals[0] or []) & set(goals[1] or []))
    intent = questionnaire.question("relationship_intent")
    intents = a.get("relationship_intent"), b.get("relationship_intent")
    readiness = a.get("readiness"), b.get("readiness")
    totals = []
    for partner in partners:
        score = (screening.scores if screening else {}).get(partner.partner.label, {}).get("csi4")
        totals.append(score.get("total") if score else None)
    return [
        (
            "Goal areas",
            *(display_value(goal, value) or MISSING for value in goals),
            _compare(
                goals,
                lambda: f"Shared: {display_value(goal, shared)}" if shared else "Nothing shared",
            ),
        ),
        (
            "Relationship intent",
            *(display_value(intent, value) or MISSING for value in intents),
            _compare(intents, lambda: "Same" if intents[0] == intents[1] else "Differs"),
        ),
        (
            "Readiness (0–10)",
            *(MISSING if value is None else str(value) for value in readiness),
            _compare(readiness, lambda: f"Difference {_difference(readiness)}"),
        ),
        (
            "CSI-4 total (0–21)",
            *(MISSING if value is None else str(value) for value in totals),
            _compare(totals, lambda: f"Difference {_difference(totals)}"),
        ),
    ]


def _difference(values: Sequence[int | None]) -> int:
    first, second = values
    assert first is not None and second is not None  # _compare asks only when both are there
    return abs(first - second)


def _compare(values, comparison) -> str:
    """A comparison only when both partners answered: a missing answer is no difference."""
    return "" if any(is_missing(value) for value in values) else comparison()
