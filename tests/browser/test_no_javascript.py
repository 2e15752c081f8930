"""Without JavaScript a partner still completes and submits the whole questionnaire: the
conditional questions are all on the page (with a note saying when they apply), and a
safety answer that raises the crisis contacts brings its step back with them before moving on."""

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from intake.models import Partner
from tests.browser import support
from tests.browser.support import STEP_IDS


def test_without_javascript_a_partner_completes_and_submits_the_questionnaire(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    answers = make_answers(
        preferred_name="Noor",
        heart_attack=True,
        heart_attack_when="2019-08",
        si_wish_dead=True,  # an alerting answer: the contacts are shown before moving on
    )
    page = new_page(viewport=support.PHONE, javascript=False)
    support.open_link(page, case.links["a"])
    expect(page.locator('input[name="js"]')).to_have_count(0)  # app.js did not run

    for step_id in STEP_IDS:
        support.expect_step(page, step_id)
        if step_id == "physical":
            # Every question is shown; those that depend on an answer say so.
            notes = page.locator("[data-when-note]")
            expect(notes.first).to_be_visible()
            # A follow-up under a checklist's box names the box.
            expect(notes.first).to_have_text("Only if you ticked “A heart attack”.")
            expect(page.locator('[name="physical-heart_attack_when_0"]')).to_be_visible()
            support.shoot(page, "intake-no-javascript-04-physical")
        support.fill_step(page, step_id, answers)
        button = "Submit my answers" if step_id == "review" else "Save and continue"
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
        if step_id == "safety":  # si_wish_dead: the contacts first, under the answer
            support.expect_step(page, step_id)
            panel = page.locator("[data-crisis-panel]")
            expect(panel).to_be_visible()
            expect(panel).to_contain_text("988")
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()

    expect(page.locator("h1")).to_have_text("Thank you")
    partner = Partner.objects.get(pk=case.couple.partner("a").pk)
    assert partner.status == Partner.Status.SUBMITTED
    assert partner.submissions.get().answers == answers
