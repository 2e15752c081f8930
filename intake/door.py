"""The partner's door: what they see before the first question, and what keeps their answers
from whoever else uses the same device.

1. The start page: who the clinic is, what this is for, how long it takes (estimated from the
   questionnaire), what to have at hand, and that answers are saved as they go.
2. The consent notice (intake/consent.py): agree (a tick, their typed name, and whether the
   clinician may refer to their non-private answers in joint sessions) or decline. Declining
   collects nothing; a new notice version asks again at the next visit.
3. The resume code, chosen after consenting: every new session on the link (another browser,
   after "Exit this page", after the session ended) asks for it before showing anything.

Partner sessions end when the browser closes (`set_expiry(0)` when a link is opened) and after
PARTNER_IDLE_MINUTES without a page (enforced here, server-side; static/js/partner-idle.js warns
before). Every partner page is sent `Cache-Control: no-store` (config/no_store.py).
"""

from __future__ import annotations

import functools
import math
import time

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from weasyprint import HTML

from . import consent as consents
from .models import Partner
from .partner_session import (
    SESSION_PARTNER,
    SESSION_SEEN,
    link_fingerprint,
    neutral,
    session_partner,
)
from .questionnaire import QUESTIONNAIRES
from .questionnaire.schema import QType, Questionnaire

SESSION_UNLOCKED = "intake_unlocked"  # the resume code's fingerprint this session was opened with
SESSION_DECLINED = "intake_declined"
PARTNER_PATHS = ("/intake/", "/i/")

# Seconds a person typically takes per answer, by kind of question, and to read a step.
SECONDS_PER_ANSWER = {
    QType.BOOL: 6,
    QType.CHOICE: 10,
    QType.MULTI: 15,
    QType.INT: 8,
    QType.DECIMAL: 12,
    QType.DATE: 15,
    QType.MONTH: 12,
    QType.TEXT: 30,
    QType.MEDS: 120,
}
SECONDS_PER_STEP = 20


def estimated_minutes(questionnaire: Questionnaire) -> tuple[int, int]:
    """(fewest, most) minutes: the questions everyone is asked, then with every question that
    only some are asked; each rounded up to 5 minutes."""
    always = sometimes = len(questionnaire.steps) * SECONDS_PER_STEP
    for step in questionnaire.steps:
        for question in step.questions:
            seconds = SECONDS_PER_ANSWER.get(question.type, 10)
            sometimes += seconds
            if question.when is None:
                always += seconds
    return (5 * math.ceil(always / 300), 5 * math.ceil(sometimes / 300))


def clinic(request) -> dict:
    """Template context: the clinic's name and how to reach it, on every partner page."""
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_contact": settings.CLINIC_CONTACT,
        "partner_idle_seconds": settings.PARTNER_IDLE_SECONDS,
        "partner_idle_warning_seconds": settings.PARTNER_IDLE_WARNING_SECONDS,
    }


class PartnerIdleMiddleware:
    """A partner's session ends after PARTNER_IDLE_SECONDS without a page from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PARTNER_PATHS):
            session = request.session
            if SESSION_PARTNER in session:
                now = int(time.time())
                seen = session.get(SESSION_SEEN)
                if seen is not None and now - seen > settings.PARTNER_IDLE_SECONDS:
                    session.flush()
                else:
                    session[SESSION_SEEN] = now
        return self.get_response(request)


# --- where the partner must go first -----------------------------------------------------------


def _unlocked(request, partner: Partner) -> bool:
    return bool(partner.resume_code_hash) and request.session.get(
        SESSION_UNLOCKED
    ) == consents.code_fingerprint(partner)


def needs_code(request, partner: Partner) -> bool:
    """A resume code was chosen, and it has not been typed in this session yet."""
    return bool(partner.resume_code_hash) and not _unlocked(request, partner)


def stage(request, partner: Partner) -> str | None:
    """The door page the partner must pass next ("unlock", "start", "code"), or None."""
    if needs_code(request, partner):
        return "unlock"
    if consents.consent_in_force(partner) is None:
        return "start"
    if not partner.resume_code_hash:
        return "code"
    return None


def gate(request, partner: Partner):
    """None when the partner may see their questionnaire; else where they must go first."""
    where = stage(request, partner)
    if where is None:
        return None
    if where == "start":
        earlier = consents.latest_consent(partner)
        if earlier is not None and earlier.accepted:
            where = "consent"  # a new version of the notice: asked again
    return redirect(f"intake:{where}", public_id=partner.public_id)


def door_page(*methods: str, unlocked: bool = True):
    """A door view, called as `view(request, partner)`: only with the partner's own session
    (else the neutral page), and, when `unlocked`, only once the resume code was typed in this
    session (else the page asking for it)."""

    def decorate(view):
        @never_cache
        @require_http_methods(list(methods))
        @functools.wraps(view)
        def page(request, public_id: str):
            partner = session_partner(request, public_id)
            if partner is None:
                return neutral(request)
            if unlocked and needs_code(request, partner):
                return redirect("intake:unlock", public_id=public_id)
            return view(request, partner)

        return page

    return decorate


def _context(partner: Partner, **extra) -> dict:
    return {"partner": partner, **extra}


# --- the start page ------------------------------------------------------------------------


@door_page("GET", "HEAD")
def start(request, partner: Partner):
    questionnaire = QUESTIONNAIRES[partner.couple.questionnaire_version]
    fewest, most = estimated_minutes(questionnaire)
    signed = consents.consent_in_force(partner) is not None  # the code was typed (door_page)
    return render(
        request,
        "intake/door/start.html",
        _context(
            partner,
            minutes=(fewest, most),
            step_count=len(questionnaire.steps),
            signed=signed,
            next_url=reverse(
                "intake:resume" if signed else "intake:consent",
                kwargs={"public_id": partner.public_id},
            ),
        ),
    )


# --- consent --------------------------------------------------------------------------------

# Said when a pasted or tampered value holds a character no name or code has (a null).
NAME_CANNOT_BE_SAVED = (
    "Type your name again: what is in the box has a character that cannot be saved."
)
CODE_CANNOT_BE_USED = "This code has a character that cannot be used: choose another one."
NULL = "null_characters_not_allowed"  # the code of Django's check for that character


class ConsentForm(forms.Form):
    joint_sessions = forms.TypedChoiceField(
        label="In the sessions you attend together, may the clinician refer to your answers?",
        help_text="Answers marked private are never brought up in front of your partner.",
        choices=[
            ("yes", "Yes, the clinician may refer to my answers that are not private"),
            ("no", "No, keep all my answers between me and the clinical team"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the clinician may refer to your answers.",
            "invalid_choice": "Choose one of the two answers: yes or no.",
        },
    )
    agree = forms.BooleanField(
        label="I have read this notice and I agree to it.",
        error_messages={"required": "Tick the box to agree, or choose “I do not agree”."},
    )
    typed_name = forms.CharField(
        label="Your name",
        help_text="Type your name as your agreement (your first name is enough).",
        max_length=100,
        error_messages={
            "required": "Type your name to agree.",
            "max_length": "Use at most 100 characters.",
            NULL: NAME_CANNOT_BE_SAVED,
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # The "I do not agree" button: pressed, nothing else on the form is read.
    decline = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if not name or any(ord(c) < 32 for c in name):
            raise forms.ValidationError("Type your name to agree.")
        return name

    @property
    def declined(self) -> bool:
        """ "I do not agree" was pressed (the other fields need not be valid)."""
        if not self.is_bound:
            return False
        field = self.fields["decline"]
        return field.clean(self["decline"].data)


@door_page("GET", "HEAD", "POST")
def consent(request, partner: Partner):
    notice = consents.current_notice()
    earlier = consents.latest_consent(partner)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.declined:
            consents.record(partner, accepted=False, link_issue=link_fingerprint(partner))
            request.session.pop(SESSION_UNLOCKED, None)
            request.session[SESSION_DECLINED] = True
            return redirect("intake:declined", public_id=partner.public_id)
        if form.is_valid():
            consents.record(
                partner,
                accepted=True,
                link_issue=link_fingerprint(partner),
                typed_name=form.cleaned_data["typed_name"],
                joint_sessions=form.cleaned_data["joint_sessions"],
            )
            request.session.pop(SESSION_DECLINED, None)
            return redirect("intake:resume", public_id=partner.public_id)
    return render(
        request,
        "intake/door/consent.html",
        _context(
            partner,
            notice=notice,
            sections=notice.rendered(),
            form=form,
            asked_again=earlier is not None
            and earlier.accepted
            and earlier.version != notice.version,
        ),
        status=200,
    )


@door_page("GET", "HEAD", unlocked=False)
def declined(request, partner: Partner):
    if not request.session.get(SESSION_DECLINED):
        return redirect("intake:resume", public_id=partner.public_id)
    return render(request, "intake/door/declined.html", _context(partner))


@door_page("GET", "HEAD")
def consent_pdf(request, partner: Partner):
    """The partner's signed consent as a tagged PDF (PDF/UA-1)."""
    signed = consents.consent_in_force(partner)
    if signed is None:
        return redirect("intake:resume", public_id=partner.public_id)
    html = render_to_string(
        "intake/door/consent_pdf.html",
        {
            "consent": signed,
            "blocks": [_block(part) for part in signed.text.split("\n\n")],
            "clinic_name": settings.CLINIC_NAME,
            "signed_at": timezone.localtime(signed.at),
        },
    )
    content = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf(
        pdf_variant="pdf/ua-1", custom_metadata=True
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="consent.pdf"'
    return response


def _block(part: str) -> tuple[str, str]:
    """("h2", text), ("h3", text) or ("p", text) for one part of a stored notice."""
    for mark, tag in (("## ", "h3"), ("# ", "h2")):
        if part.startswith(mark):
            return tag, part.removeprefix(mark)
    return "p", part


def _fetch_nothing(url, *args, **kwargs):
    raise ValueError("the consent PDF fetches nothing")


# --- the resume code ------------------------------------------------------------------------

CODE_TOO_LONG = f"Use at most {consents.RESUME_CODE_MAX_LENGTH} characters."


def _code_box(label: str, autocomplete: str, messages: dict[str, str], **kwargs) -> forms.CharField:
    """A box for a resume code, taken as typed (spaces too), never shown as typed."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=consents.RESUME_CODE_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"max_length": CODE_TOO_LONG, NULL: CODE_CANNOT_BE_USED, **messages},
        **kwargs,
    )


class ChooseCodeForm(forms.Form):
    code = _code_box(
        "Choose a resume code",
        "new-password",
        {
            "required": "Choose a resume code.",
            "min_length": f"Use at least {consents.RESUME_CODE_MIN_LENGTH} characters.",
        },
        min_length=consents.RESUME_CODE_MIN_LENGTH,
        help_text=(
            f"At least {consents.RESUME_CODE_MIN_LENGTH} letters or numbers. Choose one your "
            "partner or anyone else using this device would not guess."
        ),
    )
    again = _code_box("Type it again", "new-password", {"required": "Type the code again."})

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("code") and data.get("again") is not None and data["code"] != data["again"]:
            self.add_error("again", "This is not the same code: type it again.")
        return data


class EnterCodeForm(forms.Form):
    code = _code_box(
        "Your resume code",
        "off",
        {
            "required": "Type your resume code.",
            "max_length": (
                f"A resume code has at most {consents.RESUME_CODE_MAX_LENGTH} characters: "
                "type yours again."
            ),
            NULL: "This is not a resume code: type yours again.",
        },
    )


@door_page("GET", "HEAD", "POST", unlocked=False)
def choose_code(request, partner: Partner):
    public_id = partner.public_id
    if stage(request, partner) != "code":
        return redirect("intake:resume", public_id=public_id)
    form = ChooseCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not consents.set_resume_code(partner, form.cleaned_data["code"]):
            return redirect("intake:unlock", public_id=public_id)  # someone else was first
        request.session.cycle_key()
        request.session[SESSION_UNLOCKED] = consents.code_fingerprint(partner)
        return redirect("intake:resume", public_id=public_id)
    return render(request, "intake/door/choose_code.html", _context(partner, form=form))


@door_page("GET", "HEAD", "POST", unlocked=False)
def unlock(request, partner: Partner):
    public_id = partner.public_id
    if not needs_code(request, partner):
        return redirect("intake:resume", public_id=public_id)
    if partner.resume_locked_at is not None:
        return render(request, "intake/door/locked.html", _context(partner), status=403)
    form = EnterCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if consents.try_resume_code(partner, form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session[SESSION_UNLOCKED] = consents.code_fingerprint(partner)
            return redirect("intake:resume", public_id=public_id)
        if partner.resume_locked_at is not None:
            return render(request, "intake/door/locked.html", _context(partner), status=403)
        left = settings.RESUME_CODE_ATTEMPTS - partner.resume_failures
        form.add_error(
            "code",
            f"This is not the code. {left} more tr{'y' if left == 1 else 'ies'} before this "
            "link is locked.",
        )
    return render(request, "intake/door/unlock.html", _context(partner, form=form))


@never_cache
@require_http_methods(["GET", "HEAD"])
def alive(request, public_id: str):
    """ "Stay on this page": the idle time starts again (the middleware noted this request)."""
    partner = session_partner(request, public_id)
    if partner is None or needs_code(request, partner):
        return HttpResponse(status=403)
    return HttpResponse(status=204)
