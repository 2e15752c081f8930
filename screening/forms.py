from django import forms
from django.utils.http import url_has_allowed_host_and_scheme

from intake.questionnaire.document import too_long

from .models import Disposition, SignOff
from .review import NEEDS_REASON, CaseStatus


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
        super().clean()
        cleaned = self.cleaned_data
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


class PageForm(forms.Form):
    """Which page of a long list (the queue, a case's audit log). Anything that is not a page
    number is the first page; past the end is the last page (the paginator's `get_page`)."""

    page = forms.IntegerField(required=False, min_value=1)

    def number(self) -> int:
        return (self.cleaned_data["page"] if self.is_valid() else None) or 1


class LimitedText(forms.CharField):
    """Free text refused, with a count, when it is over its limit: a long note is never cut
    short without a word, and the box has no `maxlength` (a browser cuts pasted text to it
    silently). The same words as the partner's pages (intake.questionnaire.document)."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)
        self.widget.attrs["data-limit"] = str(limit)

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise forms.ValidationError(too_long(len(value), self.limit))


def _text(label: str, limit: int, widget: type[forms.Widget] = forms.Textarea) -> forms.CharField:
    """Optional in the form: where an empty box matters, a form's clean() or the service says
    what is missing."""
    return LimitedText(label=label, limit=limit, required=False, widget=widget)


NOT_CURRENT = "This flag is no longer current. Reload the case to see its flags."


class DispositionForm(forms.Form):
    """What was done for one flag. `replaces`: with "Change", the disposition in force when
    the clinician opened the form (the service refuses a change made from an older one)."""

    key = forms.RegexField(
        r"^[0-9a-f]{64}$",
        error_messages={"required": NOT_CURRENT, "invalid": NOT_CURRENT},
    )
    outcome = forms.ChoiceField(
        choices=Disposition.Outcome.choices,
        error_messages={
            "required": "Choose what was done.",
            "invalid_choice": "Choose what was done.",
        },
    )
    note = _text("Note", 2000)
    replaces = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The disposition to change is not this flag's. Reload the case.",
            "min_value": "The disposition to change is not this flag's. Reload the case.",
            "max_value": "The disposition to change is not this flag's. Reload the case.",
        },
    )


class ReturnAddressField(forms.CharField):
    """Where to go back to after a form: the one check of a return address. Only an address
    on this site (the request's host, https when the request is) is kept; anything else,
    empty or longer than any page's address, cleans to "" and the view goes to its own
    default. The host comes from the request, given to a `ReturnAddressForm`."""

    MAX_LENGTH = 2000

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.host = ""
        self.secure = False

    def clean(self, value) -> str:
        value = super().clean(value)
        if (
            value
            and self.host
            and len(value) <= self.MAX_LENGTH
            and url_has_allowed_host_and_scheme(
                value, allowed_hosts={self.host}, require_https=self.secure
            )
        ):
            return value
        return ""


class ReturnAddressForm(forms.Form):
    """A form with return addresses (`ReturnAddressField`), checked against `request`."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ReturnAddressField):
                field.host, field.secure = request.get_host(), request.is_secure()


class AssignForm(ReturnAddressForm):
    """ "Assign to me": where to go back to afterwards (the queue's page it was pressed on).
    Only an address on this site is followed; anything else goes to the case page."""

    back = ReturnAddressField()


class NextForm(ReturnAddressForm):
    """Two-factor sign-in: where the clinician was going (`next`, from the sign-in form or
    the page's address). Only an address on this site is followed; anything else goes to
    the queue."""

    next = ReturnAddressField()


class LinkActionForm(forms.Form):
    """What to do with a partner's private link (asked for on its confirmation page)."""

    action = forms.ChoiceField(
        choices=[
            ("revoke", "Revoke the link"),
            ("reissue", "Make a new link"),
            ("reissue_email", "Make a new link and e-mail it"),
        ],
        error_messages={
            "required": "Choose what to do with the link.",
            "invalid_choice": "Choose what to do with the link.",
        },
    )


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

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # A reason refused already (too long) keeps its own message.
        missing = not cleaned.get("reason") and "reason" not in self.errors
        if cleaned.get("outcome") == SignOff.Outcome.NOT_READY and missing:
            self.add_error("reason", NEEDS_REASON)
        return cleaned


class ReopenCaseForm(forms.Form):
    reason = _text("Reason", 2000, forms.TextInput)


class ReopenAnswersForm(forms.Form):
    reason = _text("Reason", 500, forms.TextInput)
