"""Events of the clinic's side."""

from django.dispatch import Signal

# A case was signed off, ready for the prescriber or not ready. Args: sign_off, request.
case_signed_off = Signal()
