"""The clinic's side: the append-only audit log (screenings, flags and reviews build on it)."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.client_ip import client_ip
from intake.questionnaire.display import day_time_words, day_words

from .rules import Severity
from .scoring import MIN_AGE, Parameters


class AuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("The audit log cannot be deleted.")

    def update(self, **kwargs):
        raise PermissionError("The audit log cannot be changed.")


class AuditEntry(models.Model):
    """Who saw, changed, exported or printed what, when and from where. Never the answers."""

    class Action(models.TextChoices):
        CASE_CREATED = "case_created", "Case created"
        CASE_VIEWED = "case_viewed", "Case viewed"
        LINK_REISSUED = "link_reissued", "Link reissued"
        LINK_REVOKED = "link_revoked", "Link revoked"
        INVITATION_SENT = "invitation_sent", "Invitation e-mailed"
        ANSWERS_REOPENED = "answers_reopened", "Answers reopened"
        ANSWERS_EXPORTED = "answers_exported", "Answers exported"
        ANSWERS_IMPORTED = "answers_imported", "Answers imported"
        DISPOSITION_RECORDED = "disposition_recorded", "Disposition recorded"
        DISPOSITION_CHANGED = "disposition_changed", "Disposition changed"
        SIGNED_OFF = "signed_off", "Signed off"
        CASE_REOPENED = "case_reopened", "Case reopened"
        CASE_ASSIGNED = "case_assigned", "Case assigned"
        PDF_GENERATED = "pdf_generated", "Summary PDF generated"
        PDF_DOWNLOADED = "pdf_downloaded", "Summary PDF downloaded"
        PDF_FAILED = "pdf_failed", "Summary PDF could not be made"
        PDF_REQUESTED_AGAIN = "pdf_requested_again", "Summary PDF asked for again"
        PDF_MISSING = "pdf_missing", "Summary PDF file missing"
        PDF_ALTERED = "pdf_altered", "Summary PDF file altered"
        AUDIT_VIEWED = "audit_viewed", "Audit log viewed"
        RESUME_CODE_RESET = "resume_code_reset", "Resume code reset"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)  # kept if the user is renamed
    action = models.CharField(max_length=32, choices=Action.choices)
    couple = models.ForeignKey(
        "intake.Couple", null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    partner_label = models.CharField(max_length=1, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        when = day_time_words(timezone.localtime(self.at))
        return f"{when} {self.actor_name or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("An audit entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("An audit entry cannot be deleted.")


# The actor of a change made by a management command, where there is no web user: the entry
# has no `actor` and this as its `actor_name` (shown as the actor on the audit log page).
COMMAND_LINE = "command line"


def user_of(actor):
    """The user an actor is, or None when it is a description of a source (`COMMAND_LINE`)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(actor, action, couple=None, *, request=None, partner_label="", **data) -> AuditEntry:
    """Append one entry to the audit log. `actor`: the signed-in user, or for a change with
    none a description of its source (`COMMAND_LINE` for a management command)."""
    user = user_of(actor)
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else (str(actor) if actor else "system"),
        action=action,
        couple=couple,
        partner_label=partner_label,
        ip_address=client_ip(request) if request else None,
        data=data,
    )


class ClinicParameters(models.Model):
    """The clinic's choices where sources disagree (docs/rules.md, Parameters). One row."""

    cardiac_window_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="A heart attack or stent/bypass within this many months is flagged high.",
    )
    bp_systolic_max = models.PositiveSmallIntegerField(
        default=140, validators=[MinValueValidator(100), MaxValueValidator(220)]
    )
    bp_diastolic_max = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(60), MaxValueValidator(140)]
    )
    ptsd_cutoff = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="PC-PTSD-5 positive at this total or more (3 is more sensitive).",
    )
    csi_cutoff = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("13.5"),
        validators=[MinValueValidator(0), MaxValueValidator(21)],
        help_text="CSI-4 totals below this show notable dissatisfaction.",
    )
    min_age = models.PositiveSmallIntegerField(
        default=MIN_AGE,
        validators=[MinValueValidator(MIN_AGE), MaxValueValidator(30)],
        help_text=f"Partners younger than this are flagged high (AG-1); at least {MIN_AGE}, "
        f"as esketamine is not approved under {MIN_AGE}.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "clinic parameters"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="clinic_parameters_one_row")]

    def __str__(self):
        return "Clinic parameters"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ClinicParameters":
        row, _ = cls.objects.get_or_create(pk=1)
        return row

    def as_parameters(self) -> Parameters:
        return Parameters(
            cardiac_window_months=self.cardiac_window_months,
            bp_systolic_max=self.bp_systolic_max,
            bp_diastolic_max=self.bp_diastolic_max,
            ptsd_cutoff=self.ptsd_cutoff,
            csi_cutoff=self.csi_cutoff,
            min_age=self.min_age,
        )


class Screening(models.Model):
    """One run of the rules over a couple's submitted answers. Never overwritten."""

    class Reason(models.TextChoices):
        SUBMITTED = "submitted", "A partner submitted"
        RESCREEN = "rescreen", "Re-screened"

    couple = models.ForeignKey("intake.Couple", on_delete=models.CASCADE, related_name="screenings")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    ruleset_version = models.CharField(max_length=16)
    questionnaire_version = models.CharField(max_length=8)
    parameters = models.JSONField()
    appointment_date = models.DateField(null=True, blank=True)
    evaluation_date = models.DateField()
    partners = models.CharField(max_length=2, help_text="the partners screened: a, b or ab")
    submissions = models.JSONField(default=dict, help_text="partner -> submission number")
    scores = models.JSONField(default=dict)
    is_current = models.BooleanField(default=True, help_text="the couple's latest screening")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.couple} screening {day_time_words(timezone.localtime(self.created_at))}"


class Flag(models.Model):
    """A flag a clinician must review (or, for info, may read). Asks, never diagnoses."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="flags")
    position = models.PositiveSmallIntegerField(help_text="order: severity, then rule")
    rule = models.CharField(max_length=8)
    topic = models.CharField(max_length=32)
    severity = models.CharField(max_length=8, choices=Severity.choices())
    partner = models.CharField(max_length=6)
    evidence = models.JSONField(default=list, help_text="[question id, value] pairs, in order")
    message = models.TextField()
    key = models.CharField(max_length=64, db_index=True, help_text="rule, partner and evidence")

    class Meta:
        ordering = ["screening", "position"]

    def __str__(self):
        return f"{self.rule} ({self.severity}, {self.partner})"


class UrgentAlert(models.Model):
    """An urgent answer the clinic is told of at once. One per partner, rule and answer."""

    partner = models.ForeignKey(
        "intake.Partner", on_delete=models.CASCADE, related_name="urgent_alerts"
    )
    rule = models.CharField(max_length=8)
    key = models.CharField(max_length=64, help_text="the flag's key: rule, partner, evidence")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the clinic's e-mail about it went out; empty until then (the worker sends it, and
    # its sweep tries again, backing off, until it is sent).
    notified_at = models.DateTimeField(null=True, blank=True)
    # Failed tries to send it, the last error (the exception, no clinical content), when the
    # worker's sweep tries next, and since when it is escalated ("alert not delivered":
    # URGENT_ALERT_MAX_FAILURES failures; cleared when it is sent).
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="urgent_alert_once_per_answer")
        ]

    def __str__(self):
        return f"{self.partner} {self.rule}"


def flag_key(rule: str, partner: str, evidence: dict) -> str:
    """A flag's identity across screenings: the same rule, partner and answers."""
    canonical = json.dumps([rule, partner, evidence], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class DispositionQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Dispositions cannot be deleted.")

    def update(self, **kwargs):
        raise PermissionError("A disposition cannot be changed; record a new one.")


class Disposition(models.Model):
    """What a clinician did about a flag. Append-only: a change is a new row that names the
    one it replaces (kept, and shown as an earlier record); the latest is the one in force."""

    class Outcome(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", "Reviewed: noted for the prescriber"
        FOLLOW_UP = "follow_up", "Follow-up arranged"
        NOT_RELEVANT = "not_relevant", "Reviewed: not relevant"

    couple = models.ForeignKey(
        "intake.Couple", on_delete=models.PROTECT, related_name="dispositions"
    )
    key = models.CharField(max_length=64, db_index=True)
    rule = models.CharField(max_length=8)
    partner = models.CharField(max_length=6)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.TextField(max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # Set when a clinician used "Change": the disposition this one replaces (each is replaced
    # at most once, so two changes made from the same record cannot both go in).
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    objects = DispositionQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.rule} {self.partner}: {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("A disposition cannot be changed; record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A disposition cannot be deleted.")


class SignOffQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(reopened_at__isnull=True)


class SignOff(models.Model):
    """A clinician's sign-off: "ready for the prescriber", or "not ready: further assessment
    needed" with a reason; who, when, a summary note. Reopening is recorded on it, and so is
    a later sign-off that replaces a "not ready" one (docs/design.md, Sign-off)."""

    class Outcome(models.TextChoices):
        READY = "ready", "Ready for the prescriber"
        NOT_READY = "not_ready", "Not ready: further assessment needed"

    couple = models.ForeignKey("intake.Couple", on_delete=models.PROTECT, related_name="sign_offs")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.READY)
    reason = models.TextField(
        max_length=2000, blank=True, help_text="why the case is not ready (not ready only)"
    )
    note = models.TextField(max_length=4000, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(max_length=2000, blank=True)
    # The worker's last failure to make this sign-off's summary, in plain words for the
    # clinician (the traceback goes to the worker's log); cleared when it is made.
    summary_failed_at = models.DateTimeField(null=True, blank=True)
    summary_error = models.CharField(max_length=200, blank=True)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["couple"],
                condition=Q(reopened_at__isnull=True),
                name="one_sign_off_in_force_per_case",
            )
        ]

    def __str__(self):
        return f"{self.couple} signed off {day_words(timezone.localtime(self.at))} ({self.outcome})"

    @property
    def is_ready(self) -> bool:
        return self.outcome == self.Outcome.READY


class CaseAssignment(models.Model):
    """The clinician a case is assigned to ("assign to me" on the queue or the case page; the
    audit log keeps who had it before). One per case at most."""

    couple = models.OneToOneField(
        "intake.Couple", on_delete=models.CASCADE, related_name="assignment"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assigned_at"]

    def __str__(self):
        return f"{self.couple} assigned to {self.clinician}"


def summary_upload_to(instance, filename):
    return f"summaries/{instance.couple.reference}/{filename}"


class SummaryPDF(models.Model):
    """A stored prescriber's summary, made once at sign-off. Versions are never replaced."""

    couple = models.ForeignKey("intake.Couple", on_delete=models.PROTECT, related_name="summaries")
    sign_off = models.OneToOneField(SignOff, on_delete=models.PROTECT, related_name="summary")
    version = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=summary_upload_to)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["couple", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["couple", "version"], name="summary_unique_version")
        ]

    def __str__(self):
        return f"{self.couple} summary v{self.version}"


class WorkerHeartbeat(models.Model):
    """A worker process (`manage.py worker`) and when it was last seen, for the health check."""

    worker_id = models.CharField(max_length=64, unique=True)
    queues = models.CharField(max_length=200)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.worker_id} ({self.queues})"
