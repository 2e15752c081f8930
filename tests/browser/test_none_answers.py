""" "I take no medicines" and "I have no allergies" in a real browser: ticking the box puts the
list away (and unticking brings back what was typed); the pages pass axe-core."""

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from tests.browser import support
from tests.intake.helpers import seed_steps, steps_before

ANSWERS = make_answers()


def test_ticking_none_puts_the_list_away(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    partner = case.couple.partner("a")
    seed_steps(partner, ANSWERS, steps_before("medications"))
    page = new_page(viewport=support.PHONE)
    support.open_link(page, case.links["a"])
    support.expect_step(page, "medications")

    medicines = page.locator('[data-question="medications"]')
    expect(medicines).to_be_visible()
    medicines.locator("input").first.fill("Sertraline")
    page.get_by_label("I take no medicines").check()
    expect(medicines).to_be_hidden()
    support.check_page(page, "medicines step, none ticked", "intake-none-medicines")
    page.get_by_label("I take no medicines").uncheck()
    expect(medicines.locator("input").first).to_have_value("Sertraline")

    # Ticked again and saved: the rows left in the hidden list are not an answer (the box
    # said none), and no error asks about them.
    page.get_by_label("I take no medicines").check()
    support.fill_step(page, "medications", ANSWERS, only=["med_classes"])
    support.save_and_continue(page)
    support.expect_step(page, "mental_health")
    partner.answer_set.refresh_from_db()
    assert partner.answer_set.answers["no_medicines"] is True
    assert "medications" not in partner.answer_set.answers
