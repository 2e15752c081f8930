"""The clinic's pages: function views, one access helper per object, services for changes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from intake import services as intake_services
from intake.models import Couple

from . import pdf, queries, review, summary
from .access import clinician_required, get_couple_for_clinician
from .forms import NewCaseForm, QueueFilterForm
from .models import AuditEntry, Disposition, record
from .review import CaseStatus

SESSION_NEW_LINKS = "clinic_new_links"


QUEUE_PAGE_SIZE = 50


@clinician_required
def queue(request):
    form = QueueFilterForm(request.GET or None)
    couples = queries.review_queue(Couple.objects.with_partners())
    if form.is_valid():
        data = form.cleaned_data
        couples = queries.search(couples, data.get("q") or "")
        if data.get("status"):
            couples = couples.filter(status=data["status"])
        if data.get("attention") == "urgent":
            couples = couples.filter(Q(urgent_open=True) | Q(alert_not_delivered=True))
        elif data.get("attention") == "urgent_or_high":
            couples = couples.filter(
                Q(n_urgent__gt=0)
                | Q(n_high__gt=0)
                | Q(urgent_open=True)
                | Q(alert_not_delivered=True)
            )
    page = Paginator(couples, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/queue.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "status_labels": CaseStatus.LABELS,
        },
    )


@clinician_required
def new_case(request):
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = intake_services.create_case(
            email_a=data["email_a"],
            email_b=data["email_b"],
            appointment_date=data["appointment_date"],
            created_by=request.user,
        )
        record(request.user, AuditEntry.Action.CASE_CREATED, case.couple, request=request)
        if data["send_emails"]:
            for partner in case.couple.partners.all():
                if partner.email:
                    intake_services.send_invitation(partner, case.links[partner.label])
                    record(
                        request.user,
                        AuditEntry.Action.INVITATION_SENT,
                        case.couple,
                        request=request,
                        partner_label=partner.label,
                    )
        request.session[SESSION_NEW_LINKS] = {"reference": case.couple.reference, **case.links}
        return redirect("screening:case", reference=case.couple.reference)
    return render(request, "screening/new_case.html", {"form": form})


@clinician_required
def case_detail(request, reference):
    couple = get_couple_for_clinician(request, reference)
    record(request.user, AuditEntry.Action.CASE_VIEWED, couple, request=request)
    links = request.session.pop(SESSION_NEW_LINKS, None)
    if links and links.get("reference") != couple.reference:
        links = None
    return render(
        request,
        "screening/case.html",
        {
            "summary": summary.build(couple),
            "couple": couple,
            "new_links": links,
            "outcomes": Disposition.Outcome.choices,
            "summaries": couple.summaries.select_related("sign_off"),
            "summary_pending": _summary_pending(couple),
        },
    )


def _summary_pending(couple) -> bool:
    """Signed off, and the worker has not stored that sign-off's summary yet."""
    sign_off, stored = review.summary_in_force(couple)
    return sign_off is not None and stored is None


@require_POST
@clinician_required
def record_disposition(request, reference):
    couple = get_couple_for_clinician(request, reference)
    key = request.POST.get("key", "")
    try:
        review.record_disposition(
            couple,
            key,
            request.POST.get("outcome", ""),
            request.POST.get("note", "")[:2000],
            request.user,
            request,
        )
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Disposition recorded.")
    return redirect(reverse("screening:case", args=[reference]) + f"#flag-{key[:12]}")


@require_POST
@clinician_required
def sign_off(request, reference):
    couple = get_couple_for_clinician(request, reference)
    try:
        review.sign_off(couple, request.user, request.POST.get("note", "")[:4000], request)
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Signed off: the case is ready for the prescriber.")
    return redirect("screening:case", reference=reference)


@require_POST
@clinician_required
def reopen_case(request, reference):
    couple = get_couple_for_clinician(request, reference)
    try:
        review.reopen_case(couple, request.user, request.POST.get("reason", "")[:2000], request)
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The case is open again for review.")
    return redirect("screening:case", reference=reference)


@clinician_required
def audit_log(request, reference):
    couple = get_couple_for_clinician(request, reference)
    record(request.user, AuditEntry.Action.AUDIT_VIEWED, couple, request=request)
    entries = Paginator(couple.audit.select_related("actor"), 100).get_page(request.GET.get("page"))
    return render(request, "screening/audit.html", {"couple": couple, "page": entries})


@require_POST
@clinician_required
def partner_link(request, reference, label):
    """Reissue, revoke or e-mail a partner's private link."""
    couple = get_couple_for_clinician(request, reference)
    partner = couple.partner(label) if label in ("a", "b") else None
    if partner is None:
        return redirect("screening:case", reference=reference)
    action = request.POST.get("action")
    if action == "revoke":
        intake_services.revoke_link(partner)
        record(
            request.user,
            AuditEntry.Action.LINK_REVOKED,
            couple,
            request=request,
            partner_label=label,
        )
        messages.success(request, f"Partner {label.upper()}'s link no longer works.")
    elif action in ("reissue", "reissue_email"):
        link = intake_services.reissue_link(partner)
        record(
            request.user,
            AuditEntry.Action.LINK_REISSUED,
            couple,
            request=request,
            partner_label=label,
        )
        if action == "reissue_email" and partner.email:
            intake_services.send_invitation(partner, link)
            record(
                request.user,
                AuditEntry.Action.INVITATION_SENT,
                couple,
                request=request,
                partner_label=label,
            )
            messages.success(request, f"A new link was e-mailed to partner {label.upper()}.")
        request.session[SESSION_NEW_LINKS] = {"reference": couple.reference, label: link}
    return redirect("screening:case", reference=reference)


@require_POST
@clinician_required
def reopen_answers(request, reference, label):
    couple = get_couple_for_clinician(request, reference)
    if label not in ("a", "b"):
        return redirect("screening:case", reference=reference)
    try:
        review.reopen_partner(
            couple, label, request.user, request.POST.get("reason", "")[:500], request
        )
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Partner {label.upper()}'s answers are open again and their link works. When they "
            "submit again, the case is screened again.",
        )
    return redirect("screening:case", reference=reference)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@clinician_required
def summary_download(request, reference, version=None):
    """A stored summary: the bytes stored at sign-off. Without a version, the summary of the
    sign-off in force; a case reopened since has none (its earlier versions are out of date,
    and are reached only by their version number, from the case page, which says so)."""
    couple = get_couple_for_clinician(request, reference)
    if version:
        stored = couple.summaries.filter(version=version).first()
        if stored is None:
            raise Http404
    else:
        sign_off, stored = review.summary_in_force(couple)
        if sign_off is None:
            if not couple.summaries.exists():
                raise Http404
            messages.info(
                request,
                "The case was reopened after its last summary, which is out of date. A new "
                "summary is made when the case is signed off again.",
            )
            return redirect("screening:case", reference=reference)
        if stored is None:
            messages.info(request, "The summary is being prepared. Try again in a moment.")
            return redirect("screening:case", reference=reference)
    with stored.file.open("rb") as handle:
        content = handle.read()
    record(
        request.user,
        AuditEntry.Action.PDF_DOWNLOADED,
        couple,
        request=request,
        version=stored.version,
        sha256=stored.sha256,
    )
    return _pdf_response(content, f"{couple.reference}-summary-v{stored.version}.pdf")


@clinician_required
def summary_draft(request, reference):
    """A draft made now, marked DRAFT on every page: not for prescribing."""
    couple = get_couple_for_clinician(request, reference)
    content = pdf.render_pdf(couple, draft=True)
    record(request.user, AuditEntry.Action.PDF_DOWNLOADED, couple, request=request, draft=True)
    return _pdf_response(content, f"{couple.reference}-summary-DRAFT.pdf")
