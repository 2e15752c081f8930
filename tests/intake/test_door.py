"""The partner's door: the start page, consent before any answer (agree, decline, a new
notice version), the resume code on a shared device, the session's end, and no-store."""

from __future__ import annotations

import dataclasses
import datetime
import io

import pypdf
import pytest
from django.test import Client, override_settings
from freezegun import freeze_time
from pypdf.generic import BooleanObject

from intake import consent as consents
from intake.demo import make_answers
from intake.door import estimated_minutes
from intake.models import AnswerSet, Consent, Partner
from intake.questionnaire import CURRENT
from screening.models import AuditEntry
from tests.dates import minute
from tests.factories import RESUME_CODE, link_path, open_link, pass_door
from tests.intake.helpers import html_of, post_step, step_url, visible_text

pytestmark = pytest.mark.django_db

CLINIC = {"CLINIC_NAME": "Riverside Couples Clinic", "CLINIC_CONTACT": "604-555-0100"}


def arrive(link: str) -> Client:
    """A new browser that opened the link and stopped at the first door page."""
    client = Client()
    open_link(client, link, door=False)
    return client


def path_of(response) -> str:
    return response.request["PATH_INFO"]


def saved_answers(partner: Partner) -> dict:
    return AnswerSet.objects.get(partner=partner).answers


@override_settings(**CLINIC)
def test_the_start_page_says_who_why_how_long_and_what_to_have(new_case):
    partner = new_case.couple.partner("a")
    client = Client()
    landing = open_link(client, new_case.links["a"], door=False)
    assert path_of(landing) == f"/intake/{partner.public_id}/start/"
    text = visible_text(landing)
    fewest, most = estimated_minutes(CURRENT)
    assert f"About {fewest} to {most} minutes" in text
    assert "Riverside Couples Clinic" in text and "604-555-0100" in text
    assert "medicines you take" in text and "blood-pressure reading" in text
    assert "saved each time you press a button" in text
    # The estimate comes from the questions: fewer steps, fewer minutes.
    shorter = dataclasses.replace(CURRENT, steps=CURRENT.steps[:3], _by_id={})
    assert estimated_minutes(shorter)[1] < most
    # Every partner page names the clinic and how to reach it, the questionnaire's too.
    step = pass_door(client, landing)
    assert path_of(step) == step_url(partner, "about")
    assert "Contact Riverside Couples Clinic: 604-555-0100" in visible_text(step)


def test_no_question_is_shown_or_saved_before_consent(new_case):
    partner = new_case.couple.partner("a")
    client = arrive(new_case.links["a"])
    for url in (step_url(partner, "about"), f"/intake/{partner.public_id}/"):
        response = client.get(url, follow=True)
        assert path_of(response) == f"/intake/{partner.public_id}/start/"
    posted = client.post(step_url(partner, "about"), {"about-preferred_name": "Early"})
    assert posted.status_code == 302
    assert saved_answers(partner) == {}
    # Consent, choose the code: the first question.
    consent_page = client.get(f"/intake/{partner.public_id}/consent/")
    text = visible_text(consent_page)
    assert "never sees them" in text  # the other partner
    assert "serious risk of harm" in text and "child may be at risk" in text
    assert "court or the law" in text
    assert "not read as you type" in text and "emergency" in text
    assert "within one working day" in text  # the clinic's urgent response time
    assert "10 years" in text  # how long records are kept


@pytest.mark.parametrize("label", ["a", "b"])
def test_agreeing_records_the_version_time_link_and_joint_session_choice(
    new_case, clinician, label
):
    partner = new_case.couple.partner(label)
    client = arrive(new_case.links[label])
    url = f"/intake/{partner.public_id}/consent/"
    refused = client.post(url, {"joint_sessions": "no"})
    assert refused.status_code == 200
    assert "Tick the box to agree" in visible_text(refused)
    assert "Type your name to agree" in visible_text(refused)
    assert not Consent.objects.exists()
    agreed = client.post(
        url, {"agree": "on", "typed_name": "  Robin  Lee ", "joint_sessions": "no"}, follow=True
    )
    assert path_of(agreed) == f"/intake/{partner.public_id}/code/"
    consent = Consent.objects.get(partner=partner)
    assert (consent.decision, consent.version, consent.typed_name) == ("accepted", "1", "Robin Lee")
    assert consent.joint_sessions is False
    assert consent.link_issue == Partner.objects.get(pk=partner.pk).token_hash[:16]
    assert "Before you start" in consent.text and "10 years" in consent.text
    case_page = visible_text(clinician.get(f"/clinic/cases/{new_case.couple.reference}/"))
    assert "typed name “Robin Lee”" in case_page
    assert "Do not refer to their answers (private answers never)" in case_page
    other = "b" if label == "a" else "a"
    assert not Consent.objects.filter(partner__label=other).exists()


def test_declining_collects_nothing_and_the_other_partner_is_not_told(
    new_case, clinician, partner_b
):
    partner = new_case.couple.partner("a")
    client = arrive(new_case.links["a"])
    declined = client.post(f"/intake/{partner.public_id}/consent/", {"decline": "1"}, follow=True)
    assert "You chose not to agree" in visible_text(declined)
    assert "Nothing more is asked or saved" in visible_text(declined)
    assert Consent.objects.get(partner=partner).decision == "declined"
    # The link collects nothing: no step is shown, a posted one is not saved.
    assert path_of(client.get(step_url(partner, "about"), follow=True)).endswith("/start/")
    post = client.post(step_url(partner, "about"), {"about-preferred_name": "Kept?"})
    assert post.status_code == 302 and saved_answers(partner) == {}
    assert not Partner.objects.get(pk=partner.pk).resume_code_hash
    case_page = visible_text(clinician.get(f"/clinic/cases/{new_case.couple.reference}/"))
    assert "Declined" in case_page and "nothing else is collected" in case_page
    # Partner B's pages say nothing of it.
    for url in (step_url(partner_b, "about"), f"/intake/{partner_b.partner.public_id}/start/"):
        assert "declin" not in html_of(partner_b.get(url)).lower()
    # A partner who changes their mind reads the notice again and agrees.
    again = pass_door(client, client.get(f"/intake/{partner.public_id}/consent/", follow=True))
    assert path_of(again) == step_url(partner, "about")


def test_a_new_notice_version_asks_again_at_the_next_visit(new_case, monkeypatch, clinician):
    partner = new_case.couple.partner("a")
    client = Client()
    open_link(client, new_case.links["a"])
    post_step(client_with(client, partner), "about", make_answers(preferred_name="Robin"))
    second = dataclasses.replace(consents.NOTICES["1"], version="2", published="2027-01-01")
    monkeypatch.setitem(consents.NOTICES, "2", second)
    asked = client.get(step_url(partner, "goals"), follow=True)
    assert path_of(asked) == f"/intake/{partner.public_id}/consent/"
    assert "This notice has changed" in visible_text(asked)
    assert "Notice version 2, 1 January 2027." in visible_text(asked)
    case_page = visible_text(clinician.get(f"/clinic/cases/{new_case.couple.reference}/"))
    assert "(notice v1)" in case_page
    back = pass_door(client, asked)
    assert path_of(back) == step_url(partner, "goals")
    assert list(partner.consents.values_list("version", flat=True)) == ["2", "1"]


def client_with(client: Client, partner: Partner) -> Client:
    client.partner = partner
    return client


# --- the resume code ------------------------------------------------------------------------


def test_a_new_browser_sees_nothing_without_the_resume_code(new_case):
    partner = new_case.couple.partner("a")
    first = client_with(Client(), partner)
    open_link(first, new_case.links["a"])
    post_step(first, "about", make_answers(preferred_name="Quillon"))
    assert Partner.objects.get(pk=partner.pk).resume_code_hash.startswith("md5$")  # hashed
    assert RESUME_CODE not in Partner.objects.get(pk=partner.pk).resume_code_hash
    other = Client()
    landing = open_link(other, new_case.links["a"], door=False)
    assert path_of(landing) == f"/intake/{partner.public_id}/unlock/"
    for url in (
        step_url(partner, "about"),
        f"/intake/{partner.public_id}/start/",
        f"/intake/{partner.public_id}/consent/",
        f"/intake/{partner.public_id}/consent.pdf",
        f"/intake/{partner.public_id}/code/",
    ):
        response = other.get(url, follow=True)
        assert path_of(response) == f"/intake/{partner.public_id}/unlock/", url
        assert "Quillon" not in html_of(response)
    assert other.get(f"/intake/{partner.public_id}/alive/").status_code == 403
    unlocked = other.post(
        f"/intake/{partner.public_id}/unlock/", {"code": RESUME_CODE}, follow=True
    )
    assert path_of(unlocked) == step_url(partner, "goals")
    assert "Quillon" in html_of(other.get(step_url(partner, "about")))


@override_settings(RESUME_CODE_ATTEMPTS=3)
def test_wrong_codes_lock_the_link_until_a_clinician_resets_it(new_case, clinician):
    partner = new_case.couple.partner("a")
    owner = client_with(Client(), partner)
    open_link(owner, new_case.links["a"])
    post_step(owner, "about", make_answers(preferred_name="Quillon"))
    guesser = arrive(new_case.links["a"])
    unlock = f"/intake/{partner.public_id}/unlock/"
    wrong = guesser.post(unlock, {"code": "guess-1"})
    assert "This is not the code. 2 more tries" in visible_text(wrong)
    guesser.post(unlock, {"code": "guess-2"})
    locked = guesser.post(unlock, {"code": "guess-3"})
    assert locked.status_code == 403
    assert "This link is locked" in visible_text(locked)
    assert "Please contact the clinic" in visible_text(locked)
    # Even the right code now opens nothing, in any browser.
    right = arrive(new_case.links["a"]).post(unlock, {"code": RESUME_CODE})
    assert right.status_code == 403 and "Quillon" not in html_of(right)
    reference = new_case.couple.reference
    assert "Locked" in visible_text(clinician.get(f"/clinic/cases/{reference}/"))
    reset = clinician.post(f"/clinic/cases/{reference}/partners/a/resume-code/", follow=True)
    assert "resume code is reset" in visible_text(reset)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RESUME_CODE_RESET)
    assert (entry.partner_label, entry.actor, entry.couple) == (
        "a",
        clinician.user,
        new_case.couple,
    )
    # The partner opens the link, chooses a new code, and finds their answers.
    back = arrive(new_case.links["a"])
    landing = back.get(f"/intake/{partner.public_id}/", follow=True)
    assert path_of(landing) == f"/intake/{partner.public_id}/code/"
    resumed = pass_door(back, landing, code="a-new-code")
    assert path_of(resumed) == step_url(partner, "goals")
    assert "Quillon" in html_of(back.get(step_url(partner, "about")))
    # The session unlocked with the old code is locked by the reset too.
    assert path_of(owner.get(step_url(partner, "about"), follow=True)).endswith("/unlock/")


def test_choosing_a_code_twice_the_same_and_only_once(new_case):
    partner = new_case.couple.partner("a")
    client = arrive(new_case.links["a"])
    client.post(
        f"/intake/{partner.public_id}/consent/",
        {"agree": "on", "typed_name": "Sam", "joint_sessions": "yes"},
    )
    url = f"/intake/{partner.public_id}/code/"
    short = client.post(url, {"code": "abc", "again": "abc"})
    assert "Use at least 4 characters" in visible_text(short)
    differ = client.post(url, {"code": "abcd", "again": "abce"})
    assert "This is not the same code" in visible_text(differ)
    assert not Partner.objects.get(pk=partner.pk).resume_code_hash
    # Two browsers at this page: the first code chosen stays; the second is asked for it.
    second = arrive(new_case.links["a"])
    assert path_of(second.get(url, follow=True)) == url
    client.post(url, {"code": "first-code", "again": "first-code"})
    late = second.post(url, {"code": "second-code", "again": "second-code"}, follow=True)
    assert path_of(late) == f"/intake/{partner.public_id}/unlock/"
    assert consents.try_resume_code(Partner.objects.get(pk=partner.pk), "first-code")


# --- the session's end ------------------------------------------------------------------------


def test_the_session_ends_with_the_browser_and_after_the_idle_time(new_case, settings):
    settings.PARTNER_IDLE_SECONDS = 30 * 60
    partner = new_case.couple.partner("a")
    start = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        client = client_with(Client(), partner)
        client.get(link_path(new_case.links["a"]))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
        pass_door(client, client.get(f"/intake/{partner.public_id}/", follow=True))
        frozen.tick(datetime.timedelta(minutes=29))
        assert client.get(step_url(partner, "about")).status_code == 200
        frozen.tick(datetime.timedelta(minutes=29))  # idle time counts from the last page
        assert client.get(f"/intake/{partner.public_id}/alive/").status_code == 204
        frozen.tick(datetime.timedelta(minutes=31))
        ended = client.get(step_url(partner, "about"))
        assert ended.status_code == 403
        assert "Please open your link again" in visible_text(ended)
        reopened = open_link(client, new_case.links["a"], door=False)
        assert path_of(reopened) == f"/intake/{partner.public_id}/unlock/"


def test_every_partner_page_is_sent_no_store(new_case):
    partner = new_case.couple.partner("a")
    pid = partner.public_id
    client = Client()
    responses = [
        client.get("/i/not-a-link/"),
        client.get(link_path(new_case.links["a"])),
        client.get(f"/intake/{pid}/start/"),
        client.get(f"/intake/{pid}/consent/"),
        client.post(
            f"/intake/{pid}/consent/", {"agree": "on", "typed_name": "S", "joint_sessions": "yes"}
        ),
        client.get(f"/intake/{pid}/code/"),
        client.post(f"/intake/{pid}/code/", {"code": RESUME_CODE, "again": RESUME_CODE}),
        client.get(step_url(partner, "about")),
        client.get(f"/intake/{pid}/consent.pdf"),
        client.get(f"/intake/{pid}/alive/"),
        client.get(f"/intake/{pid}/no-such-step/"),
        client.get("/exit/"),
        client.get(step_url(partner, "about")),  # the session ended
    ]
    stranger = Client()
    open_link(stranger, new_case.links["a"], door=False)
    responses.append(stranger.get(f"/intake/{pid}/unlock/"))
    assert {r.status_code for r in responses} >= {200, 302, 403, 404}
    for response in responses:
        assert "no-store" in response["Cache-Control"], (response.request["PATH_INFO"], response)


# --- the signed consent and the prescriber's page 1 -----------------------------------------


def test_the_partner_downloads_their_signed_consent_as_a_tagged_pdf(new_case):
    partner = new_case.couple.partner("a")
    client = Client()
    open_link(client, new_case.links["a"])
    response = client.get(f"/intake/{partner.public_id}/consent.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdf.PdfReader(io.BytesIO(response.content))
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)  # tagged
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    assert pdf.metadata.title == "Signed consent – the clinic"
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Agreed by (name typed)" in text and "Sam" in text
    assert f"Agreed on {minute(Consent.objects.get(partner=partner).at)} " in text
    assert "The clinician may refer to my answers that are not private." in text
    assert "Notice version" in text and "serious risk of harm" in text


def test_the_prescribers_page_one_gives_each_partners_consent_and_choice(new_case):
    from screening.pdf import render_html

    open_link(Client(), new_case.links["a"])
    declined = arrive(new_case.links["b"])
    declined.post(f"/intake/{new_case.couple.partner('b').public_id}/consent/", {"decline": "1"})
    html = render_html(new_case.couple, draft=True)
    page1 = html.split('<section aria-labelledby="review">')[0]
    row = page1.split('<th scope="row">Consent</th>')[1].split("</tr>")[0]
    assert "agreed on" in row and "Joint sessions: may refer to non-private answers" in row
    assert "declined on" in row and "nothing else was collected" in row
