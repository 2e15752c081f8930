"""On a phone, in a real browser: the date of birth in day, month and year boxes, weight in
lb and height in feet and inches chosen beside their boxes, a live character count; what
is typed wrong is refused in Tandem's words; the review page shows what was typed."""

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from intake.models import Partner
from tests.browser import support
from tests.intake.helpers import seed_steps


def test_dates_units_and_counts_on_a_phone(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    page = new_page(viewport=support.PHONE)
    support.open_link(page, case.links["a"])
    support.expect_step(page, "about")

    # Typed as people do: "140 lbs" in the weight box with kg chosen, "5'10" for the height,
    # a day-first date in the day box.
    page.fill('[name="about-preferred_name"]', "Sam")
    page.fill('[name="about-date_of_birth_0"]', "15/07/1986")
    page.fill('[name="about-weight_kg_0"]', "140 lbs")
    page.fill('[name="about-height_cm_0"]', "5'10")
    page.check('[name="about-sex_for_scoring"][value="female"]')
    page.check('[name="about-safe_contact"][value="email"]')
    support.save_and_continue(page)
    support.expect_step(page, "about")
    text = support.visible_text(page)
    assert "Please give the day, month and year as numbers" in text
    assert "choose kg or lb beside the box" in text
    assert "choose cm or feet and inches beside the box" in text
    support.check_page(page, "about step with typing errors", "typed-values-errors")

    # The height's boxes follow the unit chosen: feet and inches replace centimetres.
    expect(page.locator('[name="about-height_cm_2"]')).to_be_hidden()
    page.select_option('[name="about-height_cm_1"]', "ft_in")
    expect(page.locator('[name="about-height_cm_0"]')).to_be_hidden()
    # Switched, the centimetres box keeps what was in it, out of sight (switching back shows
    # it); typing in the feet box clears it, so the page posts only what the partner sees.
    expect(page.locator('[name="about-height_cm_0"]')).to_have_value("5'10")
    page.fill('[name="about-height_cm_2"]', "5")
    expect(page.locator('[name="about-height_cm_0"]')).to_have_value("")
    page.fill('[name="about-height_cm_3"]', "10")
    page.fill('[name="about-weight_kg_0"]', "154")
    page.select_option('[name="about-weight_kg_1"]', "lb")
    page.fill('[name="about-date_of_birth_0"]', "15")
    page.fill('[name="about-date_of_birth_1"]', "7")
    page.fill('[name="about-date_of_birth_2"]', "1986")

    # A name close to its limit shows a count; over it, the count says so (nothing is cut).
    name = page.locator('[name="about-preferred_name"]')
    name.fill("S" * 201)
    expect(page.locator("#id_about-preferred_name_count")).to_have_text(
        "201 characters: 1 over the limit of 200. Please shorten it."
    )
    expect(name).to_have_value("S" * 201)
    support.shoot(page, "typed-values-filled")
    support.save_and_continue(page)
    expect(page.locator("#id_about-preferred_name_error")).to_contain_text(
        "This answer is 201 characters; the limit is 200. Please shorten it."
    )
    name.fill("Sam")
    support.save_and_continue(page)
    support.expect_step(page, "goals")

    partner = Partner.objects.get(public_id=case.couple.partner("a").public_id)
    answers = partner.answer_set.answers
    assert answers["date_of_birth"] == "1986-07-15"
    assert (answers["weight_kg"], answers["weight_unit"]) == (69.85, "lb")
    assert (answers["height_cm"], answers["height_unit"]) == (178, "ft_in")

    # Back on the step, the boxes hold what was typed.
    page.goto(page.url.replace("/goals/", "/about/"))
    expect(page.locator('[name="about-weight_kg_0"]')).to_have_value("154")
    expect(page.locator('[name="about-weight_kg_1"]')).to_have_value("lb")
    expect(page.locator('[name="about-height_cm_2"]')).to_have_value("5")
    expect(page.locator('[name="about-height_cm_3"]')).to_have_value("10")
    expect(page.locator('[name="about-date_of_birth_0"]')).to_have_value("15")

    # The review page says it the way it was typed, then in the stored units.
    rest = make_answers(**{k: v for k, v in answers.items() if k != "preferred_name"})
    seed_steps(partner, rest, [s for s in support.STEP_IDS if s not in ("about", "review")])
    page.goto(page.url.replace("/about/", "/review/"))
    text = support.visible_text(page)
    assert "154 lb (69.9 kg)" in text
    assert "5 ft 10 in (178 cm)" in text
    assert "15 July 1986" in text
    support.check_page(page, "review with units", "typed-values-review")

    # Months in month and year boxes: shown once the event is answered yes.
    page.goto(page.url.replace("/review/", "/physical/"))
    page.check('[name="physical-heart_attack"]')  # its box in the checklist
    month = page.locator('[name="physical-heart_attack_when_0"]')
    expect(month).to_be_visible()
    month.fill("13")
    page.fill('[name="physical-heart_attack_when_1"]', "2020")
    support.save_and_continue(page)
    expect(page.locator("#id_physical-heart_attack_when_error")).to_contain_text(
        "Please give the month as a number from 1 to 12."
    )
    support.check_page(page, "physical step with a month refused", "typed-values-month")
