"""Partners in a real browser: a whole questionnaire on a phone (one step by keyboard alone),
and a partner who stops half-way and comes back in another browser."""

import pytest
from playwright.sync_api import Page, expect

from intake import services
from intake.demo import make_answers
from intake.models import Partner
from intake.questionnaire import CURRENT
from tests.browser import support
from tests.browser.support import STEP_IDS
from tests.intake.helpers import seed_steps, steps_before

KEYBOARD_STEP = "relationship"


def answer_by_keyboard(page: Page, step_id: str, answers: dict) -> list[dict]:
    """Answer a step with Tab, typing, Space and the arrow keys only; submit with Enter.

    Every control that gets focus must show it. Returns how focus was drawn on each.
    """
    step = CURRENT.step(step_id)
    rings = []
    page.locator("body").focus()  # start from the top of the page, as after it loads
    for question in step.questions:
        name = support.field_name(step, question)
        for _ in range(15):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.name") == name:
                break
        else:
            pytest.fail(f"Tab never reached {name}")
        rings.append(support.assert_focus_visible(page))
        value = answers[question.id]
        kind = page.evaluate("() => document.activeElement.type")
        if kind == "radio":
            options = page.locator(f'[name="{name}"]').evaluate_all(
                "(radios) => radios.map((radio) => radio.value)"
            )
            page.keyboard.press("Space")  # choose the first option...
            for _ in range(options.index(support.choice_value(question, value))):
                page.keyboard.press("ArrowDown")  # ...then move to the answer
            rings.append(support.assert_focus_visible(page))
        else:
            page.keyboard.type(str(value))
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Save and continue")
    rings.append(support.assert_focus_visible(page))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return rings


def test_partner_a_answers_every_step_on_a_phone_one_by_keyboard_alone(new_page, settings):
    # A clinic as it is set up (as bench/journey.py measures it): its name and phone number.
    settings.CLINIC_NAME, settings.CLINIC_CONTACT = "Harbour Couples Clinic", "604 555 0123"
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    answers = support.typical_history()
    screens = []  # how many phone screens each page is, filled in (as bench/journey.py counts)
    page = new_page(viewport=support.PHONE)
    support.open_link(page, case.links["a"])

    for number, step_id in enumerate(STEP_IDS, start=1):
        support.expect_step(page, step_id)
        expect(page.locator(".step-count")).to_have_text(f"Step {number} of {len(STEP_IDS)}")
        name = f"intake-{number:02d}-{step_id}"
        support.check_page(page, "review" if step_id == "review" else f"step {step_id}", name)
        if step_id == KEYBOARD_STEP:
            screens.append(support.phone_screens(page))  # nothing on it opens more questions
            rings = answer_by_keyboard(page, step_id, answers)
            assert len(rings) >= 8  # the number, two yes/no questions, four scales, the button
            continue
        if step_id == "review":
            review = support.visible_text(page)
            for shown in ("Sam", "Sertraline – 50 mg – once a day", "Weekday mornings"):
                assert shown in review
        support.fill_step(page, step_id, answers)
        screens.append(support.phone_screens(page))
        if step_id == "review":
            with page.expect_navigation():
                page.get_by_role("button", name="Submit my answers").click()
        else:
            support.save_and_continue(page)

    expect(page.locator("h1")).to_have_text("Thank you")
    support.check_page(page, "submitted", "intake-13-submitted")
    screens.append(support.phone_screens(page))
    # The whole way through, for a typical history: at most 30 phone screens of scrolling
    # (bench/README.md, "The way through on a phone").
    assert len(screens) == len(STEP_IDS) + 1
    assert sum(screens) <= 30, [round(n, 2) for n in screens]
    partner = Partner.objects.get(pk=case.couple.partner("a").pk)
    assert partner.status == Partner.Status.SUBMITTED
    assert partner.submissions.get().answers == answers


HALF_WAY = STEP_IDS.index("mental_health")
TYPED_ON_THE_LAST_STEP = ["conditions_told", "current_care"]  # not the checklist


def test_partner_b_stops_half_way_and_finds_everything_in_a_new_browser(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    answers = make_answers(
        preferred_name="Alex",
        pronouns="they/them",
        goals_self="Sleep better, and argue less.",
        relationship_years=12,
        csi_1=5,
        medications=[
            {"name": "Lorazepam", "dose": "1 mg", "frequency": "when needed"},
            {"name": "Ibuprofen", "dose": "200 mg", "frequency": "twice a day"},
        ],
        conditions_told=["depression", "ptsd"],
        mania_ever=True,
        mania_now=False,
    )
    first = new_page()
    support.open_link(first, case.links["b"])
    for step_id in STEP_IDS[:HALF_WAY]:
        support.expect_step(first, step_id)
        support.fill_step(first, step_id, answers)
        support.save_and_continue(first)
    # Half of the next step, then "Back" (it saves too), and the browser is closed.
    support.expect_step(first, STEP_IDS[HALF_WAY])
    support.fill_step(first, STEP_IDS[HALF_WAY], answers, only=TYPED_ON_THE_LAST_STEP)
    with first.expect_navigation():
        first.get_by_role("button", name="Back").click()
    first.context.close()

    again = new_page()
    support.open_link(again, case.links["b"])
    support.expect_step(again, STEP_IDS[HALF_WAY])  # where they stopped
    support.assert_step_shows(again, STEP_IDS[HALF_WAY], answers, only=TYPED_ON_THE_LAST_STEP)
    history = again.locator("[data-checklist]")
    expect(history.locator("input:checked")).to_have_count(0)
    # What is left is marked, not shown as errors.
    expect(again.locator("[data-step-unfinished]")).to_contain_text("not finished this step yet")
    expect(again.locator("[data-error-summary]")).to_have_count(0)
    expect(history.locator("[data-not-answered]")).to_have_text("Not answered yet")
    support.check_page(again, "step mental_health, resumed", "intake-resumed")
    again.get_by_label("You stayed in a hospital for your mental health").check()
    expect(history.locator("[data-not-answered]")).to_be_hidden()  # answered now
    for step_id in reversed(STEP_IDS[:HALF_WAY]):
        with again.expect_navigation():
            again.get_by_role("button", name="Back").click()
        support.expect_step(again, step_id)
        support.assert_step_shows(again, step_id, answers)
    partner = Partner.objects.get(pk=case.couple.partner("b").pk)
    assert partner.status == Partner.Status.IN_PROGRESS
    # Ticking a box answered the history list: the first "Back" saved the step complete.
    assert partner.steps_completed == HALF_WAY + 1


def test_a_box_to_tick_stays_marked_until_it_is_ticked(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    answers = make_answers(escort_name="Kim Ito")
    seed_steps(case.couple.partner("a"), answers, steps_before("practical"))
    page = new_page()
    support.open_link(page, case.links["a"])
    support.expect_step(page, "practical")
    support.fill_step(page, "practical", answers, only=["escort_name", "escort_is_partner"])
    with page.expect_navigation():
        page.get_by_role("button", name="Back").click()
    page.goto(page.url.rsplit("/", 2)[0] + "/practical/")
    support.expect_step(page, "practical")

    consent = page.locator('[data-question="consent_share"] [data-not-answered]')
    expect(consent).to_be_visible()
    page.locator('[name="practical-availability"]').fill("Mornings")
    page.locator('[name="practical-availability"]').blur()  # a change elsewhere on the page
    expect(consent).to_be_visible()
    page.locator('[name="practical-consent_share"]').check()
    expect(consent).to_be_hidden()
    page.locator('[name="practical-consent_share"]').uncheck()
    expect(consent).to_be_visible()
