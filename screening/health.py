"""`/healthz`: for a process supervisor. No sign-in, no clinical content: 200 with JSON when
all is well, 503 when not (database, workers, alerts not delivered, summaries stuck)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import background


@never_cache
@require_GET
def healthz(request):
    report = background.health()
    return JsonResponse(report, status=200 if report["healthy"] else 503)
