"""The address a request comes from, for rate limits and sign-in lockouts."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind a trusted reverse proxy (TRUST_X_FORWARDED_FOR), the address the
    proxy appended to X-Forwarded-For (the last one: earlier ones come from the client and can
    be made up). Without it, behind a proxy every request would seem to come from the proxy,
    and one person's wrong guesses would lock everyone out. None when not known (a request
    made in code); never anything but an IP address (the sign-in log stores it as one)."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip() and (address := _valid(forwarded.split(",")[-1])):
            return address
    return _valid(request.META.get("REMOTE_ADDR") or "")
