"""Events of the couple's side. `intake` sends them; the clinic's side listens."""

from django.dispatch import Signal

# A partner saved a step (before submitting). Args: partner, step, answers (the whole draft).
step_saved = Signal()
# A partner's answers were locked. Args: partner, submission.
partner_submitted = Signal()
# A case's answers left the app as an answers document. Args: couple, actor (a description).
answers_exported = Signal()
