"""Creating a case (command and clinic page), showing its links once, and the invitation
e-mail, which says nothing clinical and nothing of the other partner."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from intake import services
from intake.models import Couple, Partner
from screening.models import AuditEntry
from tests.factories import make_user, open_link
from tests.intake.helpers import html_of, step_url, table_rows, visible_text
from tests.ports import free_port

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"https?://[^\s<\"]+/i/[A-Za-z0-9_\-]+/")
CLINICAL_WORDS = (
    "ketamine",
    "esketamine",
    "therapy",
    "therapist",
    "psychedelic",
    "psychiatr",
    "mental",
    "depress",
    "anxiety",
    "suicid",
    "trauma",
    "ptsd",
    "diagnos",
    "screening",
    "medication",
    "drug",
    "couple",
)


def _assert_neutral_invitation(message, own_link, other_email, other_link):
    text = f"{message.subject}\n{message.body}".lower()
    assert own_link in message.body
    assert other_link not in message.body
    assert other_email.lower() not in text
    for word in CLINICAL_WORDS:
        assert word not in text, word
    assert LINK_RE.findall(message.body) == [own_link]


def _landing_step(link):
    landing = open_link(Client(), link)
    assert landing.status_code == 200
    return landing.redirect_chain[-1][0]


def test_send_invitation_is_neutral_and_carries_only_the_partners_own_link(new_case):
    partner_a = new_case.couple.partner("a")
    services.send_invitation(partner_a, new_case.links["a"])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.com"]
    _assert_neutral_invitation(message, new_case.links["a"], "b@example.com", new_case.links["b"])


# --- the new_case command ---------------------------------------------------------------------


def test_new_case_command_prints_the_reference_and_two_working_links():
    out = StringIO()
    call_command("new_case", "--email-a", "x@example.com", "--email-b", "y@example.com", stdout=out)
    text = out.getvalue()
    reference = re.search(r"Case (TND-[0-9A-Z]{6})", text).group(1)
    couple = Couple.objects.get(reference=reference)
    links = dict(re.findall(r"Partner ([AB]): (\S+)", text))
    assert set(links) == {"A", "B"} and links["A"] != links["B"]
    assert couple.partner("a").email == "x@example.com"
    assert couple.partner("b").email == "y@example.com"
    for label, link in links.items():
        partner = couple.partner(label.lower())
        assert _landing_step(link) == step_url(partner, "about")
        assert Partner.objects.get(pk=partner.pk).status == Partner.Status.IN_PROGRESS
    assert mail.outbox == []  # nothing is sent without --send


def test_new_case_command_with_send_emails_each_partner_their_own_link():
    out = StringIO()
    call_command(
        "new_case", "--email-a", "x@example.com", "--email-b", "y@example.com", "--send", stdout=out
    )
    links = dict(re.findall(r"Partner ([AB]): (\S+)", out.getvalue()))
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("x@example.com",), ("y@example.com",)}
    _assert_neutral_invitation(
        by_recipient[("x@example.com",)], links["A"], "y@example.com", links["B"]
    )
    _assert_neutral_invitation(
        by_recipient[("y@example.com",)], links["B"], "x@example.com", links["A"]
    )


def _audit_rows(clinician, couple) -> list[tuple[str, str, str]]:
    """(who, what, partner) of each row of the case's audit log page, as a clinician reads it."""
    response = clinician.get(f"/clinic/cases/{couple.reference}/audit/")
    return [(row[1], row[2], row[3]) for row in table_rows(html_of(response))[1:]]


def test_new_case_command_is_on_the_audit_log_as_the_command_line(clinician):
    out = StringIO()
    call_command(
        "new_case", "--email-a", "x@example.com", "--email-b", "y@example.com", "--send", stdout=out
    )
    couple = Couple.objects.get()
    assert couple.created_by is None  # no clinician made it
    rows = _audit_rows(clinician, couple)
    assert ("command line", "Case created", "—") in rows
    assert ("command line", "Invitation e-mailed", "A") in rows
    assert ("command line", "Invitation e-mailed", "B") in rows


def test_new_case_command_without_send_records_no_invitation(clinician):
    call_command("new_case", "--email-a", "x@example.com", stdout=StringIO())
    rows = _audit_rows(clinician, Couple.objects.get())
    assert ("command line", "Case created", "—") in rows
    assert not [row for row in rows if row[1] == "Invitation e-mailed"]


def test_new_case_command_says_when_the_mail_server_is_down_and_keeps_the_case(
    clinician, mail_server_down
):
    out, err = StringIO(), StringIO()
    call_command(
        "new_case",
        "--email-a",
        "x@example.com",
        "--email-b",
        "y@example.com",
        "--send",
        stdout=out,
        stderr=err,
    )
    couple = Couple.objects.get()  # kept
    assert f"Case {couple.reference}" in out.getvalue()
    links = dict(re.findall(r"Partner ([AB]): (\S+)", out.getvalue()))
    assert set(links) == {"A", "B"}  # printed, to give them another way
    for label in "AB":
        assert f"The e-mail to partner {label} could not be sent" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    rows = _audit_rows(clinician, couple)
    assert ("command line", "Case created", "—") in rows
    assert not [row for row in rows if row[1] == "Invitation e-mailed"]  # nothing went
    assert _landing_step(links["A"]) == step_url(couple.partner("a"), "about")  # still works


# --- the clinic's new-case page -------------------------------------------------------------------


def _shown_links(response) -> dict[str, str]:
    return dict(re.findall(r'data-link="([ab])">([^<]+)</code>', html_of(response)))


def test_the_new_case_page_creates_a_case_and_shows_both_links_once(clinician):
    page = clinician.get("/clinic/cases/new/")
    assert page.status_code == 200
    response = clinician.post(
        "/clinic/cases/new/",
        {"email_a": "p.one@example.com", "email_b": "p.two@example.com", "appointment_date": ""},
        follow=True,
    )
    assert response.status_code == 200
    couple = Couple.objects.get()
    assert response.redirect_chain[-1][0] == f"/clinic/cases/{couple.reference}/"
    assert couple.created_by == clinician.user
    links = _shown_links(response)
    assert set(links) == {"a", "b"}
    assert links["a"] != links["b"]

    again = clinician.get(f"/clinic/cases/{couple.reference}/")
    assert again.status_code == 200
    assert _shown_links(again) == {}
    for link in links.values():
        assert link not in html_of(again)
    for label, link in links.items():
        assert _landing_step(link) == step_url(couple.partner(label), "about")
    assert mail.outbox == []


def test_the_new_case_page_can_email_each_partner_their_own_link(clinician):
    response = clinician.post(
        "/clinic/cases/new/",
        {"email_a": "p.one@example.com", "email_b": "p.two@example.com", "send_emails": "on"},
        follow=True,
    )
    links = _shown_links(response)
    assert len(mail.outbox) == 2
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    one = by_recipient[("p.one@example.com",)]
    two = by_recipient[("p.two@example.com",)]
    _assert_neutral_invitation(one, links["a"], "p.two@example.com", links["b"])
    _assert_neutral_invitation(two, links["b"], "p.one@example.com", links["a"])


def test_a_non_clinician_gets_403_and_creates_nothing(client):
    staff = make_user("front.desk", staff=True)
    client.force_login(staff)
    assert client.get("/clinic/cases/new/").status_code == 403
    response = client.post("/clinic/cases/new/", {"email_a": "x@example.com"})
    assert response.status_code == 403
    assert not Couple.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/clinic/cases/new/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/clinic/cases/new/"
    response = client.post("/clinic/cases/new/", {"email_a": "x@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Couple.objects.exists()
    assert "Clinician sign-in" in visible_text(client.get(response["Location"]))


@pytest.fixture
def mail_server_down(settings):
    """SMTP to a port on 127.0.0.1 where nothing listens: a mail server that is down."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }


def test_a_mail_server_that_is_down_is_said_plainly_and_the_links_are_shown(
    clinician, mail_server_down
):
    response = clinician.post(
        "/clinic/cases/new/",
        {"email_a": "p.one@example.com", "email_b": "p.two@example.com", "send_emails": "on"},
        follow=True,
    )
    assert response.status_code == 200
    text = visible_text(response)
    for label in "AB":
        assert f"The e-mail to partner {label} could not be sent" in text
    assert set(_shown_links(response)) == {"a", "b"}  # to give them another way
    couple = Couple.objects.get()
    actions = list(couple.audit.values_list("action", flat=True))
    assert AuditEntry.Action.CASE_CREATED in actions
    assert AuditEntry.Action.INVITATION_SENT not in actions  # nothing was sent

    response = clinician.post(
        f"/clinic/cases/{couple.reference}/partners/a/link/",
        {"action": "reissue_email"},
        follow=True,
    )
    assert "The e-mail to partner A could not be sent" in visible_text(response)
    assert set(_shown_links(response)) == {"a"}
    assert not couple.audit.filter(action=AuditEntry.Action.INVITATION_SENT).exists()
    assert couple.audit.filter(action=AuditEntry.Action.LINK_REISSUED).exists()
