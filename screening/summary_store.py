"""The prescriber's summary of a sign-off, made and stored once, by the "pdf" worker
(`screening.tasks.generate_summary`): rendered (`screening.pdf`), written whole
(`screening.summary_files`), recorded and audited; a failure is recorded on the sign-off."""

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from intake.models import Couple

from . import summary_files
from .models import AuditEntry, SignOff, SummaryPDF, record, summary_upload_to
from .pdf import render_pdf

logger = logging.getLogger(__name__)


def make_summary(sign_off_id: int) -> int | None:
    """Render and store the prescriber's summary of a sign-off, once. Returns its version,
    or None when the case was reopened before the worker got to it (nothing is stored: the
    answers may have changed since, and the next sign-off makes its own summary).

    A "not ready: further assessment needed" sign-off gets its summary too, saying so with
    the reason at the top of page 1 and in every page's header: it is the stored record of
    what was reviewed when the case was held back, and whoever opens it is told at once it
    is not for prescribing. Signing off again later makes a new version.

    A failure (a render error, a full or read-only MEDIA_ROOT) stores no file and no row: it
    is logged, recorded on the sign-off for the case page ("Make it again") and audited, and
    raised (the task ends FAILED)."""
    sign_off = SignOff.objects.select_related("couple").get(pk=sign_off_id)
    existing = SummaryPDF.objects.filter(sign_off=sign_off).first()
    if existing is not None:
        return existing.version
    if sign_off.reopened_at is not None:
        logger.info("Sign-off %s was reopened before its summary was made", sign_off_id)
        return None
    try:
        return _render_and_store(sign_off)
    except Exception as error:
        logger.exception("The summary of sign-off %s could not be made", sign_off_id)
        _record_failure(sign_off, error)
        raise


def _render_and_store(sign_off: SignOff) -> int:
    couple = sign_off.couple
    content = render_pdf(couple, draft=False)
    digest = hashlib.sha256(content).hexdigest()
    written = None
    try:
        with transaction.atomic():
            # The case row locked: a second worker on the same sign-off waits here, then
            # finds the summary stored and writes no file.
            Couple.objects.select_for_update().filter(pk=couple.pk).first()
            existing = SummaryPDF.objects.filter(sign_off=sign_off).first()
            if existing is not None:
                return existing.version
            version = (
                couple.summaries.order_by("-version").values_list("version", flat=True).first() or 0
            ) + 1
            summary = SummaryPDF(
                couple=couple, sign_off=sign_off, version=version, sha256=digest, size=len(content)
            )
            written = summary_files.write(
                summary.file.storage,
                summary_upload_to(summary, f"{couple.reference}-summary-v{version}.pdf"),
                content,
            )
            summary.file.name = written
            try:
                with transaction.atomic():  # a savepoint: the outer block stays usable
                    summary.save()
            except IntegrityError:  # another worker stored it first
                summary.file.storage.delete(written)
                written = None
                return SummaryPDF.objects.get(sign_off=sign_off).version
            SignOff.objects.filter(pk=sign_off.pk).update(summary_failed_at=None, summary_error="")
            record(None, AuditEntry.Action.PDF_GENERATED, couple, version=version, sha256=digest)
    except BaseException:
        if written is not None:  # stored, but its row was not: no file without a row
            summary.file.storage.delete(written)
        raise
    return version


def _record_failure(sign_off: SignOff, error: Exception) -> None:
    text = summary_files.failure_text(error)
    with transaction.atomic():
        SignOff.objects.filter(pk=sign_off.pk).update(
            summary_failed_at=timezone.now(), summary_error=text
        )
        record(
            None,
            AuditEntry.Action.PDF_FAILED,
            sign_off.couple,
            error=text,
            exception=type(error).__name__,
        )
