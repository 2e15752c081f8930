"""Only active clinicians see anything of a case. Every clinic URL against every
persona: anonymous visitors and partners get the login page, signed-in non-clinicians a 403,
and nobody but a clinician learns anything of a case (nor changes it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from screening.models import AuditEntry, Disposition, record
from screening.review import missing_dispositions
from tests.auth import current_code, signed_in
from tests.factories import DEMO_NAMES, PASSWORD, case_url, flagged_case, make_user
from tests.intake.helpers import messages_shown, visible_text
from tests.screening import personas as p
from tests.screening.records import snapshot

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Callable[[p.Personas], str]
    data: Callable[[p.Personas], dict] = field(default=lambda people: {})
    # for a clinician: the status and where a redirect goes (None: no redirect)
    clinician_status: int = 200
    clinician_location: Callable[[p.Personas], str] | None = None
    # what a clinician is told after the redirect (a refused change redirects too)
    clinician_message: str | None = None
    # brings the case to where the action is allowed (run for every persona)
    setup: Callable[[p.Personas], None] | None = None


def _case(people) -> str:
    return case_url(people.couple)


def _first_missing_key(people) -> str:
    return missing_dispositions(people.couple)[0].key


CLINIC_ENDPOINTS = [
    Endpoint("queue", "get", lambda people: "/clinic/"),
    Endpoint("new case page", "get", lambda people: "/clinic/cases/new/"),
    Endpoint(
        "new case",
        "post",
        lambda people: "/clinic/cases/new/",
        lambda people: {"email_a": "", "email_b": "", "appointment_date": ""},
        302,
    ),
    Endpoint("case page", "get", _case),
    Endpoint(
        "disposition",
        "post",
        lambda people: _case(people) + "dispositions/",
        lambda people: {
            "key": _first_missing_key(people),
            "outcome": "follow_up",
            "note": "Phoned partner A.",
        },
        302,
        lambda people: _case(people) + f"#flag-{_first_missing_key(people)[:12]}",
        clinician_message="Disposition recorded.",
    ),
    Endpoint(
        "sign-off",
        "post",
        lambda people: _case(people) + "sign-off/",
        lambda people: {"note": "Ready."},
        302,
        _case,
        clinician_message="Signed off: the case is ready for the prescriber.",
        setup=p.all_disposed,
    ),
    Endpoint(
        "assign to me",
        "post",
        lambda people: _case(people) + "assign/",
        lambda people: {},
        302,
        _case,
        clinician_message="The case is assigned to you.",
    ),
    Endpoint(
        "reopen case",
        "post",
        lambda people: _case(people) + "reopen/",
        lambda people: {"reason": "A second look."},
        302,
        _case,
        clinician_message="The case is open again for review.",
        setup=p.signed_off,
    ),
    Endpoint("confirm reissue", "get", lambda people: _case(people) + "partners/a/link/reissue/"),
    Endpoint("confirm revoke", "get", lambda people: _case(people) + "partners/b/link/revoke/"),
    Endpoint("confirm reopen answers", "get", lambda people: _case(people) + "partners/a/reopen/"),
    Endpoint(
        "partner link (reissue)",
        "post",
        lambda people: _case(people) + "partners/a/link/",
        lambda people: {"action": "reissue"},
        302,
        lambda people: _case(people) + "#partner-a",
    ),
    Endpoint(
        "partner link (revoke)",
        "post",
        lambda people: _case(people) + "partners/b/link/",
        lambda people: {"action": "revoke"},
        302,
        lambda people: _case(people) + "#partner-b",
        clinician_message="Partner B's link no longer works.",
    ),
    Endpoint(
        "reopen answers",
        "post",
        lambda people: _case(people) + "partners/a/reopen/",
        lambda people: {"reason": "Partner A asked to correct an answer."},
        302,
        lambda people: _case(people) + "#partner-a",
        clinician_message=(
            "Partner A's answers are open again and their link works. When they submit again, "
            "the case is screened again."
        ),
    ),
    Endpoint("audit log", "get", lambda people: _case(people) + "audit/"),
    Endpoint("draft PDF", "get", lambda people: _case(people) + "summary-draft.pdf"),
    # nothing is stored before sign-off: a clinician gets a 404
    Endpoint(
        "stored PDF", "get", lambda people: _case(people) + "summary.pdf", clinician_status=404
    ),
]


def _request(client, endpoint: Endpoint, people: p.Personas):
    path = endpoint.path(people)
    data = endpoint.data(people)
    return getattr(client, endpoint.method)(path, data), path


def _assert_reveals_nothing(response, people: p.Personas) -> None:
    body = response.content.decode()
    assert people.reference not in body
    for name in DEMO_NAMES:
        assert name not in body
    for word in ("SI-2", "PHQ-9", "heart attack", "Urgent"):
        assert word not in body


@pytest.mark.parametrize("persona", p.PERSONAS)
@pytest.mark.parametrize("endpoint", CLINIC_ENDPOINTS, ids=lambda e: e.name)
def test_every_clinic_url_with_every_persona(people, monkeypatch, persona, endpoint):
    # who gets in is tested here, not the PDF's rendering
    monkeypatch.setattr("screening.pdf.render_pdf", lambda couple, draft: b"%PDF-1.7 stub")
    client = people[persona]
    if endpoint.setup:
        endpoint.setup(people)
    before = snapshot(people.couple)
    # the key of a flag is computed before the request (the request may record it)
    expected_location = endpoint.clinician_location(people) if endpoint.clinician_location else None
    response, path = _request(client, endpoint, people)

    if persona in p.CLINICIANS:
        assert response.status_code == endpoint.clinician_status, response.content[:300]
        if expected_location is not None:
            assert response["Location"] == expected_location
        if endpoint.clinician_message:
            assert endpoint.clinician_message in messages_shown(client.get(response["Location"]))
        return

    if persona in p.NOT_SIGNED_IN:
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=" + quote(path, safe="/")
    else:
        assert persona in p.SIGNED_IN_OUTSIDERS
        assert response.status_code == 403
    _assert_reveals_nothing(response, people)
    assert snapshot(people.couple) == before, "an outsider's request changed the case"


@pytest.mark.parametrize("persona", p.NOT_SIGNED_IN)
def test_the_login_page_is_all_an_outsider_sees(people, persona):
    response = people[persona].get(f"/clinic/cases/{people.reference}/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    text = visible_text(response)
    assert "Clinician sign-in" in text
    for name in DEMO_NAMES:
        assert name not in text
    assert "SI-2" not in text and "Submitted" not in text


@pytest.mark.parametrize("persona", p.SIGNED_IN_OUTSIDERS)
def test_a_signed_in_non_clinician_gets_the_same_403_for_a_case_that_does_not_exist(
    people, persona
):
    client = people[persona]
    real = client.get(f"/clinic/cases/{people.reference}/")
    unknown = client.get("/clinic/cases/TND-NOPE99/")
    assert real.status_code == unknown.status_code == 403
    assert real.content == unknown.content


@pytest.mark.parametrize(
    "path",
    [
        "/clinic/cases/TND-NOPE99/",
        "/clinic/cases/TND-NOPE99/audit/",
    ],
)
def test_a_clinician_gets_a_404_for_an_unknown_case(people, path):
    response = people.clinician.get(path)
    assert response.status_code == 404
    _assert_reveals_nothing(response, people)


@pytest.mark.parametrize(
    "suffix, data",
    [
        ("dispositions/", {"key": "x", "outcome": "follow_up"}),
        ("sign-off/", {"note": "n"}),
        ("reopen/", {"reason": "r"}),
        ("partners/a/link/", {"action": "reissue"}),
        ("partners/a/reopen/", {"reason": "r"}),
    ],
)
def test_posts_to_an_unknown_case_are_404_for_a_clinician(people, suffix, data):
    before = snapshot(people.couple)
    assert people.clinician.post(f"/clinic/cases/TND-NOPE99/{suffix}", data).status_code == 404
    assert snapshot(people.couple) == before


def test_an_inactive_clinician_gets_the_login_page(people):
    user = make_user("dr.former", clinician=True)
    client = signed_in(user)
    assert client.get("/clinic/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(f"/clinic/cases/{people.reference}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_removed_from_the_clinicians_group_loses_access_at_once(people):
    people.clinician.user.groups.clear()
    assert people.clinician.get(f"/clinic/cases/{people.reference}/").status_code == 403
    assert people.clinician.get("/clinic/").status_code == 403


def test_an_administrator_is_not_a_clinician_unless_in_the_group(people):
    admin = people[p.ADMIN]
    assert admin.get("/clinic/").status_code == 403
    admin.user.groups.add(Group.objects.get(name="clinicians"))
    assert admin.get("/clinic/").status_code == 200


def test_a_clinician_signs_in_with_the_django_login_page(db):
    user = make_user("dr.lee", clinician=True, password=PASSWORD)
    case = flagged_case()
    client = Client()
    response = client.post(
        "/accounts/login/?next=/clinic/",
        {"username": "dr.lee", "password": "wrong", "next": "/clinic/"},
    )
    assert response.status_code == 200
    assert client.get("/clinic/").status_code == 302
    response = client.post(
        "/accounts/login/",
        {"username": "dr.lee", "password": PASSWORD, "next": "/clinic/"},
        follow=True,
    )
    # the password alone is not enough: a first sign-in sets up the second factor
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    response = client.post(
        response.redirect_chain[-1][0],
        {"token": current_code(user), "next": "/clinic/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/clinic/"
    assert case.couple.reference in visible_text(response)


def test_administrators_make_a_user_a_clinician_in_the_django_admin(people):
    admin = people[p.ADMIN]
    user = make_user("dr.new")
    newcomer = signed_in(user)
    assert newcomer.get("/clinic/").status_code == 403

    page = admin.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    group = Group.objects.get(name="clinicians")
    assert f'value="{group.pk}"' in page.content.decode()
    response = admin.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "dr.new",
            "email": "",
            "first_name": "",
            "last_name": "",
            "is_active": "on",
            "groups": [str(group.pk)],
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-01-05",
            "initial-date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(user.groups.values_list("name", flat=True)) == ["clinicians"]
    assert newcomer.get("/clinic/").status_code == 200


# --- the audit log in the admin: readable by administrators, never changed -------------------


def _entry(people) -> AuditEntry:
    return record(people.clinician.user, AuditEntry.Action.CASE_VIEWED, people.couple)


ADMIN_ENDPOINTS = [
    # name, method, path, data, the administrator's status
    ("audit list", "get", lambda e: "/admin/screening/auditentry/", {}, 200),
    ("audit entry", "get", lambda e: f"/admin/screening/auditentry/{e.pk}/change/", {}, 200),
    (
        "audit entry change",
        "post",
        lambda e: f"/admin/screening/auditentry/{e.pk}/change/",
        {"action": "signed_off", "actor_name": "someone else"},
        403,
    ),
    ("audit add", "get", lambda e: "/admin/screening/auditentry/add/", {}, 403),
    (
        "audit add post",
        "post",
        lambda e: "/admin/screening/auditentry/add/",
        {"action": "signed_off", "actor_name": "x"},
        403,
    ),
    ("audit delete page", "get", lambda e: f"/admin/screening/auditentry/{e.pk}/delete/", {}, 403),
    (
        "audit delete",
        "post",
        lambda e: f"/admin/screening/auditentry/{e.pk}/delete/",
        {"post": "yes"},
        403,
    ),
]


@pytest.mark.parametrize("persona", p.PERSONAS)
@pytest.mark.parametrize(
    "name, method, path, data, admin_status", ADMIN_ENDPOINTS, ids=[e[0] for e in ADMIN_ENDPOINTS]
)
def test_the_audit_admin_with_every_persona(
    people_new_case, persona, name, method, path, data, admin_status
):
    people = people_new_case
    client = people[persona]
    entry = _entry(people)
    stored = list(AuditEntry.objects.values_list("pk", "action", "actor_name", "data"))
    url = path(entry)
    response = getattr(client, method)(url, data)
    if persona == p.ADMIN:
        assert response.status_code == admin_status
    elif persona == p.STAFF:
        assert response.status_code == 403  # staff without the permission
    else:  # clinicians are not staff; partners and visitors are not signed in
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    if response.status_code != 200:
        assert people.reference not in response.content.decode()
    assert list(AuditEntry.objects.values_list("pk", "action", "actor_name", "data")) == stored


def test_the_admin_shows_the_audit_log_read_only_and_offers_no_delete_action(people):
    entry = _entry(people)
    admin = people[p.ADMIN]
    listing = admin.get("/admin/screening/auditentry/")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "dr.lee" in html and "Case viewed" in html
    assert "delete_selected" not in html
    assert "/admin/screening/auditentry/add/" not in html

    detail = admin.get(f"/admin/screening/auditentry/{entry.pk}/change/")
    html = detail.content.decode()
    assert 'name="_save"' not in html
    assert f"/admin/screening/auditentry/{entry.pk}/delete/" not in html

    # the bulk delete action, posted anyway, deletes nothing
    response = admin.post(
        "/admin/screening/auditentry/",
        {"action": "delete_selected", "_selected_action": [str(entry.pk)], "post": "yes"},
    )
    # the list, shown again as it was: there is no action to run
    assert response.status_code == 200
    assert "Select audit entry to view" in response.content.decode()
    assert "Are you sure?" not in response.content.decode()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_dispositions_are_not_touched_by_outsiders_posting_directly(people):
    key = _first_missing_key(people)
    for persona in p.OUTSIDERS:
        people[persona].post(
            f"/clinic/cases/{people.reference}/dispositions/",
            {"key": key, "outcome": "not_relevant", "note": "not me"},
        )
    assert not Disposition.objects.exists()
