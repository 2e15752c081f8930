"""The audit log. Every view of a case, disposition, sign-off, reopen, link reissue and
PDF download is recorded (who, what, when, from where), never the answers. It cannot be changed
or deleted; clinicians read it per case."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.utils import timezone

from intake import services as intake_services
from intake.demo import demo_document
from intake.models import Couple
from screening import review
from screening.models import AuditEntry, record
from tests.dates import minute
from tests.factories import DEMO_NAMES, case_url, export_answers, import_answers
from tests.intake.helpers import table_rows, visible_text
from tests.screening import personas as p
from tests.screening.records import answer_strings, audit_data_text

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
Action = AuditEntry.Action


def _first_key(people):
    return review.missing_dispositions(people.couple)[0].key


# name: (set-up, method, path suffix or full path, data, [(action, partner label, data)])
ACTIONS = {
    "case viewed": (None, "get", "", {}, [(Action.CASE_VIEWED, "", {})]),
    "audit log viewed": (None, "get", "audit/", {}, [(Action.AUDIT_VIEWED, "", {})]),
    "disposition": (
        None,
        "post",
        "dispositions/",
        lambda people: {"key": _first_key(people), "outcome": "follow_up", "note": "Called."},
        [(Action.DISPOSITION_RECORDED, "a", {"rule": "SI-2", "outcome": "follow_up"})],
    ),
    "sign-off": (
        p.all_disposed,
        "post",
        "sign-off/",
        {"note": "Ready for the prescriber."},
        [(Action.SIGNED_OFF, "", {"outcome": "Ready for the prescriber"})],
    ),
    "signed off as not ready": (
        p.all_disposed,
        "post",
        "sign-off/",
        {"outcome": "not_ready", "reason": "Cardiology letter to come."},
        [(Action.SIGNED_OFF, "", {"outcome": "Not ready: further assessment needed"})],
    ),
    "case assigned": (None, "post", "assign/", {}, [(Action.CASE_ASSIGNED, "", {"to": "dr.lee"})]),
    "case reopened": (
        p.signed_off,
        "post",
        "reopen/",
        {"reason": "New letter from the GP."},
        [(Action.CASE_REOPENED, "", {"reason": "New letter from the GP."})],
    ),
    "answers reopened": (
        None,
        "post",
        "partners/b/reopen/",
        {"reason": "Partner B asked to add a medicine."},
        [(Action.ANSWERS_REOPENED, "b", {"reason": "Partner B asked to add a medicine."})],
    ),
    "link reissued": (
        None,
        "post",
        "partners/a/link/",
        {"action": "reissue"},
        [(Action.LINK_REISSUED, "a", {})],
    ),
    "link reissued by e-mail": (
        lambda people: people.couple.partners.filter(label="b").update(email="b@example.com"),
        "post",
        "partners/b/link/",
        {"action": "reissue_email"},
        [(Action.LINK_REISSUED, "b", {}), (Action.INVITATION_SENT, "b", {})],
    ),
    "link revoked": (
        None,
        "post",
        "partners/a/link/",
        {"action": "revoke"},
        [(Action.LINK_REVOKED, "a", {})],
    ),
    "draft PDF downloaded": (
        None,
        "get",
        "summary-draft.pdf",
        {},
        [(Action.PDF_DOWNLOADED, "", {"draft": True})],
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_is_recorded_with_who_what_when_and_from_where(people, monkeypatch, name):
    setup, method, suffix, data, expected = ACTIONS[name]
    # the PDF's rendering is not what is tested here
    monkeypatch.setattr("screening.pdf.render_pdf", lambda couple, draft: b"%PDF-1.7 stub")
    client = people.clinician
    if setup:
        setup(people)
    if callable(data):
        data = data(people)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = getattr(client, method)(case_url(people.couple) + suffix, data, REMOTE_ADDR=IP)
    # a page (the draft PDF) or the redirect back to the case page after a change
    assert response.status_code == (200 if method == "get" else 302), response.content[:300]
    new = list(AuditEntry.objects.filter(id__gt=last).order_by("id"))
    assert [(e.action, e.partner_label, e.data) for e in new] == expected
    for entry in new:
        assert entry.actor == client.user
        assert entry.actor_name == "dr.lee"
        assert entry.couple == people.couple
        assert entry.ip_address == IP
        assert abs((timezone.now() - entry.at).total_seconds()) < 60


def test_creating_a_case_and_e_mailing_the_links_is_recorded(people):
    response = people.clinician.post(
        "/clinic/cases/new/",
        {"email_a": "one@example.com", "email_b": "two@example.com", "send_emails": "on"},
        REMOTE_ADDR=IP,
    )
    couple = Couple.objects.get(reference=response["Location"].split("/")[-2])
    entries = list(couple.audit.order_by("id").values_list("action", "partner_label", "ip_address"))
    assert entries == [
        (Action.CASE_CREATED, "", IP),
        (Action.INVITATION_SENT, "a", IP),
        (Action.INVITATION_SENT, "b", IP),
    ]
    assert "one@example.com" not in audit_data_text()


def test_the_audit_log_never_holds_the_answers(people, monkeypatch):
    """A whole review, through the pages; then nothing any partner answered is in the log."""
    monkeypatch.setattr("screening.pdf.render_pdf", lambda couple, draft: b"%PDF-1.7 stub")
    clinician, couple = people.clinician, people.couple
    clinician.get(case_url(couple))
    for item in review.missing_dispositions(couple):
        clinician.post(
            case_url(couple) + "dispositions/",
            {"key": item.key, "outcome": "acknowledged", "note": "Reviewed with the couple."},
        )
    clinician.post(case_url(couple) + "sign-off/", {"note": "Ready."})
    clinician.post(case_url(couple) + "reopen/", {"reason": "A second look."})
    clinician.post(case_url(couple) + "partners/a/link/", {"action": "reissue"})
    clinician.post(case_url(couple) + "partners/b/link/", {"action": "revoke"})
    clinician.post(case_url(couple) + "partners/a/reopen/", {"reason": "Correction asked."})
    clinician.get(case_url(couple) + "summary-draft.pdf")
    clinician.get(case_url(couple) + "audit/")
    assert AuditEntry.objects.filter(couple=couple).count() >= 14

    stored = audit_data_text()
    answers = answer_strings(demo_document())
    assert {"Sam", "Alex", "sam@example.com", "Lorazepam", "Jo Rivera (friend)"} <= answers
    leaked = sorted(value for value in answers if value in stored)
    assert leaked == []
    for entry in AuditEntry.objects.all():
        assert set(entry.data) <= {"rule", "outcome", "reason", "draft", "version", "sha256"}
    # nor does the page that shows it
    page = visible_text(clinician.get(case_url(couple) + "audit/"))
    for name in DEMO_NAMES:
        assert name not in page


# --- append-only -------------------------------------------------------------------------------


def test_an_audit_entry_cannot_be_changed_or_deleted(people):
    entry = record(people.clinician.user, Action.CASE_VIEWED, people.couple)
    entry.action = Action.SIGNED_OFF
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone else")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        people.couple.audit.all().delete()
    with pytest.raises(ProtectedError):
        Couple.objects.get(pk=people.couple.pk).delete()  # the log keeps its case
    with pytest.raises(ProtectedError):
        people.clinician.user.delete()  # and its actors
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.actor_name) == (Action.CASE_VIEWED, "dr.lee")


def test_the_actor_name_is_kept_when_the_user_is_renamed(people):
    record(people.clinician.user, Action.CASE_VIEWED, people.couple)
    user = people.clinician.user
    user.username = "dr.lee-smith"
    user.save(update_fields=["username"])
    assert AuditEntry.objects.get().actor_name == "dr.lee"


# --- reading it, per case ----------------------------------------------------------------------


def test_clinicians_read_the_audit_log_of_a_case_newest_first(people):
    other = intake_services.create_case()
    record(people.clinician.user, Action.CASE_VIEWED, other.couple)  # another case
    people.clinician.get(case_url(people.couple), REMOTE_ADDR=IP)
    people.clinician.post(
        case_url(people.couple) + "partners/b/reopen/", {"reason": "Add a medicine."}
    )
    response = people.clinician2.get(case_url(people.couple) + "audit/")
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    assert rows[0] == ["When", "Who", "What", "Partner", "From", "Details"]
    body = [row[1:] for row in rows[1:]]
    newest = AuditEntry.objects.filter(couple=people.couple).latest("at", "id")
    when = timezone.localtime(newest.at)
    assert rows[1][0] == f"{minute(when)}:{when:%S}"  # "15 July 2026 14:05:09"
    assert body == [  # reading it is recorded too
        ["dr.okafor", "Audit log viewed", "—", "127.0.0.1", ""],
        ["dr.lee", "Answers reopened", "B", "127.0.0.1", "reason: Add a medicine."],
        ["dr.lee", "Case viewed", "—", IP, ""],
    ]
    assert "Sam" not in visible_text(response)


def test_the_audit_log_pages_a_hundred_entries_at_a_time(people):
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(actor_name="dr.lee", action=Action.CASE_VIEWED, couple=people.couple)
            for _ in range(120)
        ]
    )
    first = people.clinician.get(case_url(people.couple) + "audit/")
    assert len(table_rows(first.content.decode())) == 101
    assert 'href="?page=2"' in first.content.decode()
    second = people.clinician.get(case_url(people.couple) + "audit/", {"page": 2})
    # 120, and the two readings: 22 on the second page, under the header row
    assert len(table_rows(second.content.decode())) == 1 + 22


def test_export_and_import_commands_are_audited(tmp_path):
    couple = Couple.objects.get(reference=import_answers(tmp_path, demo_document()))
    export_answers(couple.reference)
    actions = list(couple.audit.values_list("action", "actor_name"))
    assert (AuditEntry.Action.ANSWERS_IMPORTED, "command line") in actions
    assert (AuditEntry.Action.ANSWERS_EXPORTED, "command line") in actions


def test_an_imported_case_shows_its_import_on_the_audit_log(tmp_path, clinician):
    couple = Couple.objects.get(reference=import_answers(tmp_path, demo_document()))
    page = clinician.get(case_url(couple) + "audit/")
    rows = [row[1:3] for row in table_rows(page.content.decode())[1:]]
    assert ["command line", "Answers imported"] in rows
    assert couple.created_by is None


def test_a_refused_import_leaves_no_case_and_no_audit_entry(tmp_path):
    document = demo_document()
    document["partners"]["a"]["no_such_question"] = 1
    with pytest.raises(CommandError, match="Refused"):
        import_answers(tmp_path, document)
    assert not Couple.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.ANSWERS_IMPORTED).exists()


def test_the_demo_cases_are_on_the_audit_log(clinician):
    call_command("demo", "--password", "demo-password-1", stdout=io.StringIO())
    imported = Couple.objects.get(audit__action=Action.ANSWERS_IMPORTED)
    created = Couple.objects.get(audit__action=Action.CASE_CREATED)
    assert imported != created
    for couple, what in ((imported, "Answers imported"), (created, "Case created")):
        page = clinician.get(case_url(couple) + "audit/")
        rows = [row[1:3] for row in table_rows(page.content.decode())[1:]]
        assert ["command line", what] in rows


# 120 entries and the one reading: 22 on the last page, under the header row.
@pytest.mark.parametrize(("asked", "rows"), [("x", 101), ("0", 101), ("9" * 5000, 101), ("99", 22)])
def test_an_audit_page_that_is_not_a_page_number_shows_the_first_or_last_page(people, asked, rows):
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(actor_name="dr.lee", action=Action.CASE_VIEWED, couple=people.couple)
            for _ in range(120)
        ]
    )
    response = people.clinician.get(case_url(people.couple) + "audit/", {"page": asked})
    assert response.status_code == 200
    assert len(table_rows(response.content.decode())) == rows
