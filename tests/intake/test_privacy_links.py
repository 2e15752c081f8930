"""Private links and partner isolation: one partner never reaches the other's pages, and
wrong, expired and revoked links all look the same."""

import base64
import datetime
import hashlib

import pytest
from django.db import connection
from django.test import Client, override_settings
from freezegun import freeze_time

from intake import services
from intake.demo import make_answers
from intake.models import Partner
from tests.factories import client_for, link_path, open_link
from tests.intake.helpers import (
    STEP_IDS,
    form_values,
    html_of,
    post_step,
    seed_steps,
    step_url,
    steps_before,
    stored_answers,
    visible_text,
)

pytestmark = pytest.mark.django_db

SECRET_NAME = "Quillon-Marisabel"  # partner B's name: must never appear on A's screen
LINK_DOES_NOT_WORK = "This link does not work"


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def _b_urls(partner_b):
    public_id = partner_b.public_id
    return [
        f"/intake/{public_id}/",
        *(f"/intake/{public_id}/{step_id}/" for step_id in STEP_IDS),
        f"/intake/{public_id}/submitted/",
    ]


def _as_unknown(url: str, public_id: str) -> str:
    return url.replace(public_id, "NoSuchPartner1")


def _assert_neutral_like_unknown(client, url, public_id, method="get", data=None):
    """The page is the one an unknown partner id gets: it reveals nothing, not even existence."""
    response = getattr(client, method)(url, data or {})
    unknown = getattr(client, method)(_as_unknown(url, public_id), data or {})
    assert response.status_code in (403, 404), (url, response.status_code)
    assert response.status_code == unknown.status_code, url
    assert visible_text(response) == visible_text(unknown), url
    assert SECRET_NAME not in html_of(response)
    return response


def test_partner_a_never_sees_partner_b_pages_while_b_is_filling_in(partner_a, partner_b):
    answers_b = make_answers(preferred_name=SECRET_NAME, goals_self="B's private hopes")
    seed_steps(partner_b.partner, answers_b, steps_before("physical"))
    before = stored_answers(partner_b.partner)

    for url in _b_urls(partner_b.partner):
        _assert_neutral_like_unknown(partner_a, url, partner_b.partner.public_id)
        _assert_neutral_like_unknown(
            partner_a,
            url,
            partner_b.partner.public_id,
            method="post",
            data={"about-preferred_name": "Overwritten by A"},
        )

    assert stored_answers(partner_b.partner) == before
    # A's own pages still work, and show nothing of B.
    page = partner_a.get(step_url(partner_a, "about"))
    assert page.status_code == 200
    assert SECRET_NAME not in html_of(page)
    open_link(partner_a, services.reissue_link(partner_a.partner))
    assert stored_answers(partner_b.partner) == before
    assert SECRET_NAME not in str(stored_answers(partner_a.partner))


def test_partner_a_never_sees_partner_b_pages_after_b_submitted(partner_a, partner_b):
    answers_b = make_answers(preferred_name=SECRET_NAME)
    seed_steps(partner_b.partner, answers_b, steps_before("review"))
    response = post_step(partner_b, "review", answers_b)
    assert response["Location"].endswith("/submitted/")
    assert partner_b.get(response["Location"]).status_code == 200

    for url in _b_urls(partner_b.partner):
        _assert_neutral_like_unknown(partner_a, url, partner_b.partner.public_id)


def test_the_neutral_pages_say_only_to_open_the_link_again(partner_a, partner_b):
    response = partner_a.get(step_url(partner_b, "about"))
    assert response.status_code == 403
    assert "Please open your link again" in visible_text(response)
    assert "will be saved" not in visible_text(response)  # nothing was sent: no promise
    made_up = partner_a.post(step_url(partner_b, "about"), {"about-preferred_name": "X"})
    assert "will be saved" not in visible_text(made_up)  # not from B's page: not kept
    response = partner_a.get(f"/intake/{partner_b.partner.public_id}/submitted/")
    assert response.status_code == 404
    assert LINK_DOES_NOT_WORK in visible_text(response)


def test_opening_b_link_in_a_browser_replaces_a_session(new_case):
    a = new_case.couple.partner("a")
    b = new_case.couple.partner("b")
    seed_steps(a, make_answers(preferred_name="Name of A"), ["about"])
    seed_steps(b, make_answers(preferred_name=SECRET_NAME), ["about"])
    browser = client_for(new_case.links["a"], a)
    assert "Name of A" in html_of(browser.get(step_url(a, "about")))

    landing = open_link(browser, new_case.links["b"])
    assert landing.redirect_chain[-1][0] == step_url(b, "goals")
    assert SECRET_NAME in html_of(browser.get(step_url(b, "about")))
    # A's pages now need A's link again, and show nothing of A.
    for url in (f"/intake/{a.public_id}/", step_url(a, "about"), step_url(a, "goals")):
        response = browser.get(url)
        assert response.status_code == 403
        assert "Please open your link again" in visible_text(response)
        assert "Name of A" not in html_of(response)

    open_link(browser, new_case.links["a"])
    assert "Name of A" in html_of(browser.get(step_url(a, "about")))
    assert browser.get(step_url(b, "about")).status_code == 403


def test_a_post_made_up_by_the_other_partner_never_lands_in_a_draft(new_case):
    """On a shared computer, A posts to B's page address (from the browser history); B later
    opens their own link in that browser. Nothing A posted may end up in B's answers."""
    b = new_case.couple.partner("b")
    shared = client_for(new_case.links["a"], new_case.couple.partner("a"))
    made_up = {
        "about-preferred_name": "Written by A",
        "about-date_of_birth": "1990-01-01",
        "about-sex_for_scoring": "male",
        "about-safe_contact": "none",
        f"intake_{b.public_id}-current_step": "about",
    }
    assert shared.post(step_url(b, "about"), made_up).status_code == 403
    shared.get("/exit/")  # and with no session at all
    assert shared.post(step_url(b, "about"), made_up).status_code == 403

    landing = open_link(shared, new_case.links["b"])
    assert landing.redirect_chain[-1][0] == step_url(b, "about")
    assert stored_answers(b) == {}
    assert "Written by A" not in html_of(landing)


# --- tokens ---------------------------------------------------------------------------------


def test_tokens_have_at_least_128_bits_and_only_their_hash_is_stored(new_case):
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        dump = []
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from Django
            dump.extend(str(row) for row in cursor.fetchall())
    everything = "\n".join(dump)
    for label, link in new_case.links.items():
        token = _token(link)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) >= 16
        assert token not in everything
        partner = new_case.couple.partner(label)
        assert partner.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert _token(new_case.links["a"]) != _token(new_case.links["b"])


def test_after_opening_a_link_the_address_has_no_token(new_case):
    token = _token(new_case.links["a"])
    browser = Client()
    landing = open_link(browser, new_case.links["a"])
    assert landing.status_code == 200
    final_url = landing.redirect_chain[-1][0]
    assert token not in final_url
    assert final_url == step_url(new_case.couple.partner("a"), "about")
    assert token not in html_of(landing)
    first = Client().get(link_path(new_case.links["a"]))
    assert first.status_code == 302
    assert token not in first["Location"]


@override_settings(INVITATION_TTL_DAYS=3)
def test_a_link_expires_after_the_ttl():
    start = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        case = services.create_case()
        partner = case.couple.partner("a")
        assert partner.token_expires_at == start + datetime.timedelta(days=3)
        frozen.tick(datetime.timedelta(days=3) - datetime.timedelta(minutes=1))
        landing = open_link(Client(), case.links["a"])
        assert landing.redirect_chain[-1][0] == step_url(partner, "about")
        frozen.tick(datetime.timedelta(minutes=2))
        expired = open_link(Client(), case.links["a"])
        assert expired.status_code == 404
        assert LINK_DOES_NOT_WORK in visible_text(expired)
        # A new link works again.
        fresh = open_link(Client(), services.reissue_link(partner))
        assert fresh.redirect_chain[-1][0] == step_url(partner, "about")


def test_revoked_and_reissued_links(new_case):
    partner = new_case.couple.partner("a")
    services.revoke_link(partner)
    revoked = open_link(Client(), new_case.links["a"])
    assert revoked.status_code == 404
    assert LINK_DOES_NOT_WORK in visible_text(revoked)

    new_link = services.reissue_link(partner)
    assert open_link(Client(), new_case.links["a"]).status_code == 404
    landing = open_link(Client(), new_link)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1][0] == step_url(partner, "about")

    # Reissuing again retires the second link as well.
    newest = services.reissue_link(partner)
    assert open_link(Client(), new_link).status_code == 404
    assert open_link(Client(), newest).status_code == 200
    # Partner B's link is untouched by all of this.
    assert open_link(Client(), new_case.links["b"]).status_code == 200


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_revoking_or_reissuing_a_link_ends_the_sessions_it_opened(new_case, action):
    """The link leaked (say, the other partner has it) and was already opened: from the moment
    it is revoked or reissued, that browser sees nothing more and can change nothing."""
    partner = new_case.couple.partner("a")
    holder = client_for(new_case.links["a"], partner)  # whoever opened the leaked link
    seed_steps(partner, make_answers(preferred_name=SECRET_NAME), steps_before("safety"))
    about_page = holder.get(step_url(holder, "about"))
    assert SECRET_NAME in html_of(about_page)
    from_the_old_page = {**form_values(about_page), "about-preferred_name": "Written by holder"}

    new_link = services.reissue_link(partner) if action == "reissue" else None
    if action == "revoke":
        services.revoke_link(partner)
    before = stored_answers(partner)
    first = holder.get(step_url(holder, "safety"))
    assert first.status_code == 404
    assert LINK_DOES_NOT_WORK in visible_text(first)
    for step_id in ("about", "safety", "review"):  # the session is gone too
        page = holder.get(step_url(holder, step_id))
        assert page.status_code == 403
        assert SECRET_NAME not in html_of(page)
    posted = holder.post(step_url(holder, "about"), {"about-preferred_name": "Changed"})
    assert posted.status_code in (403, 404)
    assert SECRET_NAME not in html_of(posted)
    # Posting the old page again (it carries a valid page key) keeps nothing either.
    for _ in range(2):
        posted = holder.post(step_url(holder, "about"), from_the_old_page)
        assert posted.status_code in (403, 404)
        assert "will be saved" not in visible_text(posted)
    assert holder.get(f"/intake/{partner.public_id}/submitted/").status_code in (403, 404)
    assert stored_answers(partner) == before
    # The partner with the new link carries on, with everything they gave.
    if new_link:
        landing = open_link(Client(), new_link)
        assert landing.redirect_chain[-1][0] == step_url(partner, "safety")
        assert holder.get(step_url(holder, "about")).status_code == 403
        # Even the new link opened later in the holder's browser (a shared computer) takes
        # nothing the holder posted.
        open_link(holder, new_link)
        assert stored_answers(partner) == before
        assert "Written by holder" not in html_of(holder.get(step_url(holder, "about")))


@override_settings(INVITATION_TTL_DAYS=30, PARTNER_IDLE_SECONDS=120 * 60)
def test_a_link_that_expires_while_its_page_is_open_loses_nothing():
    """An expired link opens no new session, but the partner already filling in finishes
    the step they are on, and sees their thank-you page after submitting."""
    start = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        case = services.create_case()
        frozen.tick(datetime.timedelta(days=29, hours=23))
        browser = client_for(case.links["a"], case.couple.partner("a"))
        frozen.tick(datetime.timedelta(hours=1, minutes=5))  # the link has just expired
        assert Partner.objects.get(pk=browser.partner.pk).link_state == "expired"
        response = post_step(browser, "about", make_answers(preferred_name="Still here"))
        assert response.status_code == 302
        assert stored_answers(browser.partner)["preferred_name"] == "Still here"
        assert open_link(Client(), case.links["a"]).status_code == 404  # no new session


@override_settings(INVITATION_TTL_DAYS=1)
def test_wrong_expired_and_revoked_links_give_the_same_page():
    start = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        expired_case = services.create_case()
        frozen.tick(datetime.timedelta(days=2))
        revoked_case = services.create_case()
        services.revoke_link(revoked_case.couple.partner("a"))
        wrong = Client().get("/i/" + "A" * 43 + "/")
        expired = Client().get(link_path(expired_case.links["a"]))
        revoked = Client().get(link_path(revoked_case.links["a"]))
        short = Client().get("/i/x/")
    for response in (expired, revoked, short):
        assert response.status_code == wrong.status_code == 404
        assert response.content == wrong.content
    assert LINK_DOES_NOT_WORK in visible_text(wrong)


@override_settings(LINK_GUESS_LIMIT=3)
def test_repeated_wrong_guesses_are_rate_limited(new_case):
    guesser = Client()
    for n in range(3):
        response = guesser.get(f"/i/wrong-guess-{n}/")
        assert response.status_code == 404
    limited = guesser.get(link_path(new_case.links["a"]), follow=True)
    assert limited.status_code == 429
    assert "Please try again later" in visible_text(limited)
    assert limited.redirect_chain == []
    # The valid link did not start a session.
    partner = new_case.couple.partner("a")
    assert guesser.get(step_url(partner, "about")).status_code == 403
    assert Partner.objects.get(pk=partner.pk).status == Partner.Status.INVITED
    # Another connection is not affected.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get(link_path(new_case.links["a"]), follow=True).status_code == 200


@override_settings(LINK_GUESS_LIMIT=2, LINK_GUESS_WINDOW=600)
def test_the_rate_limit_wears_off():
    start = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        case = services.create_case()
        guesser = Client()
        guesser.get("/i/nope-1/")
        guesser.get("/i/nope-2/")
        assert guesser.get(link_path(case.links["a"])).status_code == 429
        frozen.tick(datetime.timedelta(seconds=601))
        assert guesser.get(link_path(case.links["a"])).status_code == 302
