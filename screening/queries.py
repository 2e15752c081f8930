"""The queue's questions, answered in SQL: the same few queries for 10 or 10,000 cases."""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from intake.models import AnswerSet, Couple, Partner

from .models import Disposition, Flag, SignOff, UrgentAlert
from .review import CaseStatus
from .rules import Severity


def _count(queryset, group_by: str):
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _undisposed(queryset, couple_field: str):
    disposed = Disposition.objects.filter(couple_id=OuterRef(couple_field), key=OuterRef("key"))
    return queryset.filter(~Exists(disposed))


def _preferred_name(label: str):
    """The partner's preferred name as the case page shows it (their saved answers; a name
    is what the clinic calls them, not a safety answer)."""
    named = AnswerSet.objects.filter(partner__couple=OuterRef("pk"), partner__label=label)
    return Subquery(named.values(name=KT("answers__preferred_name"))[:1])


def review_queue(queryset=None, *, order: str = ""):
    """Cases annotated with their status, partner progress and names, flag counts and the
    clinician assigned, in queue order: urgent alerts not delivered first, then open urgent
    items, then open high flags, then the oldest. With `order="appointment"`, the urgent ones
    still first, then by appointment date (soonest first, none last)."""
    queryset = Couple.objects.all() if queryset is None else queryset
    flags = Flag.objects.filter(screening__couple=OuterRef("pk"), screening__is_current=True)
    partners = Partner.objects.filter(couple=OuterRef("pk"))
    open_urgent = _undisposed(
        UrgentAlert.objects.filter(partner__couple=OuterRef("pk")), "partner__couple_id"
    )
    open_flags = _undisposed(flags, "screening__couple_id")
    queryset = queryset.annotate(
        n_urgent=_count(flags.filter(severity=Severity.URGENT), "screening__couple"),
        n_high=_count(flags.filter(severity=Severity.HIGH), "screening__couple"),
        n_review=_count(flags.filter(severity=Severity.REVIEW), "screening__couple"),
        n_info=_count(flags.filter(severity=Severity.INFO), "screening__couple"),
        # the same as n_urgent > 0 and n_high > 0, for filters: PostgreSQL runs an EXISTS
        # once for all cases (a hashed subplan), a count once per case
        any_urgent=Exists(flags.filter(severity=Severity.URGENT)),
        any_high=Exists(flags.filter(severity=Severity.HIGH)),
        alert_not_delivered=Exists(
            UrgentAlert.objects.filter(
                partner__couple=OuterRef("pk"), notified_at__isnull=True, escalated_at__isnull=False
            )
        ),
        urgent_open=Exists(open_urgent) | Exists(open_flags.filter(severity=Severity.URGENT)),
        high_open=Exists(open_flags.filter(severity=Severity.HIGH)),
        n_submitted=_count(partners.filter(status=Partner.Status.SUBMITTED), "couple"),
        n_started=_count(partners.exclude(status=Partner.Status.INVITED), "couple"),
        reviewed=Exists(Disposition.objects.filter(couple=OuterRef("pk"))),
        name_a=_preferred_name("a"),
        name_b=_preferred_name("b"),
        signed=Exists(SignOff.objects.in_force().filter(couple=OuterRef("pk"))),
        signed_ready=Exists(
            SignOff.objects.in_force().filter(couple=OuterRef("pk"), outcome=SignOff.Outcome.READY)
        ),
    ).annotate(
        status=Case(
            When(signed_ready=True, then=Value(CaseStatus.READY)),
            When(signed=True, then=Value(CaseStatus.NOT_READY)),
            When(Q(n_submitted=2, reviewed=True), then=Value(CaseStatus.IN_REVIEW)),
            When(n_submitted=2, then=Value(CaseStatus.SUBMITTED)),
            When(n_started__gt=0, then=Value(CaseStatus.IN_PROGRESS)),
            default=Value(CaseStatus.INVITED),
            output_field=CharField(),
        )
    )
    queryset = queryset.select_related("assignment__clinician")
    if order == "appointment":
        return queryset.order_by(
            "-alert_not_delivered",
            "-urgent_open",
            F("appointment_date").asc(nulls_last=True),
            "-high_open",
            "created_at",
            "pk",
        )
    return queryset.order_by(
        "-alert_not_delivered", "-urgent_open", "-high_open", "created_at", "pk"
    )


def search(queryset, text: str):
    """By case reference or a partner's preferred name."""
    text = text.strip()
    if not text:
        return queryset
    named = Partner.objects.filter(
        couple=OuterRef("pk"), answer_set__answers__preferred_name__icontains=text
    )
    return queryset.filter(Q(reference__icontains=text) | Exists(named))
