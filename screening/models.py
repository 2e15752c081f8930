"""The clinic's side: the append-only audit log (screenings, flags and reviews build on it)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("An audit entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("An audit entry cannot be deleted.")


def record(actor, action, couple=None, *, request=None, partner_label="", **data) -> AuditEntry:
    """Append one entry to the audit log."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else (str(actor) if actor else "system"),
        action=action,
        couple=couple,
        partner_label=partner_label,
        ip_address=request.META.get("REMOTE_ADDR") if request else None,
        data=data,
    )
