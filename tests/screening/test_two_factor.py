"""Clinician sign-in is throttled, locks after repeated failures, and needs a
second factor (TOTP); an administrator can reset it; partner links are unaffected."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from tests import factories
from tests.auth import current_code, password_step, sign_in
from tests.factories import PASSWORD, open_link
from tests.intake.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_first_sign_in_sets_up_an_authenticator_then_every_sign_in_asks_for_a_code(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code below
    user = factories.clinician_user("dr.khan")
    client = Client()
    page = password_step(client, user.username)
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    text = visible_text(page)
    assert "Set up two-factor sign-in" in text
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page.content.decode()).group(1)
    assert len(secret) >= 32  # 160-bit key, base32
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()  # the QR code, inline
    wrong = client.post(page.redirect_chain[-1][0], {"token": "000000"})
    assert "That code is not right" in visible_text(wrong)
    assert Client().get("/clinic/").status_code == 302
    done = client.post(
        page.redirect_chain[-1][0], {"token": current_code(user), "next": "/clinic/"}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/clinic/"
    assert "Cases" in visible_text(done)

    # a code is good once: the next sign-in, a minute later, needs the next code
    with freeze_time(timezone.now() + datetime.timedelta(seconds=60), tick=True):
        again = Client()
        page = password_step(again, user.username)
        assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/?")
        assert again.get("/clinic/").status_code == 302  # not in without the code
        code = current_code(user)
        done = again.post("/accounts/two-factor/", {"token": code, "next": "/clinic/"})
        assert done.status_code == 302 and done["Location"] == "/clinic/"
        assert again.get("/clinic/").status_code == 200
        replay = Client()
        password_step(replay, user.username)
        replayed = replay.post("/accounts/two-factor/", {"token": code})
        assert "That code is not right" in visible_text(replayed)


def test_wrong_codes_are_throttled():
    user = factories.clinician_user("dr.khan")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    password_step(client, user.username)
    assert "That code is not right" in visible_text(
        client.post("/accounts/two-factor/", {"token": "000000"})
    )
    refused = client.post("/accounts/two-factor/", {"token": current_code(user)})
    assert "Too many wrong codes" in visible_text(refused)
    assert client.get("/clinic/").status_code == 302


def test_a_password_without_the_code_reaches_no_case_page():
    user = factories.clinician_user("dr.khan")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    password_step(client, user.username)
    for url in ("/clinic/", "/clinic/cases/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/")


def test_the_account_locks_after_repeated_failures_even_for_the_right_password(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = factories.clinician_user("dr.khan")
    client = Client()
    for _ in range(3):
        page = password_step(client, user.username, "wrong-password")
    assert page.status_code == 429
    assert "locked" in visible_text(page)
    locked = password_step(Client(), user.username)  # the right password, another browser
    assert locked.status_code == 429
    assert not locked.wsgi_request.user.is_authenticated


def test_behind_a_trusted_proxy_a_lockout_is_per_forwarded_address(settings):
    """Behind the clinic's reverse proxy every request comes from the proxy's address: without
    TRUST_X_FORWARDED_FOR, one person's wrong passwords would lock out every clinician."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUST_X_FORWARDED_FOR = True
    guesser = factories.clinician_user("dr.guess")
    colleague = factories.clinician_user("dr.okafor")
    from_guesser = Client(HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="127.0.0.1")
    for _ in range(3):
        page = password_step(from_guesser, guesser.username, "wrong-password")
    assert page.status_code == 429
    # The colleague, at another address, signs in through the same proxy.
    from_colleague = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1")
    page = password_step(from_colleague, colleague.username)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/")
    # A made-up X-Forwarded-For in front of the proxy's own entry changes nothing.
    spoofed = Client(HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5", REMOTE_ADDR="127.0.0.1")
    assert password_step(spoofed, guesser.username).status_code == 429
    # Something that is not an address is ignored (the proxy's own address counts), not a 500.
    garbled = Client(HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="127.0.0.1")
    page = password_step(garbled, colleague.username)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/")


def test_an_administrator_resets_the_second_factor_in_the_admin():
    user = factories.clinician_user("dr.khan")
    TOTPDevice.objects.create(user=user, name="lost phone", confirmed=True)
    admin_user = factories.make_user("admin", superuser=True, password=PASSWORD)
    admin = Client()
    sign_in(admin, admin_user)
    device = TOTPDevice.objects.get(user=user)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    page = password_step(Client(), user.username)
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")


def test_the_admin_itself_asks_for_the_second_factor():
    factories.make_user("admin", superuser=True, password=PASSWORD)
    client = Client()
    page = client.get("/admin/login/")
    assert 'name="otp_token"' in page.content.decode()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 200  # refused without a code
    assert client.get("/admin/").status_code == 302


def test_partner_links_need_no_account_and_no_code(new_case):
    page = open_link(Client(), new_case.links["a"])  # the start page, consent, a resume code
    assert page.status_code == 200
    assert "Step 1 of 12" in visible_text(page)


@pytest.mark.parametrize(
    ("asked", "landing"),
    [
        ("/clinic/?attention=urgent", "/clinic/?attention=urgent"),
        ("https://example.com/clinic/", "/clinic/"),
        ("//example.com/", "/clinic/"),
        ("/clinic/?" + "q" * 2001, "/clinic/"),
    ],
)
def test_after_the_code_only_an_address_on_this_site_is_followed(asked, landing):
    user = factories.clinician_user("dr.ngo")
    TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    client = Client()
    password_step(client, user.username)
    page = client.get("/accounts/two-factor/", {"next": asked})
    # the page's form carries on to the same place as the address would
    hidden = re.search(r'name="next" value="([^"]*)"', page.content.decode()).group(1)
    assert hidden.replace("&amp;", "&") == landing
    done = client.post(f"/accounts/two-factor/?next={asked}", {"token": current_code(user)})
    assert done.status_code == 302 and done["Location"] == landing
