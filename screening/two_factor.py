"""A second factor for clinicians: TOTP codes from an authenticator app (django-otp).

After the password, a clinician with a confirmed device types a code; one without a device
sets one up first (scan a QR code, confirm with a code). An administrator resets a clinician's
second factor by deleting their TOTP device in the Django admin; they set up a new one at their
next sign-in. Partner links are not affected.
"""

import base64
import io
from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp.qr import write_qrcode_image

from .forms import NextForm


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Too many wrong codes. Wait a minute and try again.")
        if not self.device.verify_token(token):
            raise forms.ValidationError("That code is not right. Check your app and try again.")
        return token


def _next(request) -> str:
    """Where to go after the second factor: the form's `next`, else the address's, when it
    is on this site (the check is `NextForm`'s); else the queue."""
    for data in (request.POST, request.GET):
        form = NextForm(data, request=request)
        if form.is_valid() and form.cleaned_data["next"]:
            return form.cleaned_data["next"]
    return "/clinic/"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@never_cache
@login_required
def verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next(request))
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/two_factor_verify.html", context)


def _fresh_pending_device(user) -> TOTPDevice:
    """A new secret for the clinician's unconfirmed device (one is made if there is none).

    A pending secret is shown once: every time the set-up page is shown (a new sign-in, a
    reload) it gets a new one, so a secret seen on a screen, or left in a page that someone
    else reloads later, is never the one that ends up confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    device.key = default_key()
    device.last_t = -1
    device.save(update_fields=["key", "last_t"])  # wrong codes stay counted (throttling)
    return device


@never_cache
@login_required
def setup(request):
    if confirmed_device(request.user) is not None:
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
    if request.method == "POST":
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
        form = TokenForm(request.POST, device=device)
        if form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(_next(request))
        # The key is not shown again: the app already has it, or a new one is asked for.
        context = {"form": form, "next": _next(request), "secret": None}
        return render(request, "registration/two_factor_setup.html", context)
    device = _fresh_pending_device(request.user)
    svg = io.BytesIO()
    write_qrcode_image(device.config_url, svg)
    context = {
        "form": TokenForm(device=device),
        "next": _next(request),
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode(),
        "secret": b32encode(device.bin_key).decode(),
    }
    return render(request, "registration/two_factor_setup.html", context)
