"""The partner's door in a real browser: the start page, consent and resume-code pages pass
axe-core at phone and desktop widths; a closed browser, another browser, Back after "Exit
this page" and the idle time all end up asking for the resume code, showing no answer."""

from __future__ import annotations

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from intake.models import Partner
from tests.auth import current_code
from tests.browser import support
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD

SECRET_NAME = "Quillon"


def fill_first_step(page) -> str:
    """Give a preferred name on the first step and save it; returns that step's address."""
    support.expect_step(page, "about")
    url = page.url
    support.fill_step(page, "about", make_answers(preferred_name=SECRET_NAME))
    support.save_and_continue(page)
    support.expect_step(page, "goals")
    return url


def test_the_door_pages_pass_axe_and_lead_to_the_first_question(new_page, clinician_account):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    page = new_page(viewport=support.PHONE)
    support.open_link(page, case.links["a"], door=False)
    expect(page.locator("h1")).to_contain_text("Your questionnaire for")
    expect(page.locator("[data-estimate]")).to_contain_text("minutes")
    support.check_page(page, "start page", "door-start")
    with page.expect_navigation():
        page.get_by_role("link", name="Continue").click()
    support.check_page(page, "consent notice", "door-consent")
    with page.expect_navigation():
        page.get_by_role("button", name="I agree").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    support.check_page(page, "consent notice, errors", "door-consent-errors")
    support.pass_door(page)  # agree, choose the code
    fill_first_step(page)

    # Another browser: the code first; wrong codes say how many tries are left.
    other = new_page(viewport=support.PHONE)
    support.open_link(other, case.links["a"], door=False)
    expect(other.locator("h1")).to_have_text("Type your resume code")
    assert SECRET_NAME not in other.content()
    support.check_page(other, "resume code", "door-unlock")
    other.get_by_label("Your resume code").fill("not-the-code")
    with other.expect_navigation():
        other.get_by_role("button", name="Continue").click()
    expect(other.locator("[data-error-summary]")).to_contain_text("more tries")
    support.check_page(other, "resume code, wrong", "door-unlock-wrong")
    for _ in range(4):
        other.get_by_label("Your resume code").fill("not-the-code")
        with other.expect_navigation():
            other.get_by_role("button", name="Continue").click()
    expect(other.locator("h1")).to_have_text("This link is locked")
    support.check_page(other, "link locked", "door-locked")

    # Partner B declines.
    declining = new_page(viewport=support.PHONE)
    support.open_link(declining, case.links["b"], door=False)
    with declining.expect_navigation():
        declining.get_by_role("link", name="Continue").click()
    with declining.expect_navigation():
        declining.get_by_role("button", name="I do not agree").click()
    expect(declining.locator("h1")).to_have_text("You chose not to agree")
    support.check_page(declining, "consent declined", "door-declined")

    # The clinician sees both consents and the locked link, and resets the code.
    clinic = new_page(viewport=support.PHONE)
    clinic.goto("/clinic/")
    clinic.get_by_label("Username").fill(clinician_account.username)
    clinic.get_by_label("Password").fill(PASSWORD)
    with clinic.expect_navigation():
        clinic.get_by_role("button", name="Sign in").click()
    clinic.get_by_label("6-digit code from your authenticator app").fill(
        current_code(clinician_account)
    )
    with clinic.expect_navigation():
        clinic.get_by_role("button", name="Continue").click()
    clinic.goto(f"/clinic/cases/{case.couple.reference}/")
    expect(clinic.locator('[data-consent-state="a"]')).to_contain_text("Agreed")
    expect(clinic.locator('[data-joint-sessions="a"]')).to_contain_text("May refer")
    expect(clinic.locator('[data-consent-state="b"]')).to_contain_text("Declined")
    expect(clinic.locator('[data-resume-code="a"]')).to_contain_text("Locked")
    support.check_page(clinic, "case", "door-case-consents")
    with clinic.expect_navigation():
        clinic.locator('[data-consent="a"] + form').get_by_role(
            "button", name="Reset resume code"
        ).click()
    expect(clinic.locator('[data-resume-code="a"]')).to_contain_text("not chosen yet")
    support.open_link(other, case.links["a"], door=False)
    expect(other.locator("h1")).to_have_text("Choose a resume code")
    support.pass_door(other, code="a-new-code")
    other.goto(page.url.replace("/goals/", "/about/"))
    expect(other.locator('[name="about-preferred_name"]')).to_have_value(SECRET_NAME)


def test_the_resume_code_page_passes_axe(new_page):
    case = services.create_case()
    page = new_page()
    support.open_link(page, case.links["a"], door=False)
    page.goto(page.url.replace("/start/", "/consent/"))
    page.get_by_label("No, keep all my answers between me and the clinical team").check()
    page.get_by_label("I have read this notice and I agree to it.").check()
    page.get_by_label("Your name").fill("Robin")
    with page.expect_navigation():
        page.get_by_role("button", name="I agree").click()
    expect(page.locator("h1")).to_have_text("Choose a resume code")
    support.check_page(page, "choose a resume code", "door-code")


def test_a_closed_browser_reopened_shows_no_answer_without_the_code(
    chromium, live_server, tmp_path
):
    """The same browser profile: a saved draft, the browser closed, then the history entry
    and the link opened again."""
    case = services.create_case()
    profile = tmp_path / "profile"

    def launch():
        context = chromium.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        return context

    context = launch()
    page = context.pages[0] if context.pages else context.new_page()
    support.open_link(page, case.links["a"])
    history_entry = fill_first_step(page)
    support.expect_step(page, "goals")
    context.close()

    context = launch()
    try:
        assert not [c for c in context.cookies() if c["name"] == "sessionid"]
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(history_entry)
        expect(page.locator("h1")).to_have_text("Please open your link again")
        assert SECRET_NAME not in page.content()
        support.open_link(page, case.links["a"], door=False)
        expect(page.locator("h1")).to_have_text("Type your resume code")
        assert SECRET_NAME not in page.content()
        page.goto(history_entry)
        expect(page.locator("h1")).to_have_text("Type your resume code")
        assert SECRET_NAME not in page.content()
        support.pass_door(page)
        page.goto(history_entry)
        expect(page.locator('[name="about-preferred_name"]')).to_have_value(SECRET_NAME)
    finally:
        context.close()


def test_back_after_exit_shows_nothing(new_page):
    case = services.create_case()
    page = new_page()
    support.open_link(page, case.links["a"])
    fill_first_step(page)
    page.goto("/exit/")
    expect(page.locator("h1")).to_have_text("Weather forecast")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Please open your link again")
    page.go_back()
    assert SECRET_NAME not in page.content()


def test_an_idle_session_warns_then_ends_and_keeps_what_was_typed(new_page, settings):
    settings.PARTNER_IDLE_SECONDS = 10
    settings.PARTNER_IDLE_WARNING_SECONDS = 6
    case = services.create_case()
    page = new_page(viewport=support.PHONE)
    support.open_link(page, case.links["a"])
    support.expect_step(page, "about")
    warning = page.locator("[data-idle-warning]")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=8_000)
    expect(warning).to_contain_text("this page closes in")
    expect(page.get_by_role("button", name="Stay on this page")).to_be_focused()
    support.shoot(page, "door-idle-warning")
    page.get_by_role("button", name="Stay on this page").click()
    expect(warning).to_be_hidden()
    page.locator('[name="about-preferred_name"]').fill(SECRET_NAME)  # typed, not saved
    expect(page.locator("h1")).to_have_text("Please open your link again", timeout=15_000)
    partner = Partner.objects.get(pk=case.couple.partner("a").pk)
    assert partner.answer_set.answers.get("preferred_name") == SECRET_NAME
    support.open_link(page, case.links["a"], door=False)
    expect(page.locator("h1")).to_have_text("Type your resume code")
