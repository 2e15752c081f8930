"""The clinic's pages: function views, one access helper per object, services for changes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from intake.models import Couple

from . import cases, pdf, queries, review, summary, summary_files
from .access import clinician_required, get_couple_for_clinician
from .forms import (
    NOT_CURRENT,
    AssignForm,
    DispositionForm,
    LinkActionForm,
    NewCaseForm,
    PageForm,
    QueueFilterForm,
    ReopenAnswersForm,
    ReopenCaseForm,
    SignOffForm,
)
from .models import AuditEntry, Disposition, SignOff, record
from .review import CaseStatus

SESSION_NEW_LINKS = "clinic_new_links"
SESSION_FLAG_NOTICE = "clinic_flag_notice"  # "Disposition recorded.", shown in its flag
_EMAIL_FAILED = cases.EMAIL_NOT_TAKEN + (
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
        PageForm(request.GET).number()
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
    form = AssignForm(request.POST, request=request)
    if form.is_valid() and form.cleaned_data["back"]:
        return redirect(form.cleaned_data["back"])
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


def _case_page(request, couple, rejected=None, flag_state=None, status=None):
    """The case page (audited as viewed). `rejected`: a form the clinician sent that was
    refused, shown again with its message next to the field and what they typed kept;
    `flag_state`: the same for a flag's disposition form (or the notice that it was saved)."""
    record(request.user, AuditEntry.Action.CASE_VIEWED, couple, request=request)
    links = request.session.pop(SESSION_NEW_LINKS, None)
    if links and links.get("reference") != couple.reference:
        links = None
    notice = request.session.pop(SESSION_FLAG_NOTICE, None)
    if flag_state is None and notice and notice.get("reference") == couple.reference:
        flag_state = {"key": notice["key"], "notice": notice["text"], "level": "success"}
    case = summary.build(couple)
    _show_flag_state(case, flag_state)
    return render(
        request,
        "screening/case.html",
        {
            "summary": case,
            "couple": couple,
            "new_links": links,
            "outcomes": Disposition.Outcome.choices,
            "summaries": couple.summaries.select_related("sign_off"),
            **_summary_state(couple),
            "rejected": rejected,
        },
        status=status or (400 if rejected else 200),
    )


def _show_flag_state(case, flag_state) -> None:
    if not flag_state:
        return
    for flag in case.flags:
        if flag.key == flag_state["key"]:
            flag.state = flag_state


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


def _inline(request) -> bool:
    """Sent by the page's script (static/js/app.js), which puts the answer into the flag."""
    return request.headers.get("X-Requested-With") == "fetch"


@require_POST
@clinician_required
def record_disposition(request, reference):
    """Record (or, with "Change", replace) a flag's disposition. Without JavaScript the page
    comes back at the flag, saying so there; from the page's script, the flag's new markup
    comes back as JSON. Refused: said next to the field (400), or, when someone recorded one
    meanwhile, with theirs shown (409); what was typed is kept either way."""
    couple = get_couple_for_clinician(request, reference)
    form = DispositionForm(request.POST)
    key = form.data.get("key", "")
    state = {
        "key": key,
        "note": form.data.get("note", ""),
        "outcome": form.data.get("outcome", ""),
        "changing": bool(form.data.get("replaces")),
        "errors": {},
    }
    if form.is_valid():
        try:
            review.record_disposition(
                couple,
                key,
                form.cleaned_data["outcome"],
                form.cleaned_data["note"],
                request.user,
                request,
                replaces=form.cleaned_data["replaces"],
            )
        except review.AlreadyRecorded as error:
            state.update(notice=str(error), level="warning", changing=True, status=409)
        except review.ReviewError as error:
            if error.field:
                state["errors"] = {error.field: [str(error)]}
            else:
                state.update(refused=str(error))
            state["status"] = 400
        else:
            text = "Disposition changed." if state["changing"] else "Disposition recorded."
            if _inline(request):
                return _flag_answer(
                    request, couple, {"key": key, "notice": text, "level": "success"}
                )
            request.session[SESSION_FLAG_NOTICE] = {
                "reference": couple.reference,
                "key": key,
                "text": text,
            }
            return redirect(reverse("screening:case", args=[reference]) + f"#flag-{key[:12]}")
    else:
        if "key" in form.errors:
            state.update(refused=NOT_CURRENT)
        else:
            state["errors"] = {field: list(errors) for field, errors in form.errors.items()}
        state["status"] = 400
    if _inline(request):
        return _flag_answer(request, couple, state)
    if state.get("refused"):
        kept = f" Your note was not recorded: “{state['note']}”" if state["note"].strip() else ""
        messages.error(request, state["refused"] + kept)
    return _case_page(request, couple, flag_state=state, status=state["status"])


def _flag_answer(request, couple, state) -> JsonResponse:
    """For the page's script: the flag's markup as it is now (with the notice or the refused
    form), what to announce, and how many items still need a disposition."""
    case = summary.build(couple)
    _show_flag_state(case, state)
    flag = next((f for f in case.flags if f.key == state["key"]), None)
    status = state.get("status", 200)
    if flag is None or state.get("refused"):
        message = state.get("refused") or NOT_CURRENT
        return JsonResponse({"message": message, "html": ""}, status=status)
    html = render_to_string(
        "screening/_flag.html",
        {"f": flag, "s": case, "couple": couple, "outcomes": Disposition.Outcome.choices},
        request=request,
    )
    who = "couple" if flag.partner == "couple" else f"partner {flag.partner.upper()}"
    if status == 200:
        left = len(case.missing)
        rest = (
            f"{left} item{'' if left == 1 else 's'} left to record."
            if left
            else "Every item has a disposition."
        )
        message = f"{flag.rule}, {who}: {state['notice']} {rest}"
    elif status == 409:
        message = f"{flag.rule}, {who}: {state['notice']}"
    else:
        message = f"{flag.rule}, {who}: not recorded. " + " ".join(
            m for messages_ in state["errors"].values() for m in messages_
        )
    return JsonResponse(
        {
            "html": html,
            "message": message,
            "missing": [f.key for f in case.missing],
            "urgent_open": any(f.is_urgent for f in case.missing),
            "status": case.status_label,
        },
        status=status,
    )


@require_POST
@clinician_required
def sign_off(request, reference):
    couple = get_couple_for_clinician(request, reference)
    form = SignOffForm(request.POST)
    if "outcome" in form.errors:
        messages.error(request, str(form.errors["outcome"][0]))
        return redirect("screening:case", reference=reference)
    if not form.is_valid():
        field = "reason" if "reason" in form.errors else "note"
        return _case_page(request, couple, _rejected_sign_off(form, field))
    data = form.cleaned_data
    outcome = data["outcome"] or SignOff.Outcome.READY
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
    entries = Paginator(couple.audit.all(), 100).get_page(PageForm(request.GET).number())
    return render(request, "screening/audit.html", {"couple": couple, "page": entries})


def _partner_or_none(couple, label):
    return couple.partner(label) if label in ("a", "b") else None


@clinician_required
def confirm_link(request, reference, label, action):
    """What revoking or reissuing a partner's link will do, before it is done (the page's
    form posts to `partner_link`)."""
    couple = get_couple_for_clinician(request, reference)
    partner = _partner_or_none(couple, label)
    if partner is None or action not in ("revoke", "reissue"):
        raise Http404
    return _confirm_link_page(request, couple, partner, action)


def _confirm_link_page(request, couple, partner, action, status=200):
    return render(
        request,
        "screening/confirm_link.html",
        {"couple": couple, "partner": partner, "action": action},
        status=status,
    )


@require_POST
@clinician_required
def partner_link(request, reference, label):
    """Reissue, revoke or e-mail a partner's private link (asked for from its confirmation
    page)."""
    couple = get_couple_for_clinician(request, reference)
    partner = _partner_or_none(couple, label)
    if partner is None:
        return redirect("screening:case", reference=reference)
    form = LinkActionForm(request.POST)
    if not form.is_valid():
        for error in form.errors["action"]:
            messages.error(request, str(error))
        return _confirm_link_page(request, couple, partner, "reissue", status=400)
    action = form.cleaned_data["action"]
    if action == "revoke":
        cases.revoke_link(request.user, partner, request=request)
        messages.success(request, f"Partner {label.upper()}'s link no longer works.")
    else:
        email = action == "reissue_email" and bool(partner.email)
        link, sent = cases.reissue_link(request.user, partner, email=email, request=request)
        if sent:
            messages.success(request, f"A new link was e-mailed to partner {label.upper()}.")
        elif sent is False:
            messages.error(request, _EMAIL_FAILED.format(label=label.upper()))
        request.session[SESSION_NEW_LINKS] = {"reference": couple.reference, label: link}
    return redirect(reverse("screening:case", args=[reference]) + f"#partner-{label}")


@require_POST
@clinician_required
def reset_resume_code(request, reference, label):
    couple = get_couple_for_clinician(request, reference)
    if label in ("a", "b"):
        cases.reset_resume_code(request.user, couple.partner(label), request=request)
        messages.success(
            request,
            f"Partner {label.upper()}'s resume code is reset and their link unlocked: they "
            "choose a new code when they next open it.",
        )
    return redirect("screening:case", reference=reference)


@require_http_methods(["GET", "POST"])
@clinician_required
def reopen_answers(request, reference, label):
    """GET: what reopening a partner's answers will do, and the reason asked for; POST: do
    it."""
    couple = get_couple_for_clinician(request, reference)
    partner = _partner_or_none(couple, label)
    if partner is None:
        return redirect("screening:case", reference=reference)
    if request.method != "POST":
        return _confirm_reopen_page(request, couple, partner, ReopenAnswersForm())
    form = ReopenAnswersForm(request.POST)
    if not form.is_valid():
        return _confirm_reopen_page(request, couple, partner, form, status=400)
    try:
        review.reopen_partner(couple, label, request.user, form.cleaned_data["reason"], request)
    except review.ReviewError as error:
        messages.error(request, str(error))
        return _confirm_reopen_page(request, couple, partner, form, status=400)
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
    return redirect(reverse("screening:case", args=[reference]) + f"#partner-{label}")


def _confirm_reopen_page(request, couple, partner, form, status=200):
    return render(
        request,
        "screening/confirm_reopen.html",
        {
            "couple": couple,
            "partner": partner,
            "form": form,
            "other": "B" if partner.label == "a" else "A",
            "signed_off": review.sign_off_in_force(couple),
        },
        status=status,
    )


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
