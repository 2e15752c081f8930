"""Clinicians are signed out after a while without activity (default 30 minutes)."""

import time

from django.conf import settings
from django.contrib.auth import logout

LAST_SEEN = "clinic_last_seen"


class IdleLogoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.CLINICIAN_IDLE_SECONDS:
                logout(request)
            elif last_seen is None or now - last_seen >= settings.CLINICIAN_SEEN_WRITE_SECONDS:
                # written now and then, not on every request
                request.session[LAST_SEEN] = now
        return self.get_response(request)
