"""The couple's side: a case, its two partners, their private links and their answers."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .questionnaire import current_version

# No 0/O, 1/I/L: a reference is read aloud on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "TND-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def new_public_id() -> str:
    """A random, non-secret id for a partner's pages (it grants nothing on its own)."""
    return secrets.token_urlsafe(9)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CoupleQuerySet(models.QuerySet):
    def with_partners(self):
        return self.prefetch_related("partners")


class Couple(models.Model):
    """A case: one couple, two partners, each with a private link."""

    reference = models.CharField(max_length=16, unique=True, default=new_reference)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointment_date = models.DateField(null=True, blank=True)
    questionnaire_version = models.CharField(max_length=8, default=current_version)

    objects = CoupleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference

    def partner(self, label: str) -> Partner:
        return next(p for p in self.partners.all() if p.label == label)


class PartnerQuerySet(models.QuerySet):
    def for_token(self, token: str):
        """The partner whose link this is, if the link is still valid."""
        return self.filter(
            token_hash=hash_token(token),
            token_revoked_at__isnull=True,
            token_expires_at__gt=timezone.now(),
        )


class Partner(models.Model):
    class Label(models.TextChoices):
        A = "a", "Partner A"
        B = "b", "Partner B"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="partners")
    label = models.CharField(max_length=1, choices=Label.choices)
    email = models.EmailField(blank=True)
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    steps_completed = models.PositiveSmallIntegerField(default=0)
    # The code the partner chose after consenting (hashed with Django's password hashers):
    # asked for by every new session on their link. Wrong codes in a row lock the link.
    resume_code_hash = models.CharField(max_length=128, blank=True, default="")
    resume_failures = models.PositiveSmallIntegerField(default=0)
    resume_locked_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["couple", "label"]
        constraints = [
            models.UniqueConstraint(fields=["couple", "label"], name="partner_unique_label"),
            models.CheckConstraint(condition=Q(label__in=["a", "b"]), name="partner_label_a_or_b"),
        ]

    def __str__(self):
        return f"{self.couple.reference} {self.label}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def link_state(self) -> str:
        if not self.token_hash:
            return "none"
        if self.token_revoked_at:
            return "revoked"
        if self.token_expires_at and self.token_expires_at <= timezone.now():
            return "expired"
        return "active"


class Consent(models.Model):
    """A partner's answer to the consent notice (intake/consent.py), one row each time: the
    notice's version and text, when, and which issue of their link was used."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Agreed"
        DECLINED = "declined", "Declined"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(max_length=8)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    typed_name = models.CharField(max_length=100, blank=True)
    # May the clinician refer to this partner's non-private answers in joint sessions?
    # (Private answers never.) None when declined.
    joint_sessions = models.BooleanField(null=True, blank=True)
    link_issue = models.CharField(max_length=16)  # the link's fingerprint, not the token
    text = models.TextField()  # the notice as shown
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "-at", "-id"]

    def __str__(self):
        return f"{self.partner} consent v{self.version} {self.decision}"

    @property
    def accepted(self) -> bool:
        return self.decision == self.Decision.ACCEPTED


class AnswerSet(models.Model):
    """A partner's draft: the wizard's state and the answers saved so far, step by step."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="answer_set")
    questionnaire_version = models.CharField(max_length=8, default=current_version)
    # formtools' storage data: current step and the raw data of every saved step.
    wizard_state = models.JSONField(default=dict, blank=True)
    # question id -> value, in the types of the answers document.
    answers = models.JSONField(default=dict, blank=True)
    # the steps whose saved data is complete and valid, in questionnaire order.
    completed_steps = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"answers of {self.partner}"


class Submission(models.Model):
    """A partner's submitted, locked answers. Reopening and resubmitting adds a new one."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField()
    questionnaire_version = models.CharField(max_length=8)
    answers = models.JSONField()
    submitted_at = models.DateTimeField(default=timezone.now)
    imported = models.BooleanField(default=False)

    class Meta:
        ordering = ["partner", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="submission_unique_number"),
        ]

    def __str__(self):
        return f"{self.partner} #{self.number}"


class LinkGuess(models.Model):
    """Failed private-link look-ups from one address in the current window: the link-guess
    limit, in the database so every web process counts the same guesses (when no shared
    cache is configured)."""

    address = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField()

    def __str__(self):
        return f"{self.count} failed link look-ups"
