"""Clinician accounts: a pending second-factor secret is shown once; lockouts count a username
and an address together; X-Forwarded-For is believed only from the listed proxies."""

import base64
import re

import pytest
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.client_ip import client_ip
from tests.auth import current_code, password_step
from tests.factories import PASSWORD, clinician_user
from tests.intake.helpers import visible_text

pytestmark = pytest.mark.django_db


def shown_secret(response) -> str | None:
    found = re.search(r"data-secret>([A-Z2-7]+)<", response.content.decode())
    return found.group(1) if found else None


def test_a_pending_secret_is_shown_once_and_replaced_at_every_sign_in(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = clinician_user("dr.khan")
    first = Client()
    page = password_step(first, user.username)
    setup_url = page.redirect_chain[-1][0]
    secret = shown_secret(page)
    assert secret
    # A reload does not show that secret again: a new one replaces it.
    reloaded = first.get(setup_url)
    assert shown_secret(reloaded) not in (None, secret)
    assert "This key is shown only once" in visible_text(reloaded)
    # A wrong code: the page asks again without showing any key.
    wrong = first.post(setup_url, {"token": "000000"})
    assert "That code is not right" in visible_text(wrong)
    assert shown_secret(wrong) is None
    assert 'src="data:image/svg+xml' not in wrong.content.decode()  # no QR code either
    assert "The key is not shown again" in visible_text(wrong)
    # A new sign-in (another browser): another new secret; the older ones stop working.
    later = password_step(Client(), user.username)
    newest = shown_secret(later)
    assert newest not in (None, secret, shown_secret(reloaded))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    device = TOTPDevice.objects.get(user=user)
    assert newest == base64.b32encode(device.bin_key).decode()
    # Confirming with the newest secret's code works; then no secret is ever shown again.
    done = first.post(setup_url, {"token": current_code(user), "next": "/clinic/"})
    assert done.status_code == 302 and done["Location"] == "/clinic/"
    again = Client()
    page = password_step(again, user.username)
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/?")
    assert shown_secret(again.get(setup_url, follow=True)) is None


def test_wrong_passwords_lock_the_username_at_that_address_only(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = clinician_user("dr.khan")
    guesser = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        page = password_step(guesser, user.username, "wrong-password")
    assert page.status_code == 429
    assert "locked" in visible_text(page)
    # From the same address even the right password is refused...
    assert password_step(Client(REMOTE_ADDR="203.0.113.5"), user.username).status_code == 429
    # ...but the clinician, elsewhere, signs in.
    elsewhere = password_step(Client(REMOTE_ADDR="198.51.100.7"), user.username)
    assert elsewhere.status_code == 200
    assert elsewhere.redirect_chain[-1][0].startswith("/accounts/two-factor/")
    # And another clinician at the guesser's address is not locked out either.
    colleague = clinician_user("dr.okafor")
    same_address = password_step(Client(REMOTE_ADDR="203.0.113.5"), colleague.username)
    assert same_address.status_code == 200
    assert same_address.redirect_chain[-1][0].startswith("/accounts/two-factor/")


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "counted"),
    [
        # a client that reaches the app directly is counted by its own address
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),
        ("203.0.113.5", "127.0.0.1", "203.0.113.5"),
        # through the proxy: the address the proxy appended, not one the client made up
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("127.0.0.1", "198.51.100.7, 203.0.113.5", "203.0.113.5"),
        ("::1", "2001:db8::5", "2001:db8::5"),
        # a chain of trusted proxies: the right-most address that is not one of them
        ("127.0.0.1", "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # nothing usable forwarded: the proxy's own address
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    settings, remote, forwarded, counted
):
    settings.TRUST_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]
    assert client_ip(request_from(remote, forwarded)) == counted


def test_without_trust_x_forwarded_for_is_ignored(settings):
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip(request_from("127.0.0.1", "203.0.113.5")) == "127.0.0.1"


def test_a_spoofing_client_not_behind_the_proxy_is_locked_by_its_own_address(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUST_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    user = clinician_user("dr.khan")
    for n in range(3):
        # a new made-up forwarded address every time: it changes nothing
        spoofer = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        page = password_step(spoofer, user.username, "wrong-password")
    assert page.status_code == 429
    again = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert password_step(again, user.username, PASSWORD).status_code == 429
    # Through the proxy, the clinician's own address is not locked.
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert password_step(proxied, user.username).status_code == 200
