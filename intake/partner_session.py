"""A partner's session: which partner's private link opened it, whether it still holds, and the
neutral page shown when it does not. Both the door (intake/door.py) and the questionnaire's
pages (intake/views.py) start from here."""

from __future__ import annotations

import time

from django.shortcuts import render

from .models import Partner

SESSION_PARTNER = "intake_partner"
SESSION_LINK = "intake_link"  # which issue of the partner's link opened the session
SESSION_SEEN = "intake_seen"  # when this partner's session last had a page (epoch seconds)


def neutral(request, status=404, template="intake/link_invalid.html"):
    """The page that says nothing about whose link it was, nor whether there was one."""
    return render(request, template, status=status)


def link_fingerprint(partner: Partner) -> str:
    return (partner.token_hash or "")[:16]


def link_in_force(partner: Partner) -> bool:
    """Not revoked nor replaced: it may have expired (it then opens no new session)."""
    return partner.link_state in ("active", "expired")


def session_holds(request, partner: Partner) -> bool:
    """The session was opened with the partner's current link, and that link was not revoked
    since.

    A link that is revoked or reissued (say, because the other partner got hold of it) ends
    every session it opened, at once: the browser that used it sees the neutral page. A link
    that merely expires opens no new session, but lets an open one finish (nothing typed in
    it is lost).
    """
    return link_in_force(partner) and request.session.get(SESSION_LINK) == link_fingerprint(partner)


def session_partner(request, public_id: str) -> Partner | None:
    """The partner whose page this is, when this session was opened with their link."""
    if not public_id or request.session.get(SESSION_PARTNER) != public_id:
        return None
    partner = Partner.objects.select_related("couple").filter(public_id=public_id).first()
    if partner is None or not session_holds(request, partner):
        request.session.flush()
        return None
    return partner


def start_session(request) -> None:
    """A link was opened: the session ends with the browser, or after the idle time."""
    request.session.set_expiry(0)
    request.session[SESSION_SEEN] = int(time.time())
