"""The clinic's case page in a real browser: a flag's disposition is saved where it is (with
JavaScript, without the page reloading; without, by a normal post that comes back at the
flag), a recorded flag folds to who recorded what and when, "Change" replaces it and keeps the
earlier one; revoking or reissuing a link and reopening answers ask first, with and without
JavaScript. axe-core on every one of these pages (in the browser with JavaScript: axe-core
runs in the page)."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from intake import services
from intake.demo import demo_document
from screening import review
from screening.models import AuditEntry, Disposition
from tests.auth import sign_in
from tests.browser import support


def signed_in_page(new_page, live_server, user, **options):
    """A browser already signed in as `user` (password and second factor done)."""
    client = sign_in(Client(), user)
    page = new_page(**options)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def flag(page, rule: str):
    return page.locator(f'article[data-flag="{rule}"]').first


def test_with_javascript_a_disposition_is_saved_in_place_then_changed(
    new_page, live_server, clinician_account
):
    couple = services.import_document(demo_document()).couple
    items = review.missing_dispositions(couple)
    page = signed_in_page(new_page, live_server, clinician_account)
    page.goto(f"/clinic/cases/{couple.reference}/")
    expect(page.locator("[data-missing] li")).to_have_count(len(items))
    expect(page.locator("[data-open-count]")).to_have_text(str(len(items)))
    # the answers are folded, step by step; the menu on top leads to each part
    expect(page.locator("details.step-answers[open]")).to_have_count(0)
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    support.check_page(page, "case (flags open)", "clinic-case-to-do")
    page.evaluate("() => { window.notReloaded = true; }")

    first = items[0]
    card = flag(page, first.rule)
    card.get_by_label("Follow-up arranged", exact=True).check()
    card.get_by_label("Note", exact=True).fill("Rang partner A; safety plan agreed.")
    card.get_by_role("button", name="Record", exact=True).click()

    card = flag(page, first.rule)
    expect(card.locator("[data-flag-notice]")).to_have_text("Disposition recorded.")
    expect(card.locator("[data-recorded]")).to_contain_text("Follow-up arranged · Robin Lee ·")
    expect(card.locator("[data-disposition]")).not_to_be_visible()  # folded
    expect(card).to_be_focused()
    expect(page.locator("[data-case-live]")).to_have_text(
        f"{first.rule}, partner {first.partner.upper()}: Disposition recorded. "
        f"{len(items) - 1} items left to record."
    )
    expect(page.locator("[data-missing] li")).to_have_count(len(items) - 1)
    expect(page.locator("[data-open-count]")).to_have_text(str(len(items) - 1))
    assert page.evaluate("() => window.notReloaded") is True  # saved without a reload
    assert Disposition.objects.get().note == "Rang partner A; safety plan agreed."

    # Recording again is not offered: "Change", which keeps the earlier one.
    card.locator("summary").first.click()
    expect(card.locator("[data-disposition]")).to_contain_text(
        "Rang partner A; safety plan agreed."
    )
    expect(card.get_by_role("button", name="Record", exact=True)).to_have_count(0)
    card.locator("summary", has_text="Change").click()
    card.get_by_label("Reviewed: noted for the prescriber", exact=True).check()
    card.get_by_label("Note on the change", exact=True).fill("Safety plan on file.")
    support.check_page(page, "case (change a disposition)", "clinic-case-change")
    card.get_by_role("button", name="Record the change").click()
    card = flag(page, first.rule)
    expect(card.locator("[data-flag-notice]")).to_have_text("Disposition changed.")
    expect(card.locator("[data-recorded]")).to_contain_text("Reviewed: noted for the prescriber")
    card.locator("summary").first.click()
    expect(card.get_by_text("Earlier records (1)")).to_be_visible()
    assert list(Disposition.objects.order_by("id").values_list("outcome", flat=True)) == [
        "follow_up",
        "acknowledged",
    ]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DISPOSITION_CHANGED).count() == 1

    # A bad value comes back next to its field, the typing kept, still without a reload.
    second = flag(page, items[1].rule)
    second.get_by_label("Note", exact=True).fill("x" * 2001)
    second.get_by_label("Follow-up arranged", exact=True).check()
    second.get_by_role("button", name="Record", exact=True).click()
    second = flag(page, items[1].rule)
    expect(
        second.get_by_text("This answer is 2001 characters; the limit is 2000. Please shorten it.")
    ).to_be_visible()
    expect(second.get_by_label("Note", exact=True)).to_be_focused()
    expect(second.get_by_label("Note", exact=True)).to_have_value("x" * 2001)
    assert page.evaluate("() => window.notReloaded") is True
    # The browser logs the refusal's status (400) itself: that one is expected.
    assert page.console_errors == [  # type: ignore[attr-defined]
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.console_errors.clear()  # type: ignore[attr-defined]

    # A link to a step of the answers opens it.
    page.get_by_role("link", name="Your physical health", exact=True).click()
    expect(page.locator("details#step-physical")).to_have_attribute("open", "")
    page.get_by_role("button", name="Open every step").click()
    expect(page.locator("details.step-answers:not([open])")).to_have_count(0)
    support.assert_accessible(page, "case (answers open)")


def test_without_javascript_a_disposition_posts_and_comes_back_at_its_flag(
    new_page, live_server, clinician_account
):
    couple = services.import_document(demo_document()).couple
    first = review.missing_dispositions(couple)[0]
    page = signed_in_page(new_page, live_server, clinician_account, javascript=False)
    page.goto(f"/clinic/cases/{couple.reference}/")
    card = flag(page, first.rule)
    card.get_by_label("Follow-up arranged", exact=True).check()
    card.get_by_label("Note", exact=True).fill("Rang partner A.")
    with page.expect_navigation():
        card.get_by_role("button", name="Record", exact=True).click()
    expect(page).to_have_url(re.compile(rf"#flag-{first.key[:12]}$"))
    card = flag(page, first.rule)
    expect(card.locator("[data-flag-notice]")).to_have_text("Disposition recorded.")
    expect(card).to_be_in_viewport()  # the page comes back at the flag, saying so there
    expect(card.locator("[data-recorded]")).to_contain_text("Follow-up arranged · Robin Lee")
    # "Change" opens without JavaScript too
    card.locator("summary").first.click()
    card.locator("summary", has_text="Change").click()
    expect(card.get_by_label("Note on the change", exact=True)).to_be_visible()
    support.shoot(page, "clinic-case-no-javascript")  # (axe-core needs JavaScript: above)


def test_revoke_reissue_and_reopen_ask_first_and_say_what_will_happen(
    new_page, live_server, clinician_account
):
    couple = services.import_document(demo_document()).couple
    for javascript in (False, True):
        page = signed_in_page(new_page, live_server, clinician_account, javascript=javascript)
        page.goto(f"/clinic/cases/{couple.reference}/")
        partner = "a" if javascript else "b"
        label = partner.upper()
        card = page.locator(f'section[aria-labelledby="partner-{partner}"]')

        # Revoke: nothing happens on the first click; the page says what will.
        with page.expect_navigation():
            card.get_by_role("link", name="Revoke link…").click()
        expect(page.locator("h1")).to_have_text(f"Revoke partner {label}'s link?")
        expect(page.locator("[data-consequences]")).to_contain_text("stops working at once")
        expect(page.locator("[data-consequences]")).to_contain_text(
            f"Partner {label} is not told why"
        )
        expect(page.locator("[data-consequences]")).to_contain_text(
            "Answers already saved are kept"
        )
        assert couple.partner(partner).link_state == "active"
        if javascript:
            support.check_page(page, "confirm revoke", "clinic-confirm-revoke")
        with page.expect_navigation():
            page.get_by_role("link", name="Cancel: keep the link").click()
        assert couple.partner(partner).link_state == "active"
        with page.expect_navigation():
            card.get_by_role("link", name="Revoke link…").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Revoke the link").click()
        expect(page.get_by_role("status").first).to_have_text(
            f"Partner {label}'s link no longer works."
        )
        assert couple.partner(partner).link_state == "revoked"

        # A new link: what happens to the old one, said first.
        with page.expect_navigation():
            card.get_by_role("link", name="New link…").click()
        expect(page.locator("h1")).to_have_text(f"Make a new link for partner {label}?")
        expect(page.locator("[data-consequences]")).to_contain_text(
            "was revoked; it stays unusable"
        )
        if javascript:
            support.check_page(page, "confirm new link", "clinic-confirm-new-link")
        with page.expect_navigation():
            page.get_by_role("button", name="Make a new link", exact=True).click()
        expect(page.locator(f'[data-link="{partner}"]')).to_be_visible()
        assert couple.partner(partner).link_state == "active"

        # Reopen answers: the reason is asked on the page that says what will happen.
        with page.expect_navigation():
            card.get_by_role("link", name="Reopen answers…").click()
        expect(page.locator("h1")).to_have_text(f"Reopen partner {label}'s answers?")
        expect(page.locator("[data-consequences]")).to_contain_text("must submit them again")
        if javascript:
            support.check_page(page, "confirm reopen answers", "clinic-confirm-reopen")
        page.get_by_label(f"Reason for reopening partner {label}'s answers").fill(
            "Asked to correct a medicine."
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Reopen the answers").click()
        expect(page.get_by_role("status").first).to_contain_text(
            f"Partner {label}'s answers are open again"
        )
        assert not couple.partner(partner).is_submitted
