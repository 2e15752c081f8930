"""State changes on the couple's side. Each runs in one transaction and checks the state first."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import signals
from .forms import step_form_class
from .models import AnswerSet, Couple, Partner, Submission, hash_token
from .questionnaire import CURRENT, QUESTIONNAIRES
from .questionnaire.document import parse_document


@dataclass(frozen=True)
class NewCase:
    couple: Couple
    links: dict[str, str]  # label -> the full private link, shown once


def link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("intake:open", args=[token])


def _issue_token(partner: Partner) -> str:
    token = secrets.token_urlsafe(32)  # 256 bits
    partner.token_hash = hash_token(token)
    partner.token_expires_at = timezone.now() + datetime.timedelta(
        days=settings.INVITATION_TTL_DAYS
    )
    partner.token_revoked_at = None
    partner.save(update_fields=["token_hash", "token_expires_at", "token_revoked_at"])
    return token


@transaction.atomic
def create_case(
    *,
    email_a: str = "",
    email_b: str = "",
    appointment_date: datetime.date | None = None,
    created_by=None,
    questionnaire_version: str = CURRENT.version,
) -> NewCase:
    """A new couple with two partners and their private links. A case is answered on one
    questionnaire version from start to end: the current one, or for an imported document
    the one it was answered on."""
    couple = Couple.objects.create(
        created_by=created_by,
        appointment_date=appointment_date,
        questionnaire_version=questionnaire_version,
    )
    links = {}
    for label, email in (("a", email_a), ("b", email_b)):
        partner = Partner.objects.create(couple=couple, label=label, email=email or "")
        AnswerSet.objects.create(partner=partner, questionnaire_version=questionnaire_version)
        links[label] = link_url(_issue_token(partner))
    return NewCase(couple=couple, links=links)


@transaction.atomic
def reissue_link(partner: Partner) -> str:
    """A new private link for this partner; the old one stops working at once."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    return link_url(_issue_token(partner))


@transaction.atomic
def revoke_link(partner: Partner) -> None:
    Partner.objects.filter(pk=partner.pk, token_revoked_at__isnull=True).update(
        token_revoked_at=timezone.now()
    )


def send_invitation(partner: Partner, link: str) -> None:
    """E-mail a partner their link. The text is neutral: nothing clinical, nothing of the other."""
    context = {"link": link, "clinic": settings.CLINIC_NAME, "days": settings.INVITATION_TTL_DAYS}
    send_mail(
        subject=f"Your questionnaire from {settings.CLINIC_NAME}",
        message=render_to_string("intake/email/invitation.txt", context),
        from_email=None,
        recipient_list=[partner.email],
    )


def mark_started(partner: Partner) -> None:
    """The partner has opened their link: an invited partner is now in progress."""
    if partner.status == Partner.Status.INVITED:
        Partner.objects.filter(pk=partner.pk, status=Partner.Status.INVITED).update(
            status=Partner.Status.IN_PROGRESS, started_at=timezone.now()
        )


def save_step(
    answer_set: AnswerSet, step_id: str, step_answers: dict[str, Any], complete: bool
) -> None:
    """Merge one step's answers into the draft (the caller holds the row lock)."""
    questionnaire = QUESTIONNAIRES[answer_set.questionnaire_version]
    step = questionnaire.step(step_id)
    answers = {
        qid: value
        for qid, value in answer_set.answers.items()
        if not (questionnaire.has_question(qid) and questionnaire.step_of(qid) is step)
    }
    answers.update(step_answers)
    answer_set.answers = {qid: answers[qid] for qid in questionnaire.question_ids if qid in answers}
    order = [s.id for s in questionnaire.steps]
    before = len(answer_set.completed_steps)
    completed = set(answer_set.completed_steps)
    if complete:
        completed.add(step_id)
    else:
        completed.discard(step_id)
    answer_set.completed_steps = [s for s in order if s in completed]
    answer_set.save(update_fields=["wizard_state", "answers", "completed_steps", "updated_at"])
    partner = answer_set.partner
    changes: dict[str, Any] = {}
    if len(answer_set.completed_steps) != before:
        changes["steps_completed"] = len(answer_set.completed_steps)
    if partner.status == Partner.Status.INVITED:
        changes.update(status=Partner.Status.IN_PROGRESS, started_at=timezone.now())
    if changes:
        Partner.objects.filter(pk=partner.pk).update(**changes)
    transaction.on_commit(
        lambda: signals.step_saved.send(
            sender=Partner, partner=partner, step=step_id, answers=dict(answer_set.answers)
        )
    )


def submit(partner: Partner, answers: dict[str, Any], *, imported: bool = False) -> Submission:
    """Lock a partner's answers. A second submit (double click, replay) changes nothing."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        latest = partner.submissions.order_by("-number").first()
        if partner.status == Partner.Status.SUBMITTED and latest is not None:
            return latest
        submission = Submission.objects.create(
            partner=partner,
            number=(latest.number + 1) if latest else 1,
            questionnaire_version=partner.couple.questionnaire_version,
            answers=answers,
            imported=imported,
        )
        now = timezone.now()
        partner.status = Partner.Status.SUBMITTED
        partner.submitted_at = now
        partner.started_at = partner.started_at or now
        partner.save(update_fields=["status", "submitted_at", "started_at"])
        transaction.on_commit(
            lambda: signals.partner_submitted.send(
                sender=Partner, partner=partner, submission=submission
            )
        )
    return submission


@transaction.atomic
def reopen(partner: Partner) -> Partner:
    """Unlock a partner's submitted answers so they can change and resubmit them."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status != Partner.Status.SUBMITTED:
        return partner
    partner.status = Partner.Status.IN_PROGRESS
    # The link keeps its expiry: one that has expired (or was revoked) does not work again
    # unless the clinician issues a new one.
    partner.save(update_fields=["status"])
    answer_set = AnswerSet.objects.select_for_update().get(partner=partner)
    latest = partner.submissions.order_by("-number").first()
    if latest is not None and not answer_set.wizard_state.get("step_data"):
        # answers that came in by import: the wizard starts from them
        answer_set.answers = dict(latest.answers)
        answer_set.save(update_fields=["answers", "updated_at"])
    # The review step must be confirmed again before a new submission: its box starts unticked.
    review = QUESTIONNAIRES[answer_set.questionnaire_version].step("review")
    answer_set.completed_steps = [s for s in answer_set.completed_steps if s != review.id]
    (answer_set.wizard_state.get("step_data") or {}).pop(review.id, None)
    for question in review.questions:
        answer_set.answers.pop(question.id, None)
    answer_set.save(update_fields=["completed_steps", "wizard_state", "answers", "updated_at"])
    return partner


def export_document(couple: Couple) -> dict[str, Any]:
    """The case as an answers document: submitted answers, or the draft of those still going."""
    document: dict[str, Any] = {"questionnaire_version": couple.questionnaire_version}
    if couple.appointment_date:
        document["appointment_date"] = couple.appointment_date.isoformat()
    partners: dict[str, Any] = {}
    for partner in couple.partners.select_related("answer_set").order_by("label"):
        latest = partner.submissions.order_by("-number").first()
        if partner.is_submitted and latest is not None:
            partners[partner.label] = latest.answers
        elif partner.answer_set.answers:
            partners[partner.label] = partner.answer_set.answers
    document["partners"] = partners
    return document


@dataclass(frozen=True)
class CheckedDocument:
    """An answers document checked whole (`check_document`), ready to be written."""

    document: dict[str, Any]
    completed: dict[str, list[str]]  # partner label -> the steps complete in it


def import_document(data: Any, *, created_by=None) -> NewCase:
    """A new case from an answers document; each partner present counts as submitted.

    The document is checked whole before anything is written; a bad one raises
    DocumentError naming the partner and the question, and leaves nothing behind.
    """
    return create_from_document(check_document(data), created_by=created_by)


def check_document(data: Any) -> CheckedDocument:
    """Check an answers document (writes nothing): DocumentError when it is refused."""
    document = parse_document(data)
    questionnaire = QUESTIONNAIRES[document["questionnaire_version"]]
    # Every value was checked by `check_value` in parse_document, the one check the step
    # forms run too (a date of birth in the future, an e-mail address that is not one, a
    # text too long...): an import refuses what a page refuses, in the same words. The step
    # forms here only say which steps are complete: an unanswered question, or answers that
    # a step's checks across questions refuse (half a blood-pressure reading, the numbers
    # swapped), leave that step unfinished, as a draft saved from the pages would be.
    completed: dict[str, list[str]] = {}
    for label, answers in document["partners"].items():
        completed[label] = []
        for step in questionnaire.steps:
            form_class = step_form_class(step, questionnaire.version)
            form = form_class(data=form_class.data_from_answers(answers, step.id), prefix=step.id)
            if form.is_valid():
                completed[label].append(step.id)
    return CheckedDocument(document, completed)


def create_from_document(checked: CheckedDocument, *, created_by=None) -> NewCase:
    """A new case from a checked answers document; each partner present counts as submitted."""
    document, completed = checked.document, checked.completed
    questionnaire = QUESTIONNAIRES[document["questionnaire_version"]]
    appointment = document.get("appointment_date")
    with transaction.atomic():
        case = create_case(
            appointment_date=datetime.date.fromisoformat(appointment) if appointment else None,
            created_by=created_by,
            questionnaire_version=questionnaire.version,
        )
        for partner in case.couple.partners.select_related("answer_set"):
            answers = document["partners"].get(partner.label)
            if answers is None:
                continue
            answer_set = partner.answer_set
            answer_set.answers = answers
            answer_set.completed_steps = completed[partner.label]
            answer_set.save(update_fields=["answers", "completed_steps", "updated_at"])
            Partner.objects.filter(pk=partner.pk).update(
                steps_completed=len(answer_set.completed_steps)
            )
            submit(partner, answers, imported=True)
    return case
