"""The link-guess limit is counted where every web process sees it: the shared cache when
REDIS_URL is set, the database otherwise (see also tests/test_gunicorn.py, two real workers)."""

import datetime

import pytest
from django.test import Client, override_settings
from freezegun import freeze_time

from intake import guesses
from intake.models import LinkGuess

pytestmark = pytest.mark.django_db


@override_settings(LINK_GUESS_LIMIT=3, LINK_GUESS_WINDOW=600, LINK_GUESSES_IN_CACHE=False)
def test_without_a_shared_cache_guesses_are_counted_in_the_database():
    start = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        guesser = Client(REMOTE_ADDR="203.0.113.5")
        for n in range(3):
            assert guesser.get(f"/i/wrong-{n}/").status_code == 404
        assert LinkGuess.objects.get(address="203.0.113.5").count == 3
        assert guesser.get("/i/wrong-again/").status_code == 429
        assert Client(REMOTE_ADDR="198.51.100.7").get("/i/wrong/").status_code == 404
        # a new window starts from one
        frozen.tick(datetime.timedelta(seconds=601))
        assert not guesses.limit_reached("203.0.113.5")
        assert guesser.get("/i/wrong-later/").status_code == 404
        row = LinkGuess.objects.get(address="203.0.113.5")
        assert row.count == 1
        assert row.window_ends_at == start + datetime.timedelta(seconds=601 + 600)


@override_settings(LINK_GUESS_LIMIT=2, LINK_GUESSES_IN_CACHE=True)
def test_with_a_shared_cache_guesses_are_counted_there():
    guesser = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(2):
        assert guesser.get(f"/i/wrong-{n}/").status_code == 404
    assert guesser.get("/i/wrong-again/").status_code == 429
    assert not LinkGuess.objects.exists()
