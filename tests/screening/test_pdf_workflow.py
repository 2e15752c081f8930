"""Making, storing, versioning and handing out the prescriber's PDF (docs/design.md).

Sign-off enqueues `generate_summary`; in tests the ImmediateBackend runs it when the sign-off
commits, and one test uses the real database backend and its `db_worker`.
"""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from intake import services
from screening import review, summary_store
from screening.models import AuditEntry, SummaryPDF
from screening.tasks import generate_summary
from tests.auth import sign_in
from tests.factories import (
    OUTCOMES,
    clinician_user,
    dispose_all,
    make_user,
    realistic_document,
    signed_off_case,
)
from tests.intake.helpers import visible_text as text

from .pdf_support import flat, pages_text, reader
from .worker_support import DB_TASKS

pytestmark = pytest.mark.usefixtures("media_in_tmp")  # stored summaries in tmp_path


def sign_off_in_view(client, couple, note="Ready for the prescriber."):
    return client.post(reverse("screening:sign_off", args=[couple.reference]), {"note": note})


def download(client, couple, version=None):
    if version is None:
        return client.get(reverse("screening:summary", args=[couple.reference]))
    return client.get(reverse("screening:summary_version", args=[couple.reference, version]))


def test_sign_off_stores_a_summary_whose_sha256_matches_the_download(
    ready_case, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_off_in_view(clinician, ready_case)
    assert response.status_code == 302

    stored = SummaryPDF.objects.get(couple=ready_case)
    assert stored.version == 1
    assert stored.sign_off.note == "Ready for the prescriber."
    with stored.file.open("rb") as handle:
        on_disk = handle.read()
    assert hashlib.sha256(on_disk).hexdigest() == stored.sha256
    assert stored.size == len(on_disk)
    assert AuditEntry.objects.filter(
        couple=ready_case, action=AuditEntry.Action.PDF_GENERATED, data__version=1
    ).exists()

    response = download(clinician, ready_case)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert f"{ready_case.reference}-summary-v1.pdf" in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == stored.sha256
    cover = flat(pages_text(response.content, first=1)[0])
    assert "DRAFT" not in cover
    assert "Signed off" in cover and "Ready for the prescriber." in cover

    audit = AuditEntry.objects.get(couple=ready_case, action=AuditEntry.Action.PDF_DOWNLOADED)
    assert audit.actor == clinician.user
    assert audit.data == {"version": 1, "sha256": stored.sha256}

    # The task runs once per sign-off: a second run (a retry) keeps the stored version.
    assert generate_summary.call(stored.sign_off_id) == 1
    assert SummaryPDF.objects.filter(couple=ready_case).count() == 1


def test_a_new_sign_off_after_reopening_makes_version_2_and_keeps_version_1(
    ready_case, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_off_in_view(clinician, ready_case, "First sign-off.")
    first = download(clinician, ready_case).content

    clinician.post(
        reverse("screening:reopen_case", args=[ready_case.reference]),
        {"reason": "The prescriber asked about the blood pressure."},
    )
    # Reopened: version 1 is out of date, and "the summary" is no longer it.
    case_page = clinician.get(reverse("screening:case", args=[ready_case.reference]))
    assert re.search(r"Version 1 \([^)]*\): out of date ?, the case was reopened", text(case_page))
    refused = download(clinician, ready_case)
    assert refused.status_code == 302
    after = clinician.get(refused["Location"])
    assert "reopened after its last summary, which is out of date" in text(after)

    sign_off_in_view(clinician, ready_case, "Second sign-off.")  # the worker has not run yet
    case_page = text(clinician.get(reverse("screening:case", args=[ready_case.reference])))
    assert "Version 2: being prepared…" in case_page
    assert "Version 1" in case_page
    assert not re.search(r"Version 1 \([^)]*\): current", case_page)
    pending = download(clinician, ready_case)
    assert "being prepared" in text(clinician.get(pending["Location"]))
    with django_capture_on_commit_callbacks(execute=True):
        review.reopen_case(ready_case, clinician.user, "One more question for partner B.")
        sign_off_in_view(clinician, ready_case, "Second sign-off.")

    v1, v2 = (SummaryPDF.objects.get(couple=ready_case, version=n) for n in (1, 2))
    assert v1.sign_off_id != v2.sign_off_id
    assert v1.file.name != v2.file.name and v1.sha256 != v2.sha256

    latest = download(clinician, ready_case).content
    assert hashlib.sha256(latest).hexdigest() == v2.sha256
    case_page = text(clinician.get(reverse("screening:case", args=[ready_case.reference])))
    assert re.search(r"Version 2 \([^)]*\): current", case_page)
    assert "Second sign-off." in flat(pages_text(latest, first=1)[0])

    again = download(clinician, ready_case, version=1)
    assert again.status_code == 200
    assert again.content == first
    assert hashlib.sha256(again.content).hexdigest() == v1.sha256
    assert "First sign-off." in flat(pages_text(again.content, first=1)[0])
    assert download(clinician, ready_case, version=3).status_code == 404

    downloads = AuditEntry.objects.filter(
        couple=ready_case, action=AuditEntry.Action.PDF_DOWNLOADED
    )
    assert sorted(entry.data["version"] for entry in downloads) == [1, 1, 2]


def test_a_worker_that_loses_the_race_keeps_the_other_workers_version(
    ready_case, clinician, monkeypatch
):
    signed = review.sign_off(ready_case, clinician.user, "Ready.")  # task not run (no commit)
    real_render = summary_store.render_pdf

    def render_while_another_worker_stores(couple, *, draft):
        content = real_render(couple, draft=draft)
        SummaryPDF.objects.create(
            couple=couple,
            sign_off=signed,
            version=1,
            file="summaries/other.pdf",
            sha256="0" * 64,
            size=1,
        )
        return content

    monkeypatch.setattr(summary_store, "render_pdf", render_while_another_worker_stores)
    assert generate_summary.call(signed.pk) == 1
    stored = SummaryPDF.objects.get(sign_off=signed)
    assert stored.sha256 == "0" * 64
    assert not list((settings.MEDIA_ROOT / "summaries").rglob("*-summary-v*.pdf"))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PDF_GENERATED).exists()


def test_a_sign_off_reopened_before_the_worker_ran_gets_no_summary(ready_case, clinician):
    signed = review.sign_off(ready_case, clinician.user, "Ready.")  # task not run (no commit)
    review.reopen_case(ready_case, clinician.user, "A partner called back.")
    assert generate_summary.call(signed.pk) is None
    assert not SummaryPDF.objects.exists()


def test_a_draft_before_sign_off_says_draft_on_every_page(new_case, clinician):
    couple = new_case.couple
    response = clinician.get(reverse("screening:summary_draft", args=[couple.reference]))
    assert response.status_code == 200
    assert f"{couple.reference}-summary-DRAFT.pdf" in response["Content-Disposition"]
    pages = pages_text(response.content)
    for number, page in enumerate(pages, start=1):
        assert "DRAFT – not for prescribing" in flat(page)
        assert f"Page {number} of {len(pages)}" in flat(page)
    assert "not for prescribing" in flat(pages[0])
    assert reader(response.content).metadata.title.startswith("DRAFT ")
    assert AuditEntry.objects.filter(
        couple=couple, action=AuditEntry.Action.PDF_DOWNLOADED, data__draft=True
    ).exists()
    assert not SummaryPDF.objects.exists()  # a draft is never stored


def test_before_a_sign_off_there_is_nothing_to_download(new_case, clinician):
    assert download(clinician, new_case.couple).status_code == 404


def test_a4_by_setting(new_case):
    from screening.pdf import render_pdf

    with override_settings(SUMMARY_PAPER="A4"):
        content = render_pdf(new_case.couple, draft=True)
    for page in reader(content).pages:
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == (595, 842)


@pytest.mark.parametrize("name", ["summary", "summary_version", "summary_draft"])
def test_only_clinicians_get_a_summary(new_case, name):
    couple = new_case.couple
    args = [couple.reference, 1] if name == "summary_version" else [couple.reference]
    url = reverse(f"screening:{name}", args=args)

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))

    other = Client()
    other.force_login(make_user("reception"))
    assert other.get(url).status_code == 403

    no_second_factor = Client()  # a clinician who typed the password but no code yet
    no_second_factor.force_login(clinician_user("dr.half"))
    response = no_second_factor.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PDF_DOWNLOADED).exists()


def test_the_command_writes_a_draft_for_a_case_not_signed_off(new_case, tmp_path):
    out = tmp_path / "summary.pdf"
    stdout = StringIO()
    call_command("summary_pdf", new_case.couple.reference.lower(), "-o", str(out), stdout=stdout)
    assert "Wrote the draft summary" in stdout.getvalue()
    assert reader(out.read_bytes()).metadata.title.startswith("DRAFT ")
    assert "DRAFT – not for prescribing" in flat(pages_text(out.read_bytes(), first=1)[0])
    assert AuditEntry.objects.filter(
        couple=new_case.couple, action=AuditEntry.Action.PDF_DOWNLOADED, actor_name="command line"
    ).exists()


def test_the_command_writes_the_stored_summary_of_a_signed_off_case(db, clinician, tmp_path):
    couple = signed_off_case(clinician.user)
    stored = SummaryPDF.objects.get(couple=couple)
    out = tmp_path / "summary.pdf"
    stdout = StringIO()
    call_command("summary_pdf", couple.reference, "-o", str(out), stdout=stdout)
    assert "Wrote the version 1 summary" in stdout.getvalue()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == stored.sha256
    assert "DRAFT" not in pages_text(out.read_bytes(), first=1)[0]


def test_the_command_refuses_an_unknown_case(db, tmp_path):
    with pytest.raises(CommandError, match="No case"):
        call_command("summary_pdf", "TND-NOPE00", "-o", str(tmp_path / "x.pdf"))


def test_the_command_says_when_it_cannot_write_the_file(new_case, tmp_path):
    missing = tmp_path / "no-such-folder" / "x.pdf"
    with pytest.raises(CommandError, match=r"Cannot write .*x\.pdf: No such file or directory"):
        call_command("summary_pdf", new_case.couple.reference, "-o", str(missing))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_backend_the_worker_makes_the_summary_off_the_request(
    worker_side_effects,
):
    user = clinician_user("dr.worker")
    clinician = sign_in(Client(), user)
    couple = services.import_document(realistic_document()).couple
    dispose_all(couple, user, outcomes=OUTCOMES)
    with override_settings(TASKS=DB_TASKS):
        response = sign_off_in_view(clinician, couple)
        assert response.status_code == 302

        # The request only enqueued the work.
        assert not SummaryPDF.objects.filter(couple=couple).exists()
        queued = DBTaskResult.objects.get()
        assert queued.task_path == "screening.tasks.generate_summary"
        assert queued.status == "READY"
        waiting = download(clinician, couple)
        assert waiting.status_code == 302
        assert waiting["Location"] == reverse("screening:case", args=[couple.reference])

        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL"
        stored = SummaryPDF.objects.get(couple=couple)
        assert stored.version == 1
        served = download(clinician, couple)
        assert hashlib.sha256(served.content).hexdigest() == stored.sha256
