"""A weight typed in pounds and a height in feet and inches are shown as typed, then in the
stored units, on the clinician's case page and in the prescriber PDF; answered dates are
shown as "15 July 1986". (The partner's review page: tests/browser/test_typed_values.py.)"""

import pytest
from django.test import TestCase

from intake import services
from screening.pdf import render_pdf
from tests.factories import case_url, realistic_document
from tests.intake.helpers import visible_text
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
    with TestCase.captureOnCommitCallbacks(execute=True):
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
