"""Wrong resume codes typed at the same moment (several tabs or browsers) get no extra tries:
they are counted under the partner's row lock, and the link locks after the last one."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from intake import services
from intake.models import Partner
from tests.concurrency.threads import together
from tests.factories import open_link

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@override_settings(RESUME_CODE_ATTEMPTS=3)
def test_wrong_codes_at_once_lock_the_link_after_the_allowed_tries():
    case = services.create_case()
    partner = case.couple.partner("a")
    open_link(Client(), case.links["a"])  # agreed, and chose the code
    unlock = f"/intake/{partner.public_id}/unlock/"
    guessers = []
    for _ in range(6):
        guesser = Client()
        open_link(guesser, case.links["a"], door=False)
        guessers.append(guesser)
    responses = together(
        *[lambda g=g, n=n: g.post(unlock, {"code": f"wrong-{n}"}) for n, g in enumerate(guessers)]
    )
    locked = Partner.objects.get(pk=partner.pk)
    assert locked.resume_locked_at is not None
    assert locked.resume_failures == 3  # not 6: no try after the lock is counted
    assert sum("This link is locked" in r.content.decode() for r in responses) >= 4
    assert [r.status_code for r in responses].count(200) <= 2  # "n more tries" pages
