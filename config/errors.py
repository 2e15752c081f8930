"""Tandem's own error pages, for the moments the rest of Tandem may be down.

The 500 page is rendered without the request: no context processors, no session, no user and
no database, so it shows even when the database is unreachable. Its only data is the clinic's
name from the settings and the app's own static files."""

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from intake.partner_session import SESSION_PARTNER


@requires_csrf_token
def server_error(request, template_name="500.html"):
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"clinic_name": settings.CLINIC_NAME}))


def _partner_page(request) -> str | None:
    """For a partner's browser, the questionnaire page to go back to."""
    try:
        public_id = request.session.get(SESSION_PARTNER)
    except Exception:  # noqa: BLE001 - a broken session store must not break this page
        return None
    if not public_id:
        return None
    if request.path.startswith(f"/intake/{public_id}/"):
        return request.path
    return reverse("intake:resume", args=[public_id])


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: say what happened and what to do."""
    template = loader.get_template("403_csrf.html")
    return HttpResponseForbidden(
        template.render({"clinic_name": settings.CLINIC_NAME, "back_url": _partner_page(request)})
    )
