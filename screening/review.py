"""The clinician's review: dispositions, sign-off, reopening. State changes live here.

Each change runs in one transaction with the case row locked, checks the current state,
writes named columns and appends to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from intake import services as intake_services
from intake.models import Couple, Partner
from intake.questionnaire.display import day_time_words

from . import queue
from .models import (
    AuditEntry,
    CaseAssignment,
    Disposition,
    Flag,
    Screening,
    SignOff,
    SummaryPDF,
    UrgentAlert,
    record,
)
from .rules import Severity

NEEDS_DISPOSITION = (Severity.URGENT, Severity.HIGH, Severity.REVIEW)
# Signing off as not ready needs a reason (the form says it next to the box, the service too).
NEEDS_REASON = "Say what further assessment is needed before the case is ready."


class ReviewError(Exception):
    """A change the current state does not allow; the message says why, for the clinician.
    `field`: the form field the message belongs next to, when it is about one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class CaseStatus:
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NOT_READY = "not_ready"
    READY = "ready"

    LABELS = {
        INVITED: "Invited",
        IN_PROGRESS: "Filling in",
        SUBMITTED: "Awaiting review",
        IN_REVIEW: "In review",
        NOT_READY: "Not ready: further assessment needed",
        READY: "Ready for the prescriber",
    }


@dataclass(frozen=True)
class ReviewItem:
    """Something a clinician must record a disposition for: a current flag, or an urgent
    alert raised from answers saved before submission."""

    key: str
    rule: str
    severity: str
    partner: str
    message: str
    flag: Flag | None = None


def current_screening(couple: Couple) -> Screening | None:
    return couple.screenings.filter(is_current=True).prefetch_related("flags").first()


def latest_dispositions(couple: Couple) -> dict[str, Disposition]:
    latest: dict[str, Disposition] = {}
    for disposition in couple.dispositions.select_related("by").order_by("at", "id"):
        latest[disposition.key] = disposition
    return latest


def sign_off_in_force(couple: Couple) -> SignOff | None:
    return couple.sign_offs.in_force().select_related("by").first()


def summary_in_force(couple: Couple) -> tuple[SignOff | None, SummaryPDF | None]:
    """The sign-off in force and its stored summary (None while the worker makes it). Older
    summaries belong to sign-offs reopened since: out of date."""
    sign_off = sign_off_in_force(couple)
    if sign_off is None:
        return None, None
    return sign_off, SummaryPDF.objects.filter(sign_off=sign_off).first()


def review_items(couple: Couple, screening: Screening | None = None) -> list[ReviewItem]:
    """Every item that needs a disposition, current flags first, then open urgent alerts."""
    screening = screening if screening is not None else current_screening(couple)
    items = []
    keys = set()
    if screening is not None:
        for flag in screening.flags.all():
            if flag.severity in NEEDS_DISPOSITION:
                items.append(
                    ReviewItem(flag.key, flag.rule, flag.severity, flag.partner, flag.message, flag)
                )
                keys.add(flag.key)
    alerts = UrgentAlert.objects.filter(partner__couple=couple).select_related("partner")
    for alert in alerts:
        if alert.key not in keys:
            items.append(
                ReviewItem(
                    alert.key, alert.rule, Severity.URGENT, alert.partner.label, alert.message
                )
            )
            keys.add(alert.key)
    return items


def missing_dispositions(couple: Couple) -> list[ReviewItem]:
    done = latest_dispositions(couple)
    return [item for item in review_items(couple) if item.key not in done]


def case_status(couple: Couple) -> str:
    """The case's place in the workflow (the queue computes the same in SQL)."""
    signed = sign_off_in_force(couple)
    if signed is not None:
        return CaseStatus.READY if signed.is_ready else CaseStatus.NOT_READY
    partners = list(couple.partners.all())
    if all(p.status == Partner.Status.SUBMITTED for p in partners):
        if couple.dispositions.exists():
            return CaseStatus.IN_REVIEW
        return CaseStatus.SUBMITTED
    if any(p.status != Partner.Status.INVITED for p in partners):
        return CaseStatus.IN_PROGRESS
    return CaseStatus.INVITED


def _lock(couple: Couple) -> Couple:
    return Couple.objects.select_for_update().get(pk=couple.pk)


class AlreadyRecorded(ReviewError):
    """A disposition is in force for this flag (recorded, or changed, by someone meanwhile):
    replacing it needs an explicit "Change" from the one shown."""

    def __init__(self, message: str, current: Disposition):
        super().__init__(message, "replaces")
        self.current = current


def _recorded_by(disposition: Disposition) -> str:
    who = disposition.by.get_full_name() or disposition.by.get_username()
    when = timezone.localtime(disposition.at)
    return f"{disposition.get_outcome_display()}, by {who} on {day_time_words(when)}"


@transaction.atomic
def record_disposition(
    couple: Couple,
    key: str,
    outcome: str,
    note: str,
    user,
    request=None,
    *,
    replaces: int | None = None,
) -> Disposition:
    """Record what was done for a flag. Once one is recorded, another is taken only as a
    change of the one in force (`replaces`: its id, from the "Change" form): a second record
    made without seeing the first, or from an earlier one, is refused. The earlier record
    is kept; both are in the audit log."""
    couple = _lock(couple)
    if sign_off_in_force(couple) is not None:
        raise ReviewError("This case is signed off. Reopen the case to change anything.")
    if outcome not in Disposition.Outcome.values:
        raise ReviewError("Choose what was done.", "outcome")
    item = next((i for i in review_items(couple) if i.key == key), None)
    if item is None:
        raise ReviewError("This flag is no longer current. Reload the case to see its flags.")
    note = (note or "").strip()
    if not note:
        raise ReviewError("Write a short note about what was done.", "note")
    previous = latest_dispositions(couple).get(key)
    if (
        previous is not None
        and previous.outcome == outcome
        and previous.note == note
        and previous.by_id == user.pk
    ):
        return previous  # a double submit: nothing new to record
    if previous is not None and replaces is None:
        raise AlreadyRecorded(
            f"A disposition is already recorded for this flag ({_recorded_by(previous)}). "
            "To record something else, use “Change”.",
            previous,
        )
    if previous is not None and replaces != previous.pk:
        raise AlreadyRecorded(
            "This disposition was changed meanwhile "
            f"({_recorded_by(previous)}). Read it, then use “Change” again if needed.",
            previous,
        )
    if previous is None and replaces is not None:
        raise ReviewError("The disposition to change is not this flag's. Reload the case.")
    disposition = Disposition.objects.create(
        couple=couple,
        key=key,
        rule=item.rule,
        partner=item.partner,
        outcome=outcome,
        note=note,
        by=user,
        replaces=previous,
    )
    audit = {"rule": item.rule, "outcome": outcome}
    if previous is not None:
        audit["earlier_outcome"] = previous.outcome
        audit["earlier_by"] = previous.by.get_username()
    record(
        user,
        AuditEntry.Action.DISPOSITION_CHANGED
        if previous is not None
        else AuditEntry.Action.DISPOSITION_RECORDED,
        couple,
        request=request,
        partner_label=item.partner if item.partner in ("a", "b") else "",
        **audit,
    )
    return disposition


@transaction.atomic
def sign_off(
    couple: Couple,
    user,
    note: str,
    request=None,
    *,
    outcome: str = SignOff.Outcome.READY,
    reason: str = "",
) -> SignOff:
    """Sign the case off as ready for the prescriber, or as not ready (further assessment
    needed, with a reason). A case signed off as not ready can be signed off again later,
    either way: the new sign-off replaces the not-ready one, which is kept, closed."""
    couple = _lock(couple)
    if outcome not in SignOff.Outcome.values:
        raise ReviewError("Choose whether the case is ready for the prescriber.")
    previous = sign_off_in_force(couple)
    if previous is not None and previous.is_ready:
        raise ReviewError("This case is already signed off.")
    partners = list(couple.partners.all())
    waiting = [p for p in partners if p.status != Partner.Status.SUBMITTED]
    if waiting:
        names = " and ".join(f"partner {p.label.upper()}" for p in waiting)
        raise ReviewError(f"Waiting for {names} to submit their answers.")
    screening = current_screening(couple)
    if screening is None:
        raise ReviewError("The answers have not been screened yet.")
    missing = missing_dispositions(couple)
    if missing:
        raise ReviewError(
            "Record what was done for every urgent, high and review flag first: "
            + ", ".join(f"{i.rule} ({i.partner})" for i in missing)
        )
    note = (note or "").strip()
    reason = (reason or "").strip() if outcome == SignOff.Outcome.NOT_READY else ""
    if outcome == SignOff.Outcome.NOT_READY and not reason:
        raise ReviewError(NEEDS_REASON)
    if outcome == SignOff.Outcome.READY and not note:
        raise ReviewError("Write a short summary note for the prescriber.")
    if (
        previous is not None
        and previous.outcome == outcome
        and previous.reason == reason
        and previous.note == note
        and previous.by_id == user.pk
    ):
        return previous  # a double submit: nothing new to record
    if previous is not None:
        previous.reopened_by = user
        previous.reopened_at = timezone.now()
        previous.reopen_reason = "Signed off again"
        previous.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    signed = SignOff.objects.create(
        couple=couple,
        screening=screening,
        by=user,
        note=note,
        outcome=outcome,
        reason=reason,
    )
    record(
        user,
        AuditEntry.Action.SIGNED_OFF,
        couple,
        request=request,
        outcome=signed.get_outcome_display(),
    )
    # The prescriber's summary is made by the "pdf" worker, once the sign-off is committed.
    transaction.on_commit(lambda: queue.summary(signed.pk))
    return signed


@transaction.atomic
def reopen_case(couple: Couple, user, reason: str, request=None) -> SignOff:
    couple = _lock(couple)
    signed = sign_off_in_force(couple)
    if signed is None:
        raise ReviewError("This case is not signed off.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Give a reason for reopening the case.")
    signed.reopened_by = user
    signed.reopened_at = timezone.now()
    signed.reopen_reason = reason
    signed.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    record(user, AuditEntry.Action.CASE_REOPENED, couple, request=request, reason=reason)
    return signed


def clinician_name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def assign_to_me(couple: Couple, user, request=None) -> CaseAssignment:
    """Assign the case to this clinician, taking it from whoever had it (audited, with the
    clinician before). Assigning a case already theirs changes nothing."""
    couple = _lock(couple)
    current = CaseAssignment.objects.select_related("clinician").filter(couple=couple).first()
    if current is not None and current.clinician_id == user.pk:
        return current
    previous = clinician_name(current.clinician) if current is not None else ""
    if current is None:
        current = CaseAssignment(couple=couple)
    current.clinician = user
    current.assigned_at = timezone.now()
    current.save()
    record(
        user,
        AuditEntry.Action.CASE_ASSIGNED,
        couple,
        request=request,
        to=clinician_name(user),
        **({"before": previous} if previous else {}),
    )
    return current


@transaction.atomic
def reopen_partner(couple: Couple, label: str, user, reason: str, request=None) -> Partner:
    """Let a partner change and resubmit their answers, with the link they have if it still
    works (an expired or revoked one is not renewed: the clinician issues a new one)."""
    couple = _lock(couple)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Give a reason for reopening the answers.")
    partner = couple.partners.get(label=label)
    if partner.status != Partner.Status.SUBMITTED:
        raise ReviewError(f"Partner {label.upper()}'s answers are not submitted.")
    if sign_off_in_force(couple) is not None:
        reopen_case(couple, user, f"Partner {label.upper()}'s answers reopened: {reason}", request)
    intake_services.reopen(partner)
    record(
        user,
        AuditEntry.Action.ANSWERS_REOPENED,
        couple,
        request=request,
        partner_label=label,
        reason=reason,
    )
    return partner


@transaction.atomic
def make_summary_again(couple: Couple, user, request=None) -> SignOff:
    """Ask the worker again for the summary of the sign-off in force, after it failed."""
    couple = _lock(couple)
    signed, stored = summary_in_force(couple)
    if signed is None:
        raise ReviewError(
            "This case is not signed off: a summary is made when it is signed off again."
        )
    if stored is not None:
        raise ReviewError("The summary is already made.")
    if signed.summary_failed_at is None:
        raise ReviewError("The summary is being prepared. Try again in a moment.")
    signed.summary_failed_at = None
    signed.summary_error = ""
    signed.save(update_fields=["summary_failed_at", "summary_error"])
    record(user, AuditEntry.Action.PDF_REQUESTED_AGAIN, couple, request=request)
    transaction.on_commit(lambda: queue.summary(signed.pk))
    return signed
