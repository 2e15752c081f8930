"""Events of the clinic's side."""

from django.dispatch import Signal

# A case was signed off, ready for the prescriber or not ready. Args: sign_off, request.
case_signed_off = Signal()

# The summary of the sign-off in force was asked for again, after it failed. Args: sign_off.
summary_requested_again = Signal()
