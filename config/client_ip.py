"""The address a request comes from, for rate limits and sign-in lockouts."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR; behind a trusted reverse proxy (TRUST_X_FORWARDED_FOR), the address the
    proxy appended to X-Forwarded-For (the last one: earlier ones come from the client and can
    be made up). Without it, behind a proxy every request would seem to come from the proxy,
    and one person's wrong guesses would lock everyone out."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")
