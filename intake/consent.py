"""The partner's consent: the notice they read before any question (one versioned piece of
data, like the questionnaire), what they decided, and the resume code that keeps their saved
answers from whoever else opens their link on a shared device (docs/design.md, privacy).

Publishing a new notice is adding a version to NOTICES: every partner whose consent is for an
earlier version is asked again at their next visit, before any question.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Consent, Partner

RESUME_CODE_MIN_LENGTH = 4
RESUME_CODE_MAX_LENGTH = 64


@dataclass(frozen=True)
class Notice:
    version: str
    published: str  # YYYY-MM-DD
    title: str
    # (heading, paragraphs); a paragraph may name {clinic}, {contact}, {urgent_response},
    # {retention}: the clinic's settings, filled in when it is shown.
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    def rendered(self) -> list[tuple[str, list[str]]]:
        values = {
            "clinic": settings.CLINIC_NAME,
            "contact": settings.CLINIC_CONTACT,
            "urgent_response": settings.CLINIC_URGENT_RESPONSE,
            "retention": settings.RECORDS_RETENTION,
        }
        return [
            (heading, [_capital(paragraph.format(**values)) for paragraph in paragraphs])
            for heading, paragraphs in self.sections
        ]

    def as_text(self) -> str:
        """The notice as the partner read it, kept with their consent: paragraphs apart by
        a blank line, the title and headings marked with "# " and "## "."""
        parts = [f"# {self.title} (version {self.version}, {self.published})"]
        for heading, paragraphs in self.rendered():
            parts.append(f"## {heading}")
            parts.extend(paragraphs)
        return "\n\n".join(parts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]  # "the clinic keeps..." at the start of a sentence


NOTICES: dict[str, Notice] = {
    "1": Notice(
        version="1",
        published="2026-12-01",
        title="Before you start: how your answers are used",
        sections=(
            (
                "Who reads your answers",
                (
                    "Only {clinic}'s clinical team reads your answers, to prepare your first "
                    "appointment. Your partner never sees them and is never told what you "
                    "answered, whether you have started, or whether you agreed to this notice.",
                ),
            ),
            (
                "When the clinic may have to share something",
                (
                    "What you tell the clinic stays confidential, with three limits: if what you "
                    "say shows a serious risk of harm to yourself or to someone else, if a child "
                    "may be at risk, or if a court or the law orders the clinic to share records. "
                    "The clinic would then share only what is needed, and would tell you first "
                    "when it safely can.",
                ),
            ),
            (
                "Nobody is watching as you answer",
                (
                    "Your answers are not read as you type them. If you are in danger or thinking "
                    "of harming yourself, do not wait for the clinic: call your local emergency "
                    "number or go to the nearest emergency department.",
                    "If an answer suggests you may be at risk, a clinician is told and {clinic} "
                    "contacts you {urgent_response}.",
                ),
            ),
            (
                "Joint sessions",
                (
                    "You choose below whether the clinician may refer to your answers in the "
                    "sessions you attend together. Answers marked private are never brought up "
                    "in front of your partner, whatever you choose.",
                ),
            ),
            (
                "How long records are kept",
                (
                    "{clinic} keeps your answers and this consent for {retention}, as health "
                    "records must be kept, and then deletes them.",
                ),
            ),
            (
                "Questions",
                ("Contact {clinic}: {contact}.",),
            ),
        ),
    ),
}


def current_notice() -> Notice:
    return NOTICES[max(NOTICES, key=int)]


def latest_consent(partner: Partner) -> Consent | None:
    return partner.consents.order_by("-at", "-id").first()


def consent_in_force(partner: Partner) -> Consent | None:
    """The partner's agreement to the current notice, or None (not asked yet, declined, or
    given for an earlier version)."""
    consent = latest_consent(partner)
    if consent is None or consent.decision != Consent.Decision.ACCEPTED:
        return None
    return consent if consent.version == current_notice().version else None


def record(
    partner: Partner,
    *,
    accepted: bool,
    link_issue: str,
    typed_name: str = "",
    joint_sessions: bool | None = None,
) -> Consent:
    notice = current_notice()
    return Consent.objects.create(
        partner=partner,
        version=notice.version,
        decision=Consent.Decision.ACCEPTED if accepted else Consent.Decision.DECLINED,
        typed_name=typed_name if accepted else "",
        joint_sessions=joint_sessions if accepted else None,
        link_issue=link_issue,
        text=notice.as_text(),
    )


# --- the resume code ------------------------------------------------------------------------


def code_fingerprint(partner: Partner) -> str:
    """Changes whenever the code is set or reset: a session unlocked with an earlier code is
    no longer unlocked."""
    return partner.resume_code_hash[-16:]


def set_resume_code(partner: Partner, code: str) -> bool:
    """Set the partner's first code (or the first after a reset). False when one was set
    meanwhile (another tab or browser was first): a code is never replaced this way."""
    changed = Partner.objects.filter(pk=partner.pk, resume_code_hash="").update(
        resume_code_hash=make_password(code), resume_failures=0, resume_locked_at=None
    )
    partner.refresh_from_db(fields=["resume_code_hash", "resume_failures", "resume_locked_at"])
    return bool(changed)


def try_resume_code(partner: Partner, code: str) -> bool:
    """True for the right code (the count of wrong ones starts again); a wrong one is counted,
    and RESUME_CODE_ATTEMPTS of them in a row lock the link until a clinician resets the code.
    Counted under the row lock: two tabs guessing at once get no extra tries."""
    try:
        with transaction.atomic():
            locked = Partner.objects.select_for_update().get(pk=partner.pk)
            if locked.resume_locked_at is not None or not locked.resume_code_hash:
                return False
            if check_password(code, locked.resume_code_hash):
                if locked.resume_failures:
                    Partner.objects.filter(pk=partner.pk).update(resume_failures=0)
                return True
            changes: dict = {"resume_failures": F("resume_failures") + 1}
            if locked.resume_failures + 1 >= settings.RESUME_CODE_ATTEMPTS:
                changes["resume_locked_at"] = timezone.now()
            Partner.objects.filter(pk=partner.pk).update(**changes)
            return False
    finally:  # the caller's copy says what is stored now (locked or not, tries left)
        partner.refresh_from_db(fields=["resume_code_hash", "resume_failures", "resume_locked_at"])


@transaction.atomic
def reset_resume_code(partner: Partner) -> None:
    """Forget the code and unlock the link (the clinic's side audits it): whoever opens the
    link next chooses a new code, and every session unlocked with the old one is locked."""
    Partner.objects.select_for_update().filter(pk=partner.pk).update(
        resume_code_hash="", resume_failures=0, resume_locked_at=None
    )
