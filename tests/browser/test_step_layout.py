"""The shorter way through, in a real browser on a phone: medicines as cards, the history
checklists, hints above their boxes, and "Change" from the review page coming back to it.
axe-core checks each of these pages as changed."""

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from intake.models import AnswerSet
from tests.browser import support
from tests.intake.helpers import seed_steps, steps_before


def _partner_at(new_page, step_id: str, answers=None):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    partner = case.couple.partner("a")
    seed_steps(partner, answers or make_answers(), steps_before(step_id))
    page = new_page(viewport=support.PHONE)
    support.open_link(page, case.links["a"])
    support.expect_step(page, step_id)
    return page, partner


def test_medicines_are_cards_on_a_phone(new_page):
    page, partner = _partner_at(new_page, "medications")
    cards = page.locator("[data-med-row]:visible")
    expect(cards).to_have_count(1)  # one empty card to start with
    card = cards.first
    for label in ("Medicine 1", "Dose 1", "How often 1"):
        expect(card.get_by_label(label, exact=True)).to_be_visible()
    name, dose = card.get_by_label("Medicine 1"), card.get_by_label("Dose 1")
    often = card.get_by_label("How often 1")
    # The name on its own line, dose and how often side by side, all inside the screen.
    assert name.bounding_box()["y"] < dose.bounding_box()["y"]
    assert dose.bounding_box()["y"] == often.bounding_box()["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= support.PHONE["width"]
    expect(page.locator(".med-headings")).to_be_hidden()
    name.fill("Sertraline")
    dose.fill("50 mg")
    often.fill("once a day")
    page.get_by_role("button", name="Add another medicine").click()
    second = page.get_by_label("Medicine 2", exact=True)
    expect(second).to_be_focused()
    second.fill("Vitamin D")
    support.check_page(page, "step medications, cards", "layout-medicine-cards")
    support.fill_step(page, "medications", {"med_classes": ["ssri_snri"]})
    support.save_and_continue(page)
    support.expect_step(page, "mental_health")
    saved = AnswerSet.objects.get(partner=partner).answers["medications"]
    assert saved == [
        {"name": "Sertraline", "dose": "50 mg", "frequency": "once a day"},
        {"name": "Vitamin D", "dose": "", "frequency": ""},
    ]


def test_a_history_checklist_opens_follow_ups_and_none_clears_it(new_page):
    page, partner = _partner_at(new_page, "physical")
    heart = page.get_by_label("A heart attack", exact=True)
    when = page.locator('[data-question="heart_attack_when"]')
    expect(when).to_be_hidden()
    heart.check()
    expect(when).to_be_visible()  # under its box
    assert when.bounding_box()["y"] > heart.bounding_box()["y"]
    none = page.locator('[name="physical-aneurysm_avm__none"]')
    none.check()
    expect(heart).not_to_be_checked()
    expect(when).to_be_hidden()
    heart.check()
    expect(none).not_to_be_checked()
    # A hint stands above the box it explains.
    hint = page.locator("#id_physical-allergies_helptext")
    box = page.locator("#id_physical-allergies")
    assert hint.bounding_box()["y"] < box.bounding_box()["y"]
    support.check_page(page, "step physical, checklist", "layout-checklist")


def test_change_from_the_review_comes_back_to_it(new_page):
    answers = make_answers()
    page, partner = _partner_at(new_page, "review", answers)
    page.get_by_role("link", name="Change Your mental health history").click()
    support.expect_step(page, "mental_health")
    support.check_page(page, "step changed from the review", "layout-change-from-review")
    page.get_by_label("Several days in a row", exact=False).check()
    mania_now = page.locator('[data-question="mania_now"]')
    expect(mania_now).to_be_visible()  # the question the change opened, under its box
    mania_now.locator('[value="no"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to review").click()
    support.expect_step(page, "review")  # not the steps after mental health
    review = support.visible_text(page)
    assert "Several days in a row when your mood or energy was unusually high" in review
    stored = AnswerSet.objects.get(partner=partner).answers
    assert stored["mania_ever"] is True and stored["mania_now"] is False
