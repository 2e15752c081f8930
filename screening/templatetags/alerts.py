"""`{% alert_not_delivered couple %}`: the case page's banner when the clinic could not be
e-mailed about its urgent answers (URGENT_ALERT_MAX_FAILURES failures, still trying)."""

from django import template
from django.db.models import Max, Min

from screening.models import UrgentAlert

register = template.Library()


@register.inclusion_tag("includes/_alert_not_delivered.html")
def alert_not_delivered(couple):
    escalated = UrgentAlert.objects.filter(
        partner__couple=couple, notified_at__isnull=True, escalated_at__isnull=False
    ).aggregate(since=Min("escalated_at"), attempts=Max("attempts"), next=Min("next_attempt_at"))
    return {"escalated": escalated if escalated["since"] else None}
