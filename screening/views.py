"""The clinic's pages: function views, one access helper per object, services for changes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from intake.models import Couple

from . import cases, pdf, queries, review, summary, summary_files
from .access import clinician_required, get_couple_for_clinician
from .forms import (
    DispositionForm,
    NewCaseForm,
    QueueFilterForm,
    ReopenAnswersForm,
    ReopenCaseForm,
    SignOffForm,
)
from .models import AuditEntry, Disposition, SignOff, record
from .review import CaseStatus

SESSION_NEW_LINKS = "clinic_new_links"
_EMAIL_FAILED = (
    "The e-mail to partner {label} could not be sent (the mail server did not take it). "
    "Their link is below: give it to them another way, or try again later."
)


QUEUE_PAGE_SIZE = 50


@clinician_required
def queue(request):
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    couples = queries.review_queue(Couple.objects.all(), order=data.get("order", ""))
    if data:
        couples = queries.search(couples, data.get("q") or "")
        if data.get("status"):
            couples = couples.filter(status=data["status"])
        if data.get("attention") == "urgent":
            couples = couples.filter(Q(urgent_open=True) | Q(alert_not_delivered=True))
        elif data.get("attention") == "urgent_or_high":
            couples = couples.filter(
                Q(any_urgent=True)
                | Q(any_high=True)
                | Q(urgent_open=True)
                | Q(alert_not_delivered=True)
            )
        if data.get("assigned") == "mine":
            couples = couples.filter(assignment__clinician=request.user)
        elif data.get("assigned") == "nobody":
            couples = couples.filter(assignment__isnull=True)
    # The page's cases in queue order first (the database works out only what filters and
    # orders), then everything the rows show for those cases alone: the same two queries for
    # 10 or 10,000 cases, and neither computes names, counts and status for every case.
    page = Paginator(couples.values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ids = list(page.object_list)
    rows = {
        c.pk: c for c in queries.review_queue(Couple.objects.with_partners()).filter(pk__in=ids)
    }
    page.object_list = [rows[pk] for pk in ids]
    today = timezone.localdate()
    for couple in page.object_list:
        couple.days_left = _days_left(couple.appointment_date, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/queue.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "here": request.get_full_path(),
            "status_labels": CaseStatus.LABELS,
        },
    )


def _days_left(appointment, today) -> str:
    if appointment is None:
        return ""
    days = (appointment - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


@require_POST
@clinician_required
def assign(request, reference):
    """ "Assign to me", from the queue (back to the same page of it) or the case page."""
    couple = get_couple_for_clinician(request, reference)
    review.assign_to_me(couple, request.user, request)
    messages.success(request, "The case is assigned to you.")
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("screening:case", reference=reference)


@clinician_required
def new_case(request):
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case, failed = cases.create_case(
            request.user,
            email_a=data["email_a"],
            email_b=data["email_b"],
            appointment_date=data["appointment_date"],
            send_emails=data["send_emails"],
            request=request,
        )
        for label in failed:
            messages.error(request, _EMAIL_FAILED.format(label=label.upper()))
        request.session[SESSION_NEW_LINKS] = {"reference": case.couple.reference, **case.links}
        return redirect("screening:case", reference=case.couple.reference)
    return render(request, "screening/new_case.html", {"form": form})


@clinician_required
def case_detail(request, reference):
    couple = get_couple_for_clinician(request, reference)
    return _case_page(request, couple)


def _case_page(request, couple, rejected=None):
    """The case page (audited as viewed). `rejected`: a form the clinician sent that was
    refused, shown again with its message next to the field and what they typed kept."""
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
            **_summary_state(couple),
            "rejected": rejected,
        },
        status=400 if rejected else 200,
    )


def _rejected(form, field: str, field_id: str) -> dict:
    """What the case page needs to show a refused text field again."""
    return {
        "id": field_id,
        "value": form.data.get(field, ""),
        "errors": form.errors.get(field, []),
        "outcome": form.data.get("outcome", ""),
    }


def _summary_state(couple) -> dict:
    """Signed off, and the worker has not stored that sign-off's summary yet: being prepared,
    or failed (with what the clinician is told)."""
    sign_off, stored = review.summary_in_force(couple)
    waiting = sign_off is not None and stored is None
    failed = sign_off is not None and stored is None and sign_off.summary_failed_at is not None
    return {
        "summary_pending": waiting and not failed,
        "summary_failed": sign_off if failed else None,
    }


@require_POST
@clinician_required
def summary_again(request, reference):
    couple = get_couple_for_clinician(request, reference)
    try:
        review.make_summary_again(couple, request.user, request)
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The summary is being made again.")
    return redirect(reverse("screening:case", args=[reference]) + "#summary-status")


@require_POST
@clinician_required
def record_disposition(request, reference):
    couple = get_couple_for_clinician(request, reference)
    form = DispositionForm(request.POST)
    key = request.POST.get("key", "")
    if not form.is_valid() and "note" in form.errors:
        return _case_page(request, couple, _rejected(form, "note", f"n-{key[:12]}"))
    try:
        review.record_disposition(
            couple,
            key,
            request.POST.get("outcome", ""),
            form.cleaned_data.get("note", ""),
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
    form = SignOffForm(request.POST)
    if "outcome" in form.errors:
        messages.error(request, form.errors["outcome"][0])
        return redirect("screening:case", reference=reference)
    if not form.is_valid():
        field = "reason" if "reason" in form.errors else "note"
        return _case_page(request, couple, _rejected_sign_off(form, field))
    data = form.cleaned_data
    outcome = data["outcome"] or SignOff.Outcome.READY
    if outcome == SignOff.Outcome.NOT_READY and not data["reason"].strip():
        form.add_error("reason", "Say what further assessment is needed before the case is ready.")
        return _case_page(request, couple, _rejected_sign_off(form, "reason"))
    try:
        signed = review.sign_off(
            couple, request.user, data["note"], request, outcome=outcome, reason=data["reason"]
        )
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        if signed.is_ready:
            messages.success(request, "Signed off: the case is ready for the prescriber.")
        else:
            messages.success(
                request,
                "Signed off as not ready: further assessment needed. Sign it off again when "
                "the assessment is done.",
            )
    return redirect("screening:case", reference=reference)


def _rejected_sign_off(form, field: str) -> dict:
    """The sign-off form refused: its message next to the field, both texts kept."""
    return {
        **_rejected(form, field, f"signoff-{field}"),
        "note": form.data.get("note", ""),
        "reason": form.data.get("reason", ""),
        "sign_off": True,
    }


@require_POST
@clinician_required
def reopen_case(request, reference):
    couple = get_couple_for_clinician(request, reference)
    form = ReopenCaseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, couple, _rejected(form, "reason", "reopen-reason"))
    try:
        review.reopen_case(couple, request.user, form.cleaned_data["reason"], request)
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
        cases.revoke_link(request.user, partner, request=request)
        messages.success(request, f"Partner {label.upper()}'s link no longer works.")
    elif action in ("reissue", "reissue_email"):
        email = action == "reissue_email" and bool(partner.email)
        link, sent = cases.reissue_link(request.user, partner, email=email, request=request)
        if sent:
            messages.success(request, f"A new link was e-mailed to partner {label.upper()}.")
        elif sent is False:
            messages.error(request, _EMAIL_FAILED.format(label=label.upper()))
        request.session[SESSION_NEW_LINKS] = {"reference": couple.reference, label: link}
    return redirect("screening:case", reference=reference)


@require_POST
@clinician_required
def reopen_answers(request, reference, label):
    couple = get_couple_for_clinician(request, reference)
    if label not in ("a", "b"):
        return redirect("screening:case", reference=reference)
    form = ReopenAnswersForm(request.POST)
    if not form.is_valid():
        return _case_page(request, couple, _rejected(form, "reason", f"reason-{label}"))
    try:
        review.reopen_partner(couple, label, request.user, form.cleaned_data["reason"], request)
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        partner = couple.partners.get(label=label)
        if partner.link_state == "active":
            messages.success(
                request,
                f"Partner {label.upper()}'s answers are open again and their link works. When "
                "they submit again, the case is screened again.",
            )
        else:
            messages.warning(
                request,
                f"Partner {label.upper()}'s answers are open again, but their link has "
                f"{'expired' if partner.link_state == 'expired' else 'stopped working'}: issue a "
                "new link so they can change them. When they submit again, the case is "
                "screened again.",
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
        if stored is None and sign_off.summary_failed_at is not None:
            messages.error(
                request,
                "The prescriber's summary could not be made. Use “Make it again” below.",
            )
            return redirect(reverse("screening:case", args=[reference]) + "#summary-status")
        if stored is None:
            messages.info(request, "The summary is being prepared. Try again in a moment.")
            return redirect("screening:case", reference=reference)
    try:
        content = summary_files.read_verified(stored)
    except summary_files.SummaryFileError as error:
        missing = isinstance(error, summary_files.SummaryMissing)
        record(
            request.user,
            AuditEntry.Action.PDF_MISSING if missing else AuditEntry.Action.PDF_ALTERED,
            couple,
            request=request,
            version=stored.version,
            sha256=stored.sha256,
        )
        return render(
            request,
            "screening/summary_problem.html",
            {"couple": couple, "stored": stored, "missing": missing},
            status=410 if missing else 409,
        )
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
