"""The admin is no side door to clinical content: staff who are not clinicians (superusers
too) never see a screening, its scores or its flags there; a clinician's every look is audited
as a view of the case."""

import pytest
from django.contrib.auth.models import Permission
from django.utils.html import escape

from screening.models import AuditEntry, Screening
from tests.auth import signed_in
from tests.factories import DEMO_NAMES, flagged_case, make_user
from tests.intake.helpers import visible_text

pytestmark = pytest.mark.django_db


def _all_permissions(user):
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["screening", "intake"])
    )
    return user


@pytest.fixture
def demo():
    case = flagged_case()
    screening = Screening.objects.get(couple=case.couple, is_current=True)
    messages = list(screening.flags.values_list("message", flat=True))
    assert messages
    return case, screening, messages


def _pages(screening):
    base = f"/admin/screening/screening/{screening.pk}"
    return {
        "list": "/admin/screening/screening/",
        "search": f"/admin/screening/screening/?q={screening.couple.reference}",
        "change": f"{base}/change/",
        "history": f"{base}/history/",
    }


def _outsiders():
    return {
        "staff with every permission": _all_permissions(make_user("office.staff", staff=True)),
        "superuser": make_user("site.admin", superuser=True),
    }


def test_staff_who_are_not_clinicians_are_refused_every_clinical_admin_page(demo):
    case, screening, messages = demo
    for who, user in _outsiders().items():
        client = signed_in(user)
        before = AuditEntry.objects.count()
        for page, url in _pages(screening).items():
            response = client.get(url)
            assert response.status_code == 403, (who, page)
            body = response.content.decode()
            assert case.couple.reference not in body, (who, page)
            for message in messages:
                assert escape(message) not in body and message not in body, (who, page)
            for name in DEMO_NAMES:
                assert name not in body, (who, page)
        index = client.get("/admin/")
        assert index.status_code == 200
        assert "/admin/screening/screening/" not in index.content.decode(), who
        assert "Screenings" not in visible_text(index), who
        assert AuditEntry.objects.count() == before


def test_clinical_models_not_in_the_admin_are_not_reachable(demo):
    """Answers, drafts, flags, alerts and dispositions have no admin pages of their own."""
    client = signed_in(make_user("dr.root", clinician=True, superuser=True))
    for model in ("intake/submission", "intake/answerset", "screening/flag"):
        assert client.get(f"/admin/{model}/").status_code == 404, model
    for model in ("screening/urgentalert", "screening/disposition"):
        assert client.get(f"/admin/{model}/").status_code == 404, model


def test_a_clinician_in_the_admin_sees_the_screening_and_each_look_is_audited(demo):
    case, screening, messages = demo
    user = make_user("dr.admin", clinician=True, staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_screening", "view_flag"])
    )
    client = signed_in(user)
    for page, url in _pages(screening).items():
        before = set(AuditEntry.objects.values_list("pk", flat=True))
        response = client.get(url)
        assert response.status_code == 200, page
        new = AuditEntry.objects.exclude(pk__in=before)
        entry = new.get()
        assert entry.action == AuditEntry.Action.CASE_VIEWED
        assert entry.actor == user
        assert entry.data["via"] == "admin"
        if page in ("change", "history"):
            assert entry.couple == case.couple
    change = client.get(_pages(screening)["change"])
    assert messages[0] in visible_text(change)
    assert "/admin/screening/screening/" in client.get("/admin/").content.decode()


def test_a_clinician_without_the_model_permission_is_refused_and_not_audited(demo):
    _, screening, _ = demo
    client = signed_in(make_user("dr.noperm", clinician=True, staff=True))
    before = AuditEntry.objects.count()
    assert client.get(_pages(screening)["change"]).status_code == 403
    assert AuditEntry.objects.count() == before


def test_audit_entry_details_in_the_admin_are_for_clinicians_only(demo):
    """An entry's details name a flag's rule (a disposition) or a reason: not for outsiders."""
    case, _, _ = demo
    clinician = make_user("dr.audit", clinician=True, staff=True)
    entry = AuditEntry.objects.create(
        actor=clinician,
        actor_name="dr.audit",
        action=AuditEntry.Action.CASE_REOPENED,
        couple=case.couple,
        data={"reason": "SI-2 needs a second look"},
    )
    url = f"/admin/screening/auditentry/{entry.pk}/change/"
    outsider = signed_in(_all_permissions(make_user("office.staff", staff=True)))
    response = outsider.get(url)
    assert response.status_code == 200
    assert "SI-2 needs a second look" not in response.content.decode()
    clinician.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    assert "SI-2 needs a second look" in signed_in(clinician).get(url).content.decode()
