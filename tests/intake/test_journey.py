import pytest

from intake.demo import make_answers
from intake.models import Partner
from intake.questionnaire import CURRENT
from tests.intake.journey import complete_questionnaire, step_url

pytestmark = pytest.mark.django_db


def test_partner_a_completes_the_whole_questionnaire(partner_a):
    answers = make_answers(
        heart_attack=True,
        heart_attack_when="2025-11",
        ptsd_event=True,
        pcptsd_1=True,
        pcptsd_2=False,
        pcptsd_3=True,
        pcptsd_4=False,
        pcptsd_5=False,
    )
    response = complete_questionnaire(partner_a, answers)
    assert response["Location"] == f"/intake/{partner_a.partner.public_id}/submitted/"
    page = partner_a.get(response["Location"])
    assert "Your answers have been sent" in page.content.decode()
    partner = Partner.objects.get(pk=partner_a.partner.pk)
    assert partner.status == Partner.Status.SUBMITTED
    submission = partner.submissions.get()
    assert submission.answers == answers


def test_progress_shows_step_number_name_and_bar(partner_a):
    page = partner_a.get(step_url(partner_a, "about")).content.decode()
    assert "Step 1 of 12" in page
    assert "<h1>About you</h1>" in page
    assert '<progress max="12" value="1"' in page
    complete_questionnaire(partner_a, make_answers(), submit=False)
    page = partner_a.get(step_url(partner_a, "mood")).content.decode()
    assert "Step 7 of 12" in page
    assert CURRENT.step("mood").title in page
