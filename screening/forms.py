from django import forms

from .models import Disposition, SignOff
from .review import CaseStatus


class NewCaseForm(forms.Form):
    email_a = forms.EmailField(
        label="Partner A's e-mail", required=False, help_text="Optional: to e-mail the link."
    )
    email_b = forms.EmailField(
        label="Partner B's e-mail", required=False, help_text="Optional: to e-mail the link."
    )
    appointment_date = forms.DateField(
        label="First appointment",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text="Ages and date windows are computed on this date.",
    )
    send_emails = forms.BooleanField(label="E-mail each partner their link now", required=False)
    # Shown only with the warning that both partners were given the same address.
    same_address = forms.BooleanField(
        label="Send both links to the same address",
        required=False,
        widget=forms.HiddenInput,
        help_text=(
            "Whoever reads that inbox can open both questionnaires. Tick only if the couple "
            "asked for this."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        email_a, email_b = cleaned.get("email_a"), cleaned.get("email_b")
        if email_a and email_b and email_a.strip().lower() == email_b.strip().lower():
            self.fields["same_address"].widget = forms.CheckboxInput()
            if not cleaned.get("same_address"):
                self.add_error(
                    "email_b",
                    "Both partners have the same e-mail address: each partner's link is "
                    "private. Give partner B's own address, or tick the box below to send "
                    "both links to this address.",
                )
        if cleaned.get("send_emails") and not (cleaned.get("email_a") or cleaned.get("email_b")):
            self.add_error("send_emails", "Add at least one e-mail address to send links.")
        return cleaned


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *CaseStatus.LABELS.items()],
    )
    attention = forms.ChoiceField(
        label="Flags",
        required=False,
        choices=[
            ("", "Any"),
            ("urgent", "Open urgent items"),
            ("urgent_or_high", "Urgent or high flags"),
        ],
    )
    assigned = forms.ChoiceField(
        label="Assigned to",
        required=False,
        choices=[("", "Anyone or nobody"), ("mine", "Me (mine)"), ("nobody", "Nobody yet")],
    )
    order = forms.ChoiceField(
        label="Then sorted by",
        required=False,
        choices=[("", "Oldest case"), ("appointment", "Appointment date")],
    )


def _text(label: str, limit: int, widget: type[forms.Widget] = forms.Textarea) -> forms.CharField:
    """Free text refused, with a count, when it is over its limit: a long note is never cut
    short without a word. Left empty, the service says what is missing."""
    return forms.CharField(
        label=label,
        max_length=limit,
        required=False,
        widget=widget,
        error_messages={
            "max_length": "Keep this to %(limit_value)d characters: it has %(show_value)d.",
        },
    )


class DispositionForm(forms.Form):
    key = forms.CharField(max_length=64)
    outcome = forms.ChoiceField(
        choices=Disposition.Outcome.choices,
        error_messages={
            "required": "Choose what was done.",
            "invalid_choice": "Choose what was done.",
        },
    )
    note = _text("Note", 2000)


class SignOffForm(forms.Form):
    """One form, two buttons (`outcome`): ready, or not ready with a reason. The service
    says what is missing for the outcome chosen."""

    # Empty: ready (the one outcome there was before the choice).
    outcome = forms.ChoiceField(
        choices=SignOff.Outcome.choices,
        required=False,
        error_messages={
            "invalid_choice": "Choose whether the case is ready for the prescriber.",
        },
    )
    note = _text("Summary note for the prescriber", 4000)
    reason = _text("If not ready: what further assessment is needed", 2000)


class ReopenCaseForm(forms.Form):
    reason = _text("Reason", 2000, forms.TextInput)


class ReopenAnswersForm(forms.Form):
    reason = _text("Reason", 500, forms.TextInput)
