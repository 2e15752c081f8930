"""A weight typed in pounds and a height in feet and inches are shown as typed, then in the
stored units, on the clinician's case page and in the prescriber PDF; answered dates are
shown as "15 July 1986". (The partner's review page: tests/browser/test_typed_values.py.)"""

import pytest

from intake import services
from intake.demo import make_answers
from intake.models import Partner
from screening.pdf import render_pdf
from tests.factories import case_url, committed, realistic_document
from tests.intake.helpers import (
    STEP_IDS,
    post_step,
    step_url,
    stored_answers,
    summary_errors,
    visible_text,
)
from tests.intake.typed_support import LB_AND_FEET_BOXES
from tests.screening.pdf_support import flat, pages_text

pytestmark = pytest.mark.django_db

TYPED = {
    "weight_kg": 69.85,
    "weight_unit": "lb",
    "height_cm": 178,
    "height_unit": "ft_in",
    "date_of_birth": "1986-07-15",
}


def test_units_typed_and_dates_are_shown_on_the_case_page_and_in_the_pdf(clinician):
    with committed():
        couple = services.import_document(
            realistic_document(a=TYPED), created_by=clinician.user
        ).couple
    page = visible_text(clinician.get(case_url(couple)))
    assert "154 lb (69.9 kg)" in page
    assert "5 ft 10 in (178 cm)" in page
    assert "15 July 1986" in page
    assert "Weight typed in" not in page  # the unit is shown with its number, not on its own

    cover = flat(pages_text(render_pdf(couple, draft=True), first=1)[0])
    assert "5 ft 10 in (178 cm), 154 lb (69.9 kg)" in cover
    assert "(born 15 July 1986)" in cover
    # Partner B typed kilograms and centimetres: shown in them alone.
    b = couple.partner("b").answer_set.answers
    assert f"{b['height_cm']} cm, {b['weight_kg']} kg" in cover


def test_a_weight_and_height_typed_by_a_partner_are_shown_as_typed_everywhere(
    partner_a, clinician, new_case
):
    """Typed in the step form as a partner posts it (154 with lb chosen, 5 ft 10 in), then
    submitted: the review page, the clinic's case page and the PDF show what was typed, then
    the stored kg and cm."""
    answers = make_answers()
    typed = LB_AND_FEET_BOXES
    rest = {k: v for k, v in answers.items() if k not in ("weight_kg", "height_cm")}
    for step_id in STEP_IDS[:-1]:
        response = post_step(partner_a, step_id, rest, extra=typed if step_id == "about" else {})
        assert response.status_code == 302, (step_id, summary_errors(response))
    stored = stored_answers(partner_a.partner)
    assert (stored["weight_kg"], stored["weight_unit"]) == (69.85, "lb")
    assert (stored["height_cm"], stored["height_unit"]) == (178, "ft_in")

    review_page = visible_text(partner_a.get(step_url(partner_a, "review")))
    assert "154 lb (69.9 kg)" in review_page
    assert "5 ft 10 in (178 cm)" in review_page
    with committed():
        response = post_step(partner_a, "review", answers)
    assert response.status_code == 302, summary_errors(response)
    assert Partner.objects.get(pk=partner_a.partner.pk).is_submitted

    case_page = visible_text(clinician.get(case_url(new_case.couple)))
    assert "154 lb (69.9 kg)" in case_page
    assert "5 ft 10 in (178 cm)" in case_page
    cover = flat(pages_text(render_pdf(new_case.couple, draft=True), first=1)[0])
    assert "5 ft 10 in (178 cm), 154 lb (69.9 kg)" in cover
