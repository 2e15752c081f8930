"""The urgent path joined up: beside every urgent flag, on the case page and in the PDF, the
partner's safe contact channels with the number or address, and their emergency contact;
"none" said plainly. At the `safe_contact` question the partner is told what the clinic does
if it is worried about their safety (docs/questionnaire.md, docs/rules.md: urgent)."""

from __future__ import annotations

import pytest

from intake import services as intake_services
from intake.demo import make_answers
from intake.models import Partner
from screening import services
from screening.pdf import render_pdf
from tests.factories import (
    case_url,
    clinician_user,
    committed,
    document,
    imported_case,
    partner_browser,
    realistic_document,
)
from tests.intake.helpers import flag_articles, seed_steps, step_url, visible_text

from .pdf_support import flat, pages_text

pytestmark = pytest.mark.django_db

# the demo couple's partner A (intake/demo.py)
SAM = (
    "Safe channels: Email: sam@example.com; Text message: +1 604 555 0101 "
    "Emergency contact: Jo Rivera, +1 604 555 0199"
)


def test_beside_each_urgent_flag_the_safe_channels_and_emergency_contact(people):
    cards = flag_articles(people.clinician.get(case_url(people.couple)))
    urgent = cards[("SI-2", "partner A")]
    assert "Contact partner A only through a channel they marked as safe." in urgent
    assert SAM in urgent
    # only beside urgent flags
    others = [text for key, text in cards.items() if key != ("SI-2", "partner A")]
    assert others and not any("Safe channels" in text for text in others)


def test_none_and_missing_are_said_plainly_and_a_missing_number_too(people):
    case = imported_case(
        document(
            make_answers(phq9_9=1, safe_contact=["none"], emergency_contact=""),
            make_answers(phq9_9=2, safe_contact=["phone_call"], phone=""),
        )
    )
    cards = flag_articles(people.clinician.get(case_url(case.couple)))
    assert (
        "Safe channels: None: the partner will contact the clinic themselves "
        "Emergency contact: None given" in cards[("SI-2", "partner A")]
    )
    assert "Safe channels: Phone call: none given" in cards[("SI-2", "partner B")]


def test_an_urgent_answer_before_submission_shows_the_draft_channels(people):
    case = intake_services.create_case()
    partner = case.couple.partner("a")
    seed_steps(partner, make_answers(safe_contact=["phone_call"]), ["about"])
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.IN_PROGRESS)
    with committed():
        services.check_urgent(partner, {"unsafe_now": True})
    cards = flag_articles(people.clinician.get(case_url(case.couple)))
    (text,) = cards.values()
    assert "Safe channels: Phone call: +1 604 555 0101" in text


def test_the_pdf_shows_the_safe_channels_beside_each_urgent_flag(db):
    user = clinician_user()
    document = realistic_document(a={"safe_contact": ["none"], "emergency_contact": ""})
    with committed():
        couple = intake_services.import_document(document, created_by=user).couple
    pages = [flat(page) for page in pages_text(render_pdf(couple, draft=True))]
    cover = pages[0]
    line = (
        "Safe contact, A: none: the partner will contact the clinic themselves · "
        "Emergency contact: none given"
    )
    assert cover.index("URGENT SI-2 · A") < cover.index(line) < cover.index("HIGH")
    detail = " ".join(pages[1:])
    assert (
        "Contact partner A only through a channel they marked as safe. Safe channels: none: "
        "the partner will contact the clinic themselves. Emergency contact: none given."
    ) in detail
    assert detail.count("Safe channels:") == 1  # one urgent flag


def test_the_partner_is_told_what_the_clinic_does_if_it_is_worried(people_new_case):
    client = partner_browser(people_new_case.case, "a")
    text = visible_text(client.get(step_url(client, "about")))
    assert (
        "If something you tell us makes us worried about your safety, a clinician will try "
        "to reach you the same day, only in these ways, and will not tell your partner what "
        "you told us."
    ) in text
