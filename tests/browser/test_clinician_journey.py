"""A clinician in a real browser: signs in (password, then the authenticator code), finds the
case in the queue, records what was done for every flag, signs off and downloads the PDF."""

import io
import re

import pypdf
from playwright.sync_api import expect

from intake import services
from intake.demo import demo_document
from screening import review
from screening.models import Disposition
from tests.auth import current_code
from tests.browser import support
from tests.factories import PASSWORD

SIGN_OFF_NOTE = "Discussed the urgent items with both partners; ready for the prescriber."


def test_clinician_signs_in_reviews_every_flag_signs_off_and_reads_the_pdf(
    new_page, clinician_account
):
    couple = services.import_document(demo_document()).couple
    services.create_case(email_a="other@example.com")  # another case in the queue
    items = review.missing_dispositions(couple)
    assert len(items) >= 3
    page = new_page()

    # Sign in: password, then the code from the authenticator app.
    page.goto("/clinic/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/clinic/$"))
    support.check_page(page, "login", "clinic-login")
    page.get_by_label("Username").fill(clinician_account.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Two-factor sign-in")
    support.check_page(page, "two-factor code", "clinic-two-factor")
    page.get_by_label("6-digit code from your authenticator app").fill(
        current_code(clinician_account)
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    # The queue: the case with open urgent items first, said in words, not only in colour.
    expect(page.locator("h1")).to_have_text("Cases")
    first_row = page.locator("table.queue-table tbody tr").first
    expect(first_row.get_by_role("link", name=couple.reference)).to_be_visible()
    expect(first_row).to_contain_text("Urgent: act today")
    support.check_page(page, "queue", "clinic-queue")
    with page.expect_navigation():
        first_row.get_by_role("link", name=couple.reference).click()
    expect(page.locator("h1")).to_have_text(f"Case {couple.reference}")
    expect(page.locator("[data-missing] li")).to_have_count(len(items))
    support.check_page(page, "case", "clinic-case")

    # A disposition for every flag, each with its own note, outcomes in turn: each saved in
    # place (the flag folds to what was recorded), the next open flag's form comes next.
    outcomes = [label for _, label in Disposition.Outcome.choices]
    forms = page.locator("article.flag-open form.disposition-form")
    expect(forms).to_have_count(len(items))
    for number in range(len(items)):
        form = forms.first
        flag = form.locator("xpath=ancestor::article[@data-flag][1]")
        rule = flag.get_attribute("data-flag")
        form.get_by_label(outcomes[number % len(outcomes)], exact=True).check()
        form.get_by_label("Note", exact=True).fill(f"Followed up {rule} by phone.")
        form.get_by_role("button", name="Record").click()
        done = page.locator(f'article[data-flag="{rule}"].flag-done')
        expect(done.locator("[data-flag-notice]")).to_have_text("Disposition recorded.")
        expect(done.locator("[data-disposition]")).to_contain_text(f"Followed up {rule} by phone.")
        expect(forms).to_have_count(len(items) - number - 1)
    expect(page.locator("[data-missing]")).to_have_count(0)
    expect(page.get_by_text("No disposition yet.")).to_have_count(0)

    page.get_by_label("Summary note for the prescriber").fill(SIGN_OFF_NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Mark ready for the prescriber").click()
    expect(page.locator("[data-case-status]")).to_have_text("Ready for the prescriber")
    expect(page.locator("[data-signed-off]")).to_contain_text("Robin Lee")
    support.check_page(page, "case signed off", "clinic-case-signed-off")

    # The PDF made at sign-off: downloaded, and its text read.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="version 1").click()
    download = download_info.value
    assert download.suggested_filename == f"{couple.reference}-summary-v1.pdf"
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(
        page_.extract_text() or "" for page_ in pypdf.PdfReader(io.BytesIO(content)).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert couple.reference in text
    assert "Confidential" in text
    assert SIGN_OFF_NOTE in text
    for item in items:
        assert f"Followed up {item.rule} by phone." in text

    with page.expect_navigation():
        page.get_by_role("link", name="Audit log").click()
    expect(page.locator("h1")).to_have_text(f"Audit log of case {couple.reference}")
    for action in ("Signed off", "Summary PDF downloaded", "Disposition recorded"):
        expect(page.locator("tbody")).to_contain_text(action)
    support.check_page(page, "audit log", "clinic-audit-log")

    page.goto("/clinic/cases/new/")
    support.check_page(page, "new case", "clinic-new-case")
