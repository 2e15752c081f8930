"""The prescriber's PDF under real faults: a storage folder that cannot be written, a disk
that fills up mid-write, a stored file that was altered or lost. Each test injects the
fault for real (no mocked storage) and checks what a clinician sees.

The tests run as root, and root ignores file permissions (a folder chmod 0500 would still be
written to). The faults used instead are ones root cannot bypass: MEDIA_ROOT's `summaries`
folder replaced by a regular file (creating the case's folder under it fails with
NotADirectoryError), and a small real file system (tmpfs) smaller than the PDF, which makes
the write fail part-way with ENOSPC as a full disk does.
"""

from __future__ import annotations

import contextlib
import hashlib
import stat
import subprocess

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from intake import services
from screening import review
from screening.models import AuditEntry, SignOff, SummaryPDF
from tests.auth import sign_in
from tests.factories import (
    OUTCOMES,
    case_url,
    clinician_user,
    dispose_all,
    realistic_document,
    signed_off_case,
)
from tests.intake.helpers import messages_shown
from tests.intake.helpers import visible_text as text

from .worker_support import DB_TASKS

pytestmark = pytest.mark.usefixtures("media_in_tmp")  # stored summaries in tmp_path

FAILED = "The prescriber's summary could not be made."


def sign_off(client, couple, capture):
    with capture(execute=True):
        response = client.post(
            reverse("screening:sign_off", args=[couple.reference]), {"note": "Ready."}
        )
    assert response.status_code == 302
    return couple.sign_offs.get()


def make_it_again(client, couple, capture):
    with capture(execute=True):
        return client.post(reverse("screening:summary_again", args=[couple.reference]))


def files_under(folder) -> list:
    """Every file (PDF, temporary or other) below `folder`."""
    return [path for path in folder.rglob("*") if not path.is_dir()] if folder.exists() else []


def actions(couple) -> list[str]:
    return list(couple.audit.order_by("at", "id").values_list("action", flat=True))


def test_a_stored_summary_is_readable_by_the_apps_user_only(db, clinician):
    couple = signed_off_case(clinician.user)
    stored = SummaryPDF.objects.get(couple=couple)
    path = settings.MEDIA_ROOT / stored.file.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, path.parent.parent):  # summaries/<reference>, summaries
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in files_under(settings.MEDIA_ROOT)] == [path.name]


def test_an_unwritable_summaries_folder_shows_the_failure_then_make_it_again_works_once(
    ready_case, clinician, django_capture_on_commit_callbacks, caplog
):
    media = settings.MEDIA_ROOT
    media.mkdir()
    blocker = media / "summaries"
    blocker.write_text("not a folder")  # the case's folder cannot be made under it

    signed = sign_off(clinician, ready_case, django_capture_on_commit_callbacks)

    assert not SummaryPDF.objects.exists()
    assert files_under(media) == [blocker]
    assert "could not be made" in caplog.text and "NotADirectoryError" in caplog.text
    signed.refresh_from_db()
    assert signed.summary_failed_at is not None
    page = clinician.get(case_url(ready_case))
    shown = text(page)
    assert FAILED in shown
    assert "cannot be written to" in shown
    assert "being prepared" not in shown
    assert "Traceback" not in shown and "NotADirectoryError" not in shown
    assert 'action="' + reverse("screening:summary_again", args=[ready_case.reference]) in (
        page.content.decode()
    )
    assert "Make it again" in shown
    failed = AuditEntry.objects.get(couple=ready_case, action=AuditEntry.Action.PDF_FAILED)
    assert failed.actor is None and "cannot be written to" in failed.data["error"]
    # The download says so too, rather than "being prepared".
    waiting = clinician.get(reverse("screening:summary", args=[ready_case.reference]))
    assert waiting.status_code == 302
    assert FAILED in text(clinician.get(waiting["Location"]))

    # Still broken: trying again fails again, visibly, and stores nothing.
    make_it_again(clinician, ready_case, django_capture_on_commit_callbacks)
    assert not SummaryPDF.objects.exists()
    assert FAILED in text(clinician.get(case_url(ready_case)))

    blocker.unlink()  # the administrator fixes the folder
    response = make_it_again(clinician, ready_case, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    stored = SummaryPDF.objects.get()
    assert stored.sign_off == signed and stored.version == 1
    signed.refresh_from_db()
    assert signed.summary_failed_at is None and signed.summary_error == ""
    shown = text(clinician.get(case_url(ready_case)))
    assert FAILED not in shown and "Make it again" not in shown
    assert "Version 1" in shown and ": current" in shown
    assert actions(ready_case).count(AuditEntry.Action.PDF_GENERATED) == 1
    again = AuditEntry.objects.filter(
        couple=ready_case, action=AuditEntry.Action.PDF_REQUESTED_AGAIN
    )
    assert again.count() == 2 and {entry.actor for entry in again} == {clinician.user}

    # A second "Make it again" (a double click, an old tab) changes nothing.
    response = make_it_again(clinician, ready_case, django_capture_on_commit_callbacks)
    assert "The summary is already made." in messages_shown(clinician.get(response["Location"]))
    assert SummaryPDF.objects.count() == 1
    assert [p.name for p in files_under(media / "summaries")] == [
        f"{ready_case.reference}-summary-v1.pdf"
    ]
    downloaded = clinician.get(reverse("screening:summary", args=[ready_case.reference]))
    assert hashlib.sha256(downloaded.content).hexdigest() == stored.sha256


@contextlib.contextmanager
def small_disk(path, size: str):
    """A real file system of `size` mounted at `path` (tmpfs): a write past it fails with
    ENOSPC, as on a full disk, for root too. `remount(size)` gives it more room."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)

    def remount(new_size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={new_size}", str(path)], check=True)

    try:
        yield remount
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_a_write_that_fails_part_way_leaves_no_file_and_no_row(
    ready_case, clinician, django_capture_on_commit_callbacks
):
    limit = 16 * 1024  # the realistic case's PDF is far larger: the write stops part-way
    with small_disk(settings.MEDIA_ROOT, "16k") as remount:
        signed = sign_off(clinician, ready_case, django_capture_on_commit_callbacks)

        assert not SummaryPDF.objects.exists()
        assert files_under(settings.MEDIA_ROOT) == []  # neither a PDF nor the temporary file
        signed.refresh_from_db()
        full = "The clinic's file storage is full, so the PDF could not be saved."
        assert signed.summary_error == full
        shown = text(clinician.get(case_url(ready_case)))
        assert FAILED in shown and "storage is full" in shown and "being prepared" not in shown

        remount("4m")  # room again
        make_it_again(clinician, ready_case, django_capture_on_commit_callbacks)
        stored = SummaryPDF.objects.get()
        assert stored.size > limit
        assert (settings.MEDIA_ROOT / stored.file.name).stat().st_size == stored.size


def test_make_it_again_is_refused_once_the_case_is_reopened(
    ready_case, clinician, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "summaries").write_text("not a folder")
    sign_off(clinician, ready_case, django_capture_on_commit_callbacks)
    review.reopen_case(ready_case, clinician.user, "Partner B called back.")
    (settings.MEDIA_ROOT / "summaries").unlink()

    response = make_it_again(clinician, ready_case, django_capture_on_commit_callbacks)
    assert "This case is not signed off" in " ".join(
        messages_shown(clinician.get(response["Location"]))
    )
    assert not SummaryPDF.objects.exists()
    assert FAILED not in text(clinician.get(case_url(ready_case)))
    assert AuditEntry.Action.PDF_REQUESTED_AGAIN not in actions(ready_case)


def test_make_it_again_needs_a_clinician_and_a_post(ready_case, clinician, client):
    url = reverse("screening:summary_again", args=[ready_case.reference])
    assert clinician.get(url).status_code == 405
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PDF_REQUESTED_AGAIN).exists()


def test_make_it_again_is_refused_while_the_summary_is_being_prepared(ready_case, clinician):
    review.sign_off(ready_case, clinician.user, "Ready.")  # the task has not run yet
    response = clinician.post(reverse("screening:summary_again", args=[ready_case.reference]))
    assert "being prepared" in " ".join(messages_shown(clinician.get(response["Location"])))
    assert SignOff.objects.get().summary_failed_at is None


@pytest.mark.parametrize("versioned", [False, True])
def test_an_altered_stored_summary_is_not_handed_out(db, clinician, versioned):
    couple = signed_off_case(clinician.user)
    stored = SummaryPDF.objects.get(couple=couple)
    path = settings.MEDIA_ROOT / stored.file.name
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01  # one bit changed, same size
    path.write_bytes(bytes(content))

    url = (
        reverse("screening:summary_version", args=[couple.reference, 1])
        if versioned
        else reverse("screening:summary", args=[couple.reference])
    )
    response = clinician.get(url)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "does not match what was signed off" in text(response)
    assert "reopen the case and sign it off again" in text(response)
    entry = AuditEntry.objects.get(couple=couple, action=AuditEntry.Action.PDF_ALTERED)
    assert entry.actor == clinician.user and entry.data == {"version": 1, "sha256": stored.sha256}
    assert AuditEntry.Action.PDF_DOWNLOADED not in actions(couple)


def test_a_truncated_stored_summary_is_not_handed_out(db, clinician):
    couple = signed_off_case(clinician.user)
    stored = SummaryPDF.objects.get(couple=couple)
    path = settings.MEDIA_ROOT / stored.file.name
    path.write_bytes(path.read_bytes()[:1000])
    response = clinician.get(reverse("screening:summary", args=[couple.reference]))
    assert response.status_code == 409
    assert AuditEntry.Action.PDF_ALTERED in actions(couple)


@pytest.mark.parametrize("fault", ["deleted", "a folder in its place"])
def test_a_missing_stored_summary_gets_a_clear_page(db, clinician, fault):
    couple = signed_off_case(clinician.user)
    stored = SummaryPDF.objects.get(couple=couple)
    path = settings.MEDIA_ROOT / stored.file.name
    path.unlink()
    if fault == "a folder in its place":
        path.mkdir()  # reading it fails with IsADirectoryError, not FileNotFoundError

    response = clinician.get(reverse("screening:summary", args=[couple.reference]))
    assert response.status_code == 410
    shown = text(response)
    assert f"The stored summary (version 1) of case {couple.reference} is missing." in shown
    assert "administrator" in shown
    entry = AuditEntry.objects.get(couple=couple, action=AuditEntry.Action.PDF_MISSING)
    assert entry.actor == clinician.user and entry.data["version"] == 1
    assert AuditEntry.Action.PDF_DOWNLOADED not in actions(couple)


def test_the_command_refuses_an_altered_stored_summary(db, clinician, tmp_path):
    couple = signed_off_case(clinician.user)
    stored = SummaryPDF.objects.get(couple=couple)
    (settings.MEDIA_ROOT / stored.file.name).write_bytes(b"%PDF-1.7 something else")
    out = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match="does not match"):
        call_command("summary_pdf", couple.reference, "-o", str(out))
    assert not out.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("worker_side_effects")
def test_with_the_database_backend_a_failed_summary_ends_failed_and_is_made_again():
    user = clinician_user("dr.worker")
    clinician = sign_in(Client(), user)
    couple = services.import_document(realistic_document()).couple
    dispose_all(couple, user, outcomes=OUTCOMES)
    settings.MEDIA_ROOT.mkdir()
    blocker = settings.MEDIA_ROOT / "summaries"
    blocker.write_text("not a folder")

    def run_worker():
        call_command(
            "worker",
            "--queue-name",
            "pdf",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )

    with override_settings(TASKS=DB_TASKS):
        clinician.post(reverse("screening:sign_off", args=[couple.reference]), {"note": "Ready."})
        run_worker()
        assert DBTaskResult.objects.get().status == "FAILED"
        assert not SummaryPDF.objects.exists()
        assert FAILED in text(clinician.get(case_url(couple)))

        blocker.unlink()
        clinician.post(reverse("screening:summary_again", args=[couple.reference]))
        assert "being prepared" in text(clinician.get(case_url(couple)))
        run_worker()
        statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
        assert statuses == ["FAILED", "SUCCESSFUL"]
        assert SummaryPDF.objects.get(couple=couple).version == 1
        assert FAILED not in text(clinician.get(case_url(couple)))
