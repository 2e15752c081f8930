"""Safety controls in a real browser: "Exit this page" by its button and by pressing Shift three
times, after which the back button shows no answers; crisis contacts on the same page as soon
as a safety question is answered yes."""

import pytest
from playwright.sync_api import Page, expect

from intake import services
from intake.demo import make_answers
from tests.browser import support
from tests.intake.helpers import seed_steps, steps_before

ANSWERS = make_answers(preferred_name="Robin", escort_name="Kim Ito")
SESSION_ENDED = "Please open your link again"


@pytest.fixture
def at_safety(new_page):
    """A partner on the step "Your safety", having answered the step before it in this
    browser (so the browser's history has the partner's pages in it)."""

    def open_safety_step(**page_options) -> Page:
        case = services.create_case(email_a="a@example.com", email_b="b@example.com")
        seed_steps(case.couple.partner("a"), ANSWERS, steps_before("substances"))
        page = new_page(**page_options)
        support.open_link(page, case.links["a"])
        support.expect_step(page, "substances")
        support.fill_step(page, "substances", ANSWERS)
        support.save_and_continue(page)
        support.expect_step(page, "safety")
        return page

    return open_safety_step


def assert_no_answers_shown(page: Page) -> None:
    text = support.visible_text(page)
    assert SESSION_ENDED in text, text[:500]
    for answer in ("Robin", "Kim Ito", "Your safety", "Alcohol and other substances"):
        assert answer not in text
    expect(page.locator("input:not([type=hidden]), textarea")).to_have_count(0)


def test_exit_this_page_button_leaves_and_the_back_button_shows_no_answers(at_safety, neutral_site):
    page = at_safety()
    page.locator('[name="safety-si_wish_dead"][value="no"]').check()
    exit_button = page.get_by_role("link", name="Emergency Exit this page")
    expect(exit_button).to_be_in_viewport()
    exit_button.click()
    page.wait_for_url(neutral_site)
    expect(page.locator("h1")).to_have_text("Weather forecast")

    page.go_back()  # the step before: its page is asked for again, and the session is gone
    assert_no_answers_shown(page)
    support.check_page(page, "session ended", "intake-session-ended")
    page.go_forward()
    expect(page).to_have_url(neutral_site)


def test_pressing_shift_three_times_exits_too(at_safety, neutral_site):
    page = at_safety(viewport=support.PHONE)
    dots = page.locator("[data-exit-dots]")
    # Moving back through the questions with Shift+Tab, or Shift then another key, is not it.
    page.locator('[name="safety-ipv_afraid"][value="no"]').focus()
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Tab")
    expect(dots).to_have_text("")
    page.keyboard.press("Shift")
    expect(dots).to_have_text("•")
    page.wait_for_timeout(300)
    support.expect_step(page, "safety")  # still here

    page.keyboard.press("Shift")
    expect(dots).to_have_text("••")
    expect(page.locator("[data-exit-status]")).to_have_text("Shift key pressed 2 of 3 times.")
    page.keyboard.press("Shift")
    page.wait_for_url(neutral_site)
    page.go_back()
    assert_no_answers_shown(page)


def _box_on_screen(page: Page, box) -> None:
    """The question's top is on the screen, below the "Exit this page" bar (measured by the
    browser's layout, not by the page's script: this works without JavaScript too)."""
    top = box.bounding_box()["y"]
    bar = page.locator("[data-exit-this-page]").bounding_box()
    assert bar["y"] + bar["height"] <= top + 1 < page.viewport_size["height"], (bar, top)


def _panel_right_under(page: Page, question_id: str) -> bool:
    return page.locator(f'[data-question="{question_id}"] + [data-crisis-panel]').count() == 1


def _on_screen(page: Page, element) -> None:
    box = element.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], box


def test_a_yes_to_a_safety_question_shows_crisis_contacts_right_under_it(at_safety):
    page = at_safety(viewport=support.PHONE)
    address = page.url
    panel = page.locator("[data-crisis-panel]")
    expect(panel).to_be_hidden()
    page.locator('[name="safety-si_wish_dead"][value="no"]').check()
    expect(panel).to_be_hidden()

    last = page.locator('[data-question="unsafe_now"]')
    last.locator('[value="yes"]').check()  # the last question, far below the first
    expect(panel).to_be_visible()
    assert page.url == address  # the same page: nothing was sent yet
    assert _panel_right_under(page, "unsafe_now")
    _box_on_screen(page, last)  # the question is not pushed off the screen
    emergency = panel.locator(".crisis-list li").first
    expect(emergency).to_contain_text("911")  # the emergency number first
    expect(emergency).to_be_in_viewport()
    for contact in ("988", "1-800-SUICIDE"):
        expect(panel).to_contain_text(contact)
    expect(page.locator("[data-crisis-live]")).to_have_text(
        "Support contacts are shown below your answer."
    )
    support.check_page(page, "crisis contacts shown", "intake-crisis-contacts")

    # A yes further up: the contacts move under it, and it stays where it was on the screen.
    first = page.locator('[data-question="si_wish_dead"]')
    first.scroll_into_view_if_needed()
    first.locator('[value="yes"]').check()
    assert _panel_right_under(page, "si_wish_dead")
    _box_on_screen(page, first)
    expect(panel.locator(".crisis-list li").first).to_be_in_viewport()
    first.locator('[value="no"]').check()
    expect(panel).to_be_visible()  # once shown, the contacts stay


def test_without_javascript_saving_a_yes_shows_the_contacts_before_moving_on(at_safety):
    page = at_safety(viewport=support.PHONE, javascript=False)
    support.fill_step(page, "safety", {**ANSWERS, "unsafe_now": True})
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    support.expect_step(page, "safety")  # the same step again, saved
    panel = page.locator("[data-crisis-panel]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Your answers on this page are saved.")
    assert _panel_right_under(page, "unsafe_now")
    _box_on_screen(page, page.locator('[data-question="unsafe_now"]'))
    _on_screen(page, panel.locator(".crisis-list li").first)
    support.shoot(page, "intake-crisis-no-javascript")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    support.expect_step(page, "practical")


@pytest.fixture
def at_review(new_page):
    """A partner who has answered every step, on a phone or a desk, with their link open."""

    def open_review(**page_options):
        case = services.create_case(email_a="a@example.com", email_b="b@example.com")
        partner = case.couple.partner("a")
        seed_steps(partner, ANSWERS, steps_before("review"))
        page = new_page(**page_options)
        support.open_link(page, case.links["a"])
        support.expect_step(page, "review")
        return page, partner

    return open_review


@pytest.mark.parametrize("step_id", ["goals", "mood", "review"])
def test_exit_this_page_is_on_the_goals_mood_and_review_pages(at_review, step_id):
    page, _ = at_review()
    page.goto(f"/intake/{page.url.split('/')[-3]}/{step_id}/")
    support.expect_step(page, step_id)
    exit_button = page.get_by_role("link", name="Emergency Exit this page")
    expect(exit_button).to_be_in_viewport()
    # A keyboard and a mouse: the Shift shortcut is offered.
    expect(page.locator("[data-exit-hint]")).to_be_visible()
    page.locator("main").press("End")
    expect(exit_button).to_be_in_viewport()  # it stays at the top while scrolling
    support.check_page(page, f"{step_id} step", f"intake-exit-{step_id}")


def test_on_a_touch_screen_there_is_no_shift_hint(at_review):
    page, _ = at_review(viewport=support.PHONE, has_touch=True, is_mobile=True)
    expect(page.get_by_role("link", name="Emergency Exit this page")).to_be_in_viewport()
    expect(page.locator("[data-exit-hint]")).to_be_hidden()


def test_exit_saves_what_was_typed_first_and_the_clinic_is_told(at_review, neutral_site):
    from screening.models import UrgentAlert

    page, partner = at_review(viewport=support.PHONE)
    page.goto(page.url.replace("/review/", "/mood/"))
    support.expect_step(page, "mood")
    page.locator('[name="mood-phq9_9"][value="2"]').check()  # not sent: no button pressed
    expect(page.locator("[data-crisis-panel]")).to_be_visible()
    page.get_by_role("link", name="Emergency Exit this page").click()
    page.wait_for_url(neutral_site)

    partner.answer_set.refresh_from_db()
    assert partner.answer_set.answers["phq9_9"] == 2
    assert list(UrgentAlert.objects.filter(partner=partner).values_list("rule", flat=True)) == [
        "SI-2"
    ]
    page.go_back()
    assert_no_answers_shown(page)
