"""Sign-off has two outcomes: "ready for the prescriber", or "not ready: further assessment
needed" with a reason. The case page, the queue and the stored PDF say which; a case signed
off as not ready is signed off again later (docs/design.md, Sign-off)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from screening.models import AuditEntry, SignOff, SummaryPDF
from tests.dates import minute
from tests.intake.helpers import element_text, messages_shown
from tests.intake.helpers import visible_text as text

from .pdf_support import flat, pages_text

pytestmark = pytest.mark.usefixtures("media_in_tmp")  # stored summaries in tmp_path

REASON = "Cardiology letter about the 2026 stent is still to come; ask partner A's GP."
NOT_READY_BANNER = "NOT READY FOR THE PRESCRIBER: further assessment needed."


def sign_off(client, couple, outcome, note="", reason=""):
    return client.post(
        reverse("screening:sign_off", args=[couple.reference]),
        {"outcome": outcome, "note": note, "reason": reason},
    )


def queue_status(client, couple, **params) -> list[str]:
    """The status cell of this case's row in the queue (none when not listed)."""
    response = client.get(reverse("screening:queue"), params)
    return element_text(response, rf'data-status="{couple.reference}"')


def stored_cover(client, couple, version) -> tuple[str, list[str]]:
    response = client.get(reverse("screening:summary_version", args=[couple.reference, version]))
    assert response.status_code == 200
    pages = [flat(page) for page in pages_text(response.content)]
    return pages[0], pages


def test_not_ready_needs_a_reason_next_to_its_box_and_keeps_the_note(ready_case, clinician):
    response = sign_off(clinician, ready_case, "not_ready", note="Seen both partners.")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="signoff-reason-error"' in html
    assert "Say what further assessment is needed before the case is ready." in text(response)
    assert "Seen both partners.</textarea>" in html
    assert not SignOff.objects.exists()


def test_not_ready_then_ready_through_the_case_page_the_queue_and_the_pdf(
    ready_case, clinician, django_capture_on_commit_callbacks
):
    couple = ready_case
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_off(clinician, couple, "not_ready", reason=REASON)
    assert response.status_code == 302
    page = clinician.get(reverse("screening:case", args=[couple.reference]))
    assert "Signed off as not ready: further assessment needed." in messages_shown(page)[0]
    block = element_text(page, r'data-signed-off="not_ready"')[0]
    assert block.startswith("Signed off as not ready: further assessment needed by dr.lee on ")
    assert f"Further assessment needed: {REASON}" in block
    assert "Status: Not ready: further assessment needed" in text(page)
    # the case can be signed off again: the form is there, with both buttons
    assert "Sign off again when the assessment is done" in text(page)
    assert element_text(page, r"data-sign-off-form")
    assert "not ready ): current" in element_text(page, r"data-summaries")[0]

    assert queue_status(clinician, couple) == ["Not ready: further assessment needed"]
    assert queue_status(clinician, couple, status="not_ready") == [
        "Not ready: further assessment needed"
    ]
    assert queue_status(clinician, couple, status="ready") == []
    audit = AuditEntry.objects.filter(couple=couple, action=AuditEntry.Action.SIGNED_OFF).get()
    assert audit.data == {"outcome": "Not ready: further assessment needed"}

    # The worker made the summary anyway: page 1 says at once it is not ready, and why.
    cover, pages = stored_cover(clinician, couple, 1)
    assert cover.index(NOT_READY_BANNER) < cover.index("At a glance")
    assert f"Further assessment needed: {REASON}" in cover
    assert "Ready for the prescriber." not in cover
    for page_text in pages:
        assert (
            f"Confidential · case {couple.reference} · Prescriber summary · NOT READY: "
            "further assessment needed" in page_text
        )

    # Later: signed off again, as ready. The not-ready sign-off is kept, closed.
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(clinician, couple, "ready", note="Letter received: no concern.")
    first, second = SignOff.objects.order_by("at", "id")
    assert (first.outcome, second.outcome) == ("not_ready", "ready")
    assert first.reopened_at is not None and second.reopened_at is None
    assert SummaryPDF.objects.filter(couple=couple).count() == 2
    page = clinician.get(reverse("screening:case", args=[couple.reference]))
    block = element_text(page, r'data-signed-off="ready"')[0]
    assert block.startswith(
        f"Signed off as ready for the prescriber by dr.lee on {minute(second.at)}."
    )
    assert "Status: Ready for the prescriber" in text(page)
    assert not element_text(page, r"data-sign-off-form")  # reopen to change anything
    assert queue_status(clinician, couple) == ["Ready for the prescriber"]
    assert queue_status(clinician, couple, status="not_ready") == []

    cover, pages = stored_cover(clinician, couple, 2)
    assert "Ready for the prescriber. Signed off" in cover
    assert "Clinician's note: Letter received: no concern." in cover
    assert "NOT READY" not in " ".join(pages)


def test_a_ready_case_cannot_be_signed_off_not_ready_without_reopening(ready_case, clinician):
    sign_off(clinician, ready_case, "ready", note="Fine.")
    response = clinician.get(reverse("screening:case", args=[ready_case.reference]), follow=True)
    assert not element_text(response, r"data-sign-off-form")
    response = sign_off(clinician, ready_case, "not_ready", reason="Second thoughts.")
    page = clinician.get(reverse("screening:case", args=[ready_case.reference]))
    assert "This case is already signed off." in messages_shown(page)
    assert list(SignOff.objects.values_list("outcome", flat=True)) == ["ready"]


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_not_ready_without_a_reason_is_told_next_to_the_reason_box(ready_case, clinician, reason):
    response = sign_off(clinician, ready_case, "not_ready", note="Seen both.", reason=reason)
    assert response.status_code == 400
    assert element_text(response, r'id="signoff-reason-error"') == [
        "Say what further assessment is needed before the case is ready."
    ]
    assert not element_text(response, r'id="signoff-note-error"')
    assert not SignOff.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGNED_OFF).exists()


def test_a_reason_too_long_is_told_its_length_not_that_it_is_missing(ready_case, clinician):
    response = sign_off(clinician, ready_case, "not_ready", note="Seen both.", reason="x" * 2001)
    assert response.status_code == 400
    [shown] = element_text(response, r'id="signoff-reason-error"')
    assert "2001" in shown and "further assessment" not in shown
    assert not SignOff.objects.exists()
