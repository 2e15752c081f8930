"""The clinic's pages: function views, one access helper per object, services for changes."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from intake import services as intake_services
from intake.models import Couple

from .access import clinician_required, get_couple_for_clinician
from .forms import NewCaseForm
from .models import AuditEntry, UrgentAlert, record

SESSION_NEW_LINKS = "clinic_new_links"


@clinician_required
def queue(request):
    urgent = UrgentAlert.objects.filter(partner__couple=OuterRef("pk"), resolved_at__isnull=True)
    couples = (
        Couple.objects.with_partners()
        .annotate(urgent=Exists(urgent))
        .order_by("-urgent", "created_at")[:200]
    )
    return render(request, "screening/queue.html", {"couples": couples})


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
    screening = couple.screenings.prefetch_related("flags").first()
    urgent_alerts = UrgentAlert.objects.filter(partner__couple=couple, resolved_at__isnull=True)
    return render(
        request,
        "screening/case.html",
        {
            "couple": couple,
            "partners": couple.partners.all(),
            "new_links": links,
            "screening": screening,
            "urgent_alerts": urgent_alerts,
            **score_table(screening),
        },
    )


INSTRUMENTS = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "pcptsd5": "PC-PTSD-5",
    "auditc": "AUDIT-C",
    "csi4": "CSI-4",
    "hark": "HARK",
}


def score_table(screening) -> dict:
    """Scores side by side: one row per instrument, one cell per partner screened."""
    if screening is None:
        return {"score_labels": [], "score_rows": []}
    labels = sorted(screening.scores)
    rows = [
        (name, [screening.scores[label].get(key, {}) for label in labels])
        for key, name in INSTRUMENTS.items()
    ]
    return {"score_labels": labels, "score_rows": rows}


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
    partner = couple.partner(label)
    if partner.is_submitted:
        intake_services.reopen(partner)
        record(
            request.user,
            AuditEntry.Action.ANSWERS_REOPENED,
            couple,
            request=request,
            partner_label=label,
            reason=request.POST.get("reason", "")[:500],
        )
        messages.success(
            request,
            f"Partner {label.upper()}'s answers are open again. Their link works as before; "
            "reissue it if it has expired.",
        )
    return redirect("screening:case", reference=reference)
