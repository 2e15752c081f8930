"""Signing clinicians in for tests: a session with the password step and the second factor done."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def sign_in(client: Client, user) -> Client:
    """Log `user` in with a confirmed TOTP device, as after typing a right code."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Test app"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def signed_in(user) -> Client:
    """A new browser signed in as `user` (password and second factor); `client.user` is them."""
    client = sign_in(Client(), user)
    client.user = user
    return client


def current_code(user) -> str:
    """The code the clinician's authenticator app shows now (their newest confirmed device)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(client: Client, username: str, password: str = PASSWORD):
    """The sign-in form's first step (username and password), followed to where it leads."""
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "next": "/clinic/"},
        follow=True,
    )
