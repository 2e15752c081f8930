"""Errors in a real browser: on every step, pressing "Save and continue" with nothing answered
shows an error summary that is focused and announced, links each error to its field, and
passes axe-core; every error is said in words next to its field, not by colour alone."""

import re

from playwright.sync_api import expect

from intake import services
from intake.demo import make_answers
from tests.auth import current_code
from tests.browser import support
from tests.browser.support import STEP_IDS
from tests.factories import PASSWORD

SCREENSHOTS_OF_ERRORS = {"about", "mood", "review"}


def test_errors_on_every_step_are_announced_linked_to_their_fields_and_pass_axe(new_page):
    case = services.create_case(email_a="a@example.com", email_b="b@example.com")
    answers = make_answers()
    page = new_page()
    support.open_link(page, case.links["a"])

    for step_id in STEP_IDS:
        support.expect_step(page, step_id)
        button = "Submit my answers" if step_id == "review" else "Save and continue"
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
        support.expect_step(page, step_id)  # still here, with errors
        assert page.title().startswith("Error: ")

        summary = page.locator("[data-error-summary]")
        expect(summary).to_have_attribute("role", "alert")  # read out when the page loads
        expect(summary).to_be_focused()
        support.assert_focus_visible(page)
        if step_id in SCREENSHOTS_OF_ERRORS:
            support.check_page(page, "errors shown", f"intake-errors-{step_id}")
        else:
            support.assert_accessible(page, "errors shown")

        links = summary.locator("a")
        assert links.count() >= 1, step_id
        for index in range(links.count()):
            link = links.nth(index)
            target = link.get_attribute("href")
            assert re.fullmatch(r"#id_[\w-]+", target), target
            field = page.locator(target)
            link.click()
            expect(field).to_be_focused()
            expect(field).to_have_attribute("aria-invalid", "true")
            expect(field).to_be_in_viewport()
            question = field.locator("xpath=ancestor::*[@data-question][1]")
            expect(question.locator("label, legend").first).to_be_in_viewport()  # its wording
            # The message is in words next to the field, the same as in the summary.
            message = question.locator(".invalid-feedback")
            expect(message).to_be_visible()
            assert message.inner_text().strip() in link.inner_text()

        support.fill_step(page, step_id, answers)
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
    expect(page.locator("h1")).to_have_text("Thank you")


def _clinician_signs_in(page, user) -> None:
    page.goto("/clinic/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_label("6-digit code from your authenticator app").fill(current_code(user))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def test_the_worklist_queue_and_a_case_signed_off_as_not_ready_pass_axe(
    new_page, clinician_account
):
    """The queue as a worklist (names, appointment, assignee, "Assign to me", the new
    filters), the case page with the safe channels beside its urgent flag, and the sign-off
    form with its two outcomes, then the not-ready state: axe-core at phone and desk sizes."""
    from intake.demo import demo_document
    from screening import review

    couple = services.import_document(demo_document()).couple
    services.create_case(email_a="other@example.com")
    page = new_page()
    _clinician_signs_in(page, clinician_account)
    row = page.locator("table.queue-table tbody tr").first
    expect(row).to_contain_text("Sam")
    with page.expect_navigation():
        row.get_by_role("button", name=f"Assign to me case {couple.reference}").click()
    expect(row.locator("[data-assigned]")).to_contain_text("You")
    page.get_by_label("Assigned to").select_option("mine")
    page.get_by_label("Then sorted by").select_option("appointment")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.queue-table tbody tr")).to_have_count(1)
    support.check_page(page, "worklist queue", "clinic-queue-worklist")

    with page.expect_navigation():
        page.get_by_role("link", name=couple.reference).click()
    expect(page.locator('[data-safe-contact="a"]')).to_contain_text("sam@example.com")
    for item in review.missing_dispositions(couple):
        review.record_disposition(couple, item.key, "follow_up", "Phoned.", clinician_account)
    page.reload()
    support.check_page(page, "case with sign-off outcomes", "clinic-case-sign-off")
    page.get_by_label("If not ready: what further assessment is needed").fill(
        "A letter from the cardiologist."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Not ready: further assessment needed").click()
    expect(page.locator("[data-case-status]")).to_have_text("Not ready: further assessment needed")
    expect(page.locator('[data-signed-off="not_ready"]')).to_contain_text(
        "A letter from the cardiologist."
    )
    support.check_page(page, "case signed off as not ready", "clinic-case-not-ready")
