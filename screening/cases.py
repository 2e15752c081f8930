"""The clinic's changes to cases and partners' links: each state change and its audit entry in
one transaction (as `review` does for dispositions, sign-off and reopening).

An invitation e-mail is sent after the commit and recorded once it has gone: the audit log
never says a link was e-mailed when the mail server refused it.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from typing import Any

from django.db import transaction

from intake import consent as intake_consent
from intake import services as intake_services
from intake.models import Partner

from .models import AuditEntry, record, user_of

log = logging.getLogger(__name__)

# The start of what the clinician is told when the mail server refuses an invitation.
EMAIL_NOT_TAKEN = (
    "The e-mail to partner {label} could not be sent (the mail server did not take it). "
)


def create_case(
    user,
    *,
    email_a: str = "",
    email_b: str = "",
    appointment_date: datetime.date | None = None,
    send_emails: bool = False,
    request=None,
) -> tuple[intake_services.NewCase, list[str]]:
    """A new case with both private links, audited; with `send_emails`, each partner with an
    address is e-mailed their link. Returns the case and the labels whose e-mail failed.
    `user`: the clinician, or `COMMAND_LINE` for the `new_case` command."""
    with transaction.atomic():
        case = intake_services.create_case(
            email_a=email_a,
            email_b=email_b,
            appointment_date=appointment_date,
            created_by=user_of(user),
        )
        record(user, AuditEntry.Action.CASE_CREATED, case.couple, request=request)
    failed = []
    if send_emails:
        for partner in case.couple.partners.all():
            if partner.email and not send_link(
                user, partner, case.links[partner.label], request=request
            ):
                failed.append(partner.label)
    return case, failed


def import_case(actor, data: Any) -> intake_services.NewCase:
    """A new case from an answers document (docs/questionnaire.md), and its audit entry, in
    one transaction: a document refused (DocumentError) leaves neither. `actor`: as for
    `create_case`."""
    checked = intake_services.check_document(data)  # before the transaction: no lock held
    with transaction.atomic():
        case = intake_services.create_from_document(checked, created_by=user_of(actor))
        record(actor, AuditEntry.Action.ANSWERS_IMPORTED, case.couple)
    return case


def _audit(user, action: str, partner: Partner, request) -> None:
    record(user, action, partner.couple, request=request, partner_label=partner.label)


def send_link(user, partner: Partner, link: str, *, request=None) -> bool:
    """E-mail a partner their link and audit it. False when the mail server could not be
    reached or refused it (nothing is recorded as sent; the clinician is shown the link)."""
    try:
        intake_services.send_invitation(partner, link)
    except (OSError, smtplib.SMTPException) as error:
        log.error(
            "Could not e-mail partner %s of %s their link: %s", partner.label, partner.couple, error
        )
        return False
    _audit(user, AuditEntry.Action.INVITATION_SENT, partner, request)
    return True


def reissue_link(
    user, partner: Partner, *, email: bool = False, request=None
) -> tuple[str, bool | None]:
    """A new private link (the old one stops working at once), audited; with `email`, and an
    address on file, it is e-mailed too. Returns the new link and whether the e-mail went
    (None when none was asked for)."""
    with transaction.atomic():
        link = intake_services.reissue_link(partner)
        _audit(user, AuditEntry.Action.LINK_REISSUED, partner, request)
    sent = send_link(user, partner, link, request=request) if email and partner.email else None
    return link, sent


def revoke_link(user, partner: Partner, *, request=None) -> None:
    """The partner's link stops working at once, audited."""
    with transaction.atomic():
        intake_services.revoke_link(partner)
        _audit(user, AuditEntry.Action.LINK_REVOKED, partner, request)


def reset_resume_code(user, partner: Partner, *, request=None) -> None:
    """The partner forgot their resume code, or typed wrong ones until the link locked: the
    code is forgotten and the link unlocked, audited. Whoever opens the link next chooses a
    new code, so the clinician first makes sure the link is in the partner's hands only."""
    with transaction.atomic():
        intake_consent.reset_resume_code(partner)
        _audit(user, AuditEntry.Action.RESUME_CODE_RESET, partner, request)
