"""What a partner typed on a step whose save failed is still there when they come back."""

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from tests.browser import support
from tests.browser.support import STEP_IDS


def test_typed_answers_survive_a_refused_save_and_go_once_saved(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    answers = make_answers(preferred_name="Robin")
    page = new_page()
    support.open_link(page, case.links["a"])
    first, second = STEP_IDS[0], STEP_IDS[1]
    support.expect_step(page, first)
    support.fill_step(page, first, answers)

    # The browser loses the CSRF cookie (blocked, or the page was open too long): the save is
    # refused, and the page says what to do.
    page.context.clear_cookies(name="csrftoken")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    text = support.visible_text(page)
    assert "Please send this page again" in text
    assert "Your answers up to the last save are kept" in text
    assert not case.couple.partner("a").answer_set.answers  # nothing reached the server
    assert not support.axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Back to your questionnaire").click()
    support.expect_step(page, first)
    expect(page.locator("[data-restored]")).to_be_visible()
    support.assert_step_shows(page, first, answers)

    support.save_and_continue(page)
    support.expect_step(page, second)
    partner = case.couple.partner("a")
    partner.answer_set.refresh_from_db()
    assert partner.answer_set.answers["preferred_name"] == "Robin"
    kept = page.evaluate(
        "() => Object.keys(sessionStorage).filter((k) => k.startsWith('tandem-step:'))"
    )
    assert all(first not in key for key in kept), kept

    # Another browser on another partner's link never sees it.
    other = new_page()
    support.open_link(other, case.links["b"])
    assert "Robin" not in other.content()
