"""The clinic's side reacting to the couple's side (connected in ScreeningConfig.ready)."""

from django.dispatch import receiver

from intake.signals import answers_exported, partner_submitted, step_saved

from . import queue, services
from .models import AuditEntry, record
from .signals import case_signed_off, summary_requested_again


@receiver(step_saved, dispatch_uid="screening.urgent_on_step_saved")
def urgent_on_step_saved(sender, partner, step, answers, **kwargs):
    # Only steps with safety questions can raise an urgent flag (a test checks this).
    if step in services.urgent_steps(partner.couple.questionnaire_version):
        services.check_urgent(partner, answers)


@receiver(partner_submitted, dispatch_uid="screening.screen_on_submit")
def screen_on_submit(sender, partner, submission, **kwargs):
    services.check_urgent(partner, submission.answers)
    services.screen_couple(partner.couple)


@receiver(case_signed_off, dispatch_uid="screening.summary_on_sign_off")
def summary_on_sign_off(sender, sign_off, **kwargs):
    queue.summary(sign_off.pk)


@receiver(summary_requested_again, dispatch_uid="screening.summary_again")
def summary_on_request_again(sender, sign_off, **kwargs):
    queue.summary(sign_off.pk)


@receiver(answers_exported, dispatch_uid="screening.audit_export")
def audit_export(sender, couple, actor, **kwargs):
    record(actor, AuditEntry.Action.ANSWERS_EXPORTED, couple)
