"""Case creation warns when both partners are given the same e-mail address, and sends both
links to it only once the clinician confirms."""

import pytest
from django.core import mail

from intake.models import Couple
from tests.intake.helpers import visible_text

pytestmark = pytest.mark.django_db

CONFIRM = 'name="same_address"'


def post_new_case(clinician, **data):
    fields = {"email_a": "", "email_b": "", "appointment_date": "", **data}
    return clinician.post("/clinic/cases/new/", fields, follow=True)


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def test_the_form_shows_no_confirmation_box_until_the_addresses_match(clinician):
    page = clinician.get("/clinic/cases/new/")
    assert 'type="checkbox" name="same_address"' not in page.content.decode()
    assert "Send both links to the same address" not in visible_text(page)


@pytest.mark.parametrize("email_b", ["home@example.com", " Home@Example.com "])
def test_the_same_address_twice_is_refused_without_confirmation(clinician, email_b):
    response = post_new_case(
        clinician, email_a="home@example.com", email_b=email_b, send_emails="on"
    )
    assert response.status_code == 200
    assert not Couple.objects.exists()
    assert mail.outbox == []
    errors = field_errors(response, "email_b")
    assert errors and "Both partners have the same e-mail address" in errors[0]
    html = response.content.decode()
    # next to partner B's address, with the box to confirm now shown and unticked
    b_field = html[html.index('name="email_b"') :]
    assert "Both partners have the same e-mail address" in b_field
    assert 'type="checkbox" name="same_address"' in html
    assert "Send both links to the same address" in visible_text(response)
    assert 'name="same_address" checked' not in html
    # nothing typed is lost
    assert 'value="home@example.com"' in html


def test_with_confirmation_both_links_go_to_that_address(clinician):
    response = post_new_case(
        clinician,
        email_a="home@example.com",
        email_b="home@example.com",
        send_emails="on",
        same_address="on",
    )
    couple = Couple.objects.get()
    assert response.redirect_chain[-1][0] == f"/clinic/cases/{couple.reference}/"
    assert sorted(m.to[0] for m in mail.outbox) == ["home@example.com", "home@example.com"]
    assert {p.email for p in couple.partners.all()} == {"home@example.com"}


def test_different_addresses_need_no_confirmation(clinician):
    post_new_case(clinician, email_a="a@example.com", email_b="b@example.com", send_emails="on")
    assert Couple.objects.count() == 1
    assert len(mail.outbox) == 2
