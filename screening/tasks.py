"""Work done off the request path, by the worker (`manage.py db_worker`)."""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task

from .models import AuditEntry, SignOff, SummaryPDF, record
from .pdf import render_pdf


@task()
def generate_summary(sign_off_id: int) -> int:
    """Render and store the prescriber's summary of a sign-off, once. Returns its version."""
    sign_off = SignOff.objects.select_related("couple").get(pk=sign_off_id)
    existing = SummaryPDF.objects.filter(sign_off=sign_off).first()
    if existing is not None:
        return existing.version
    couple = sign_off.couple
    content = render_pdf(couple, draft=False)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        version = (
            couple.summaries.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        summary = SummaryPDF(
            couple=couple, sign_off=sign_off, version=version, sha256=digest, size=len(content)
        )
        summary.file.save(
            f"{couple.reference}-summary-v{version}.pdf", ContentFile(content), save=False
        )
        try:
            summary.save()
        except IntegrityError:  # another worker stored it first
            summary.file.delete(save=False)
            return SummaryPDF.objects.get(sign_off=sign_off).version
        record(None, AuditEntry.Action.PDF_GENERATED, couple, version=version, sha256=digest)
    return version
