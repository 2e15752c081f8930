"""The clinic's side reacting to the couple's side (connected in ScreeningConfig.ready).

Only `intake`'s signals are received here (`intake` does not import `screening`); within
`screening`, a change calls what follows it directly (`review` hands the summary to
`queue` after the commit)."""

from django.dispatch import receiver

from intake.signals import answers_exported, partner_submitted, step_saved

from . import services
from .models import AuditEntry, record


@receiver(step_saved, dispatch_uid="screening.urgent_on_step_saved")
def urgent_on_step_saved(sender, partner, step, answers, **kwargs):
    # Only steps with safety questions can raise an urgent flag (a test checks this).
    if step in services.urgent_steps(partner.couple.questionnaire_version):
        services.check_urgent(partner, answers)


@receiver(partner_submitted, dispatch_uid="screening.screen_on_submit")
def screen_on_submit(sender, partner, submission, **kwargs):
    services.check_urgent(partner, submission.answers)
    services.screen_couple(partner.couple)


@receiver(answers_exported, dispatch_uid="screening.audit_export")
def audit_export(sender, couple, actor, **kwargs):
    record(actor, AuditEntry.Action.ANSWERS_EXPORTED, couple)
