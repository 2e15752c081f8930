"""The address a request comes from, for rate limits and sign-in lockouts."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def _trusted(address: str, proxies) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in proxies)


def trusted_networks(values: list[str]) -> list:
    """TRUSTED_PROXIES as networks (a bare address is a network of one)."""
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values]


def client_ip(request) -> str | None:
    """REMOTE_ADDR; when that is one of the TRUSTED_PROXIES (with TRUST_X_FORWARDED_FOR), the
    right-most address of X-Forwarded-For that is not a trusted proxy: the one the nearest
    trusted proxy saw. Earlier entries come from the client and can be made up; a client that
    reaches the app without going through a trusted proxy is counted by its own address
    whatever it sends. Without this, behind a proxy every request would seem to come from the
    proxy, and one person's wrong guesses would lock everyone out. None when not known (a
    request made in code); never anything but an IP address (the sign-in log stores it as one)."""
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    if not settings.TRUST_X_FORWARDED_FOR or remote is None:
        return remote
    proxies = trusted_networks(settings.TRUSTED_PROXIES)
    if not _trusted(remote, proxies):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _valid(entry)
        if address is None:
            return remote  # a hop that is not an address: nothing before it can be trusted
        if not _trusted(address, proxies):
            return address
    return remote
