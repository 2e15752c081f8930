"""Work done off the request path, by the workers (`manage.py worker`): urgent e-mails on the
"urgent" queue, the prescriber's PDFs on the "pdf" queue, so neither waits behind the other."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task

from intake.models import Couple

from . import background, services
from .models import AuditEntry, SignOff, SummaryPDF, record
from .pdf import render_pdf

logger = logging.getLogger(__name__)


@task(queue_name="pdf")
def generate_summary(sign_off_id: int) -> int | None:
    """Render and store the prescriber's summary of a sign-off, once. Returns its version,
    or None when the case was reopened before the worker got to it (nothing is stored: the
    answers may have changed since, and the next sign-off makes its own summary)."""
    sign_off = SignOff.objects.select_related("couple").get(pk=sign_off_id)
    existing = SummaryPDF.objects.filter(sign_off=sign_off).first()
    if existing is not None:
        return existing.version
    if sign_off.reopened_at is not None:
        logger.info("Sign-off %s was reopened before its summary was made", sign_off_id)
        return None
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
            with transaction.atomic():  # a savepoint: the outer block stays usable
                summary.save()
        except IntegrityError:  # another worker stored it first
            summary.file.delete(save=False)
            return SummaryPDF.objects.get(sign_off=sign_off).version
        record(None, AuditEntry.Action.PDF_GENERATED, couple, version=version, sha256=digest)
    return version


@task(queue_name="urgent")
def notify_urgent(couple_id: int) -> bool:
    """E-mail the clinic that a case has urgent answers not told yet (see
    `services.notify_urgent`). A failure is recorded on the alerts, and the workers' sweep
    tries again, backing off, until it is sent (`screening.background`)."""
    couple = Couple.objects.get(pk=couple_id)
    try:
        return services.notify_urgent(couple)
    except Exception as error:
        background.alert_failed(couple, error)
        raise
