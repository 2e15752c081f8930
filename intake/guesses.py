"""The link-guess limit: failed private-link look-ups per client address in a time window.

Counted where every web process sees the same numbers: the shared cache (REDIS_URL) when
there is one, otherwise the database. A per-process count would let each process allow the
limit again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LinkGuess


def _use_cache() -> bool:
    return bool(settings.LINK_GUESSES_IN_CACHE)


def _key(address: str) -> str:
    return f"intake-link-failures:{address}"


def limit_reached(address: str) -> bool:
    if _use_cache():
        return cache.get(_key(address), 0) >= settings.LINK_GUESS_LIMIT
    return LinkGuess.objects.filter(
        address=address,
        window_ends_at__gt=timezone.now(),
        count__gte=settings.LINK_GUESS_LIMIT,
    ).exists()


def count_failure(address: str) -> None:
    if _use_cache():
        try:
            cache.incr(_key(address))
        except ValueError:
            cache.set(_key(address), 1, settings.LINK_GUESS_WINDOW)
        return
    now = timezone.now()
    window_end = now + datetime.timedelta(seconds=settings.LINK_GUESS_WINDOW)
    with transaction.atomic():
        # One UPDATE each: two processes counting at once never lose a guess.
        if LinkGuess.objects.filter(address=address, window_ends_at__gt=now).update(
            count=F("count") + 1
        ):
            return
        guess, created = LinkGuess.objects.get_or_create(
            address=address, defaults={"count": 1, "window_ends_at": window_end}
        )
        if created:
            return
        # The window had ended: a new one starts (unless another process just started it).
        if not LinkGuess.objects.filter(pk=guess.pk, window_ends_at__lte=now).update(
            count=1, window_ends_at=window_end
        ):
            LinkGuess.objects.filter(pk=guess.pk).update(count=F("count") + 1)
