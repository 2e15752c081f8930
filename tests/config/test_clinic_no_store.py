"""Clinic pages are never kept by a browser or a proxy: `Cache-Control: no-store` on the
workspace, the sign-in pages and the admin, whatever the answer (page, redirect, refusal)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.mark.parametrize(
    "name",
    ["screening:queue", "screening:new_case", "screening:case", "screening:audit"],
)
def test_clinic_pages_are_sent_no_store(new_case, clinician, name):
    args = [new_case.couple.reference] if name in ("screening:case", "screening:audit") else []
    response = clinician.get(reverse(name, args=args))
    assert response.status_code == 200
    assert no_store(response)


def test_a_clinic_post_and_its_redirect_are_sent_no_store(new_case, clinician):
    url = reverse("screening:reopen_case", args=[new_case.couple.reference])
    response = clinician.post(url, {"reason": "x"})
    assert response.status_code == 302
    assert no_store(response)


def test_sign_in_pages_and_refusals_are_sent_no_store(db):
    anonymous = Client()
    login = anonymous.get(reverse("login"))
    assert login.status_code == 200 and no_store(login)
    redirected = anonymous.get(reverse("screening:queue"))
    assert redirected.status_code == 302 and no_store(redirected)
    staff = Client()
    staff.force_login(make_user("reception"))
    refused = staff.get(reverse("screening:queue"))
    assert refused.status_code == 403 and no_store(refused)


def test_the_admin_is_sent_no_store(db):
    admin = make_user("root", superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert no_store(response)
    assert no_store(Client().get(reverse("admin:login")))


def test_the_draft_summary_is_sent_no_store(new_case, clinician):
    response = clinician.get(reverse("screening:summary_draft", args=[new_case.couple.reference]))
    assert response.status_code == 200 and no_store(response)
