"""What the prescriber's PDF says (docs/design.md, The PDF), read back with pypdf.

One realistic case (urgent, high, review and info flags; dispositions with notes; a missing
answer) is rendered once for the module, as a draft before sign-off and as the final summary
after it; the database work is rolled back afterwards.
"""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf.generic import BooleanObject

from intake import services
from intake.questionnaire import QUESTIONNAIRES
from intake.questionnaire.display import display_value
from screening import review
from screening.pdf import render_html, render_pdf
from screening.rules import Severity
from screening.summary import INSTRUMENTS
from tests.dates import day, day_month, minute
from tests.factories import (
    OUTCOMES,
    clinician_user,
    committed,
    dispose_all,
    disposition_note,
    realistic_document,
)

from .pdf_support import NOT_A_DIAGNOSIS, flat, pages_text, reader

# The tests read the module's PDFs; the mark puts them with the other database tests (before
# pytest-django's transactional ones, which empty the database when they finish).
pytestmark = pytest.mark.django_db

SEVERITY_RANK = {"URGENT": 0, "HIGH": 1, "REVIEW": 2, "INFO": 3}
NOTE = "Ready for the prescriber. Talked through SI-2 with partner A by phone."


@pytest.fixture(scope="module")
def case(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        user = clinician_user()
        with committed():  # screening runs on commit
            couple = services.import_document(realistic_document(), created_by=user).couple
        draft = render_pdf(couple, draft=True)
        items = dispose_all(couple, user, outcomes=OUTCOMES)
        sign_off = review.sign_off(couple, user, NOTE)  # its on-commit task never runs here
        before = timezone.localtime()
        final = render_pdf(couple, draft=False)
        after = timezone.localtime()
        screening = review.current_screening(couple)
        facts = SimpleNamespace(
            reference=couple.reference,
            created_at=couple.created_at,
            questionnaire=QUESTIONNAIRES[couple.questionnaire_version],
            questionnaire_version=couple.questionnaire_version,
            partners={p.label: p for p in couple.partners.all()},
            answers={p.label: p.submissions.get().answers for p in couple.partners.all()},
            flags=list(screening.flags.all()),
            scores=screening.scores,
            parameters=screening.parameters,
            ruleset_version=screening.ruleset_version,
            dispositions=review.latest_dispositions(couple),
            items=items,
            sign_off=sign_off,
            generated=(before, after),
            draft=draft,
            final=final,
            draft_pages=pages_text(draft),
            pages=pages_text(final),
            html=render_html(couple, draft=False),
        )
        transaction.set_rollback(True)
    facts.text = flat(" ".join(facts.pages))
    return facts


def test_the_case_raises_flags_of_every_severity(case):
    assert {f.severity for f in case.flags} == {"urgent", "high", "review", "info"}
    assert {"AG-2", "MH-1"} <= {f.rule for f in case.flags if f.partner == "a"}


def test_every_page_is_confidential_numbered_and_says_flags_are_not_a_diagnosis(case):
    total = len(case.pages)
    assert total >= 5
    for number, page in enumerate(case.pages, start=1):
        text = flat(page)
        assert f"Confidential · case {case.reference} · Prescriber summary" in text, number
        assert f"Page {number} of {total}" in text
        assert NOT_A_DIAGNOSIS in text
        assert "DRAFT" not in text


def test_a_draft_says_draft_on_every_page(case):
    total = len(case.draft_pages)
    assert total >= 5
    for number, page in enumerate(case.draft_pages, start=1):
        text = flat(page)
        assert f"Confidential · case {case.reference} · DRAFT – not for prescribing" in text
        assert f"Page {number} of {total}" in text, number
    first = flat(case.draft_pages[0])
    assert "DRAFT: Prescriber summary" in first
    assert "Not signed off yet" in first


def test_page_one_answers_the_prescribers_first_questions_for_both_partners(case):
    cover = flat(case.pages[0])
    a, b = case.partners["a"], case.partners["b"]
    ans = case.answers
    q = case.questionnaire.question
    assert f"Prescriber summary · case {case.reference}" in cover
    assert "At a glance Partner A: Sam Partner B: Alex" in cover
    assert f"Submitted {minute(a.submitted_at)} {minute(b.submitted_at)}" in cover
    assert "Age on 15 January 2027 68 (born 10 March 1958) 41 (born 30 September 1985)" in cover
    body = [f"{ans[p]['height_cm']} cm, {ans[p]['weight_kg']} kg" for p in "ab"]
    assert f"Height, weight {body[0]} {body[1]}" in cover
    reading = f"{ans['a']['bp_systolic']}/{ans['a']['bp_diastolic']} mmHg, taken "
    usual = display_value(q("blood_pressure"), ans["a"]["blood_pressure"])
    taken = day(datetime.date.fromisoformat(ans["a"]["bp_reading_date"]))
    assert f"{reading}{taken} (usually: {usual})" in cover
    assert ans["b"].get("bp_systolic") is None
    assert "no reading given (usually: Normal)" in cover
    medicines = [display_value(q("medications"), ans[p]["medications"]) for p in "ab"]
    assert medicines[0] == "Sertraline – 50 mg – once a day"
    assert f"Current medicines (dose, how often) {medicines[0]} {medicines[1]}" in cover
    assert not ans["a"].get("allergies") and not ans["b"].get("allergies")
    assert "Allergies not answered not answered" in cover  # nothing said either way
    pregnancy = [display_value(q("pregnancy"), ans[p]["pregnancy"]) for p in "ab"]
    assert f"Pregnancy, breastfeeding {pregnancy[0]} {pregnancy[1]}" in cover
    assert f"Escort home {ans['a']['escort_name']} (the partner)" in cover
    assert f"{ans['b']['escort_name']} (not the partner)" in cover
    # every flag that needed review, one line each, with the clinician's disposition
    assert f"To check: {len(case.items)} flags that needed review" in cover
    for item in case.items:
        disposition = case.dispositions[item.key]
        line = re.search(
            rf"(URGENT|HIGH|REVIEW) {re.escape(item.rule)} · {item.partner.upper()} (.+?) "
            rf"{re.escape(disposition.get_outcome_display())}, {day_month(disposition.at)}\b",
            cover,
        )
        assert line, item.rule
        assert len(line.group(2)) <= 60, line.group(2)
    assert not re.search(r"\bINFO\b", cover)  # listed later, not on page 1
    for _, name in INSTRUMENTS:
        assert name in cover
    for p in "ab":
        cells = " ".join(
            f"{case.scores[p][key]['total']} · {case.scores[p][key]['band']}"
            for key, _ in INSTRUMENTS
        )
        assert f"{p.upper()} {cells}" in cover, p
    assert f"Signed off {minute(case.sign_off.at)} by Robin Lee. Clinician's note: {NOTE}" in cover
    assert "First appointment: 15 January 2027" in cover


def test_page_one_says_not_answered_for_what_a_partner_left_out():
    user = clinician_user("dr.sam")
    document = realistic_document(
        b={"height_cm": None, "weight_kg": None, "bp_systolic": None, "bp_diastolic": None}
    )
    for key in ("height_cm", "weight_kg", "bp_systolic", "bp_diastolic", "bp_reading_date"):
        document["partners"]["b"].pop(key, None)
    document["partners"]["a"].pop("bp_reading_date", None)
    with committed():
        couple = services.import_document(document, created_by=user).couple
    cover = flat(pages_text(render_pdf(couple, draft=True), first=1)[0])
    a = couple.partners.get(label="a")
    assert "Not signed off yet; no clinician's note yet." in cover
    assert "Height, weight 168 cm, 64.5 kg not answered" in cover
    # no date for the reading: the day it was reported
    assert f"146/92 mmHg, reported on {day(a.submitted_at)}" in cover
    assert "no reading given (usually: Normal)" in cover


def test_flags_that_needed_review_are_detailed_once_in_severity_order(case):
    reviewed = [f for f in case.flags if f.severity != "info"]
    headings = re.findall(
        r"\b(URGENT|HIGH|REVIEW|INFO) · ([A-Z]{2,3}-\d+) · (partner [AB]|couple) · ", case.text
    )
    expected = [
        (
            f.severity.upper(),
            f.rule,
            "couple" if f.partner == "couple" else f"partner {f.partner.upper()}",
        )
        for f in reviewed
    ]
    assert headings == expected
    ranks = [SEVERITY_RANK[severity] for severity, _, _ in headings]
    assert ranks == sorted(ranks)
    assert {severity for severity, _, _ in headings} == {"URGENT", "HIGH", "REVIEW"}
    assert "Flags that needed review, in detail" in case.text


def test_flags_that_need_no_review_are_listed_not_expanded(case):
    info = [f for f in case.flags if f.severity == "info"]
    assert len(info) == 6
    start = case.text.index("For context, no review needed")
    listed = case.text[start:]
    for flag in info:
        who = "couple" if flag.partner == "couple" else f"partner {flag.partner.upper()}"
        first = flat(flag.message).split("; ")[0]
        assert f"INFO · {flag.rule} · {who} {first[:40]}" in listed, flag.rule
        assert flat(flag.message) not in case.text, flag.rule  # not expanded


def test_each_reviewed_flag_shows_its_message_and_evidence_as_question_and_answer(case):
    for flag in case.flags:
        if flag.severity == "info":
            continue
        assert case.text.count(flat(flag.message)) == 1, flag.rule
        for question_id, value in flag.evidence:
            question = case.questionnaire.question(question_id)
            assert flat(question.label) in case.text, (flag.rule, question_id)
            if flag.partner == "couple":
                for label, partner_value in value.items():
                    shown = display_value(question, partner_value)
                    assert f"{label.upper()}: {flat(shown)}" in case.text, (flag.rule, label)
            else:
                shown = display_value(question, value)
                assert f"{flat(question.label)} — {flat(shown)}" in case.text, flag.rule


def test_each_flag_shows_the_clinicians_disposition_and_note(case):
    assert case.items, "the case needs dispositions"
    for item in case.items:
        disposition = case.dispositions[item.key]
        line = (
            f"Clinician: {disposition.get_outcome_display()} "
            f"({disposition.by.get_username()}, {minute(disposition.at)}): "
            f"{disposition_note(item)}"
        )
        assert case.text.count(line) == 1, item.rule


def test_scores_of_both_partners_with_bands(case):
    names = " ".join(name for _, name in INSTRUMENTS)
    assert f"Scores Partner {names}" in flat(case.pages[0])
    for p in "ab":
        row = " ".join(
            f"{case.scores[p][key]['total']} · {case.scores[p][key]['band']}"
            for key, _ in INSTRUMENTS
        )
        assert f"{p.upper()} {row}" in flat(case.pages[0])
    assert "A 10 · moderate" in case.text


def test_every_section_of_answers_is_there_side_by_side_in_order(case):
    titles = [step.title for step in case.questionnaire.steps if step.id != "review"]
    for needed in (
        "What you hope for",
        "Your physical health",
        "Your medicines",
        "Your mental health history",
        "Alcohol and other substances",
        "Your safety",
        "Practical arrangements",
    ):
        assert needed in titles
    positions = [case.text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert (
        "What do you hope this therapy will do for you? "
        "Feel less anxious and more present. Feel less anxious and more present."
    ) in case.text
    assert "Please list all the medicines you take. Sertraline – 50 mg – once a day " in case.text
    assert "Who will take you home after each session? Jo Rivera (friend)" in case.text


def test_the_safety_section_is_marked_clinician_only(case):
    start = case.text.index("Your safety (clinician-only)")
    end = case.text.index("Practical arrangements", start)
    safety = case.text[start:end]
    assert "Clinician-only content: these answers are never shown to the other partner." in safety
    assert "Question (clinician-only) Partner A Partner B" in safety
    assert "Are you afraid for your safety at home right now? No No" in safety
    before = case.text[:start]
    assert "Clinician-only content" not in before


def test_the_discordance_table(case):
    start = case.text.index("Where the partners differ")
    table = case.text[start : start + 600]
    assert "Topic Partner A Partner B Comparison" in table
    assert "Goal areas Talking and listening to each other; Trust" in table
    assert "Nothing shared" in table
    assert (
        "Relationship intent I want us to stay together I'm thinking about separating Differs"
    ) in table
    assert "Readiness (0–10) 8 2 Difference 6" in table
    assert "CSI-4 total (0–21) 13 4 Difference 9" in table


def test_a_missing_answer_is_shown_as_not_answered(case):
    assert "emergency_contact" not in case.answers["b"]
    assert (
        "Who should we call in an emergency? Jo Rivera, +1 604 555 0199 not answered"
    ) in case.text
    assert "What is your gender? not answered not answered" in case.text


def test_the_summary_says_when_and_with_which_rules_and_settings_it_was_made(case):
    end = case.text[case.text.index("About this document") :]
    before, after = case.generated
    assert any(f"Generated {minute(t)}" in end for t in (before, after))
    assert (
        f"Versions Screening rules version {case.ruleset_version}; "
        f"questionnaire version {case.questionnaire_version}"
    ) in end
    assert case.parameters["cardiac_window_months"] == 12
    assert (
        "Clinic settings in force Flags were raised for: cardiac events within 12 months "
        "of the appointment; a top blood-pressure number above 140 mmHg"
    ) in end
    for name in case.parameters:
        assert name not in case.text  # no raw parameter names
    # before the answers appendix, which starts on a page of its own
    appendix = case.text.index("Appendix: all answers, by topic")
    assert case.text.index("About this document") < appendix
    assert case.text.index("Practical arrangements") > appendix


def test_the_pdf_is_tagged_with_a_title_and_a_language(case):
    for content, title in (
        (case.final, f"Prescriber summary, case {case.reference}"),
        (case.draft, f"DRAFT Prescriber summary, case {case.reference}"),
    ):
        pdf = reader(content)
        root = pdf.trailer["/Root"]
        assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
        assert "/StructTreeRoot" in root
        assert root["/Lang"] == "en"
        assert pdf.metadata.title == title
        assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
        assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def _structure_types(node, found):
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _structure_types(child, found)
    elif hasattr(node, "keys"):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found)
    return found


def test_the_structure_has_headings_and_real_tables(case):
    root = reader(case.final).trailer["/Root"]
    found = _structure_types(root["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/H3", "/Table", "/THead", "/TR", "/TH", "/TD", "/P"} <= found


def test_letter_paper_by_default(case, settings):
    assert settings.SUMMARY_PAPER == "letter"
    for page in reader(case.final).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            612,
            792,
        )


def test_fonts_are_the_systems_noto_sans_embedded(case):
    names = set()
    for page in reader(case.final).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[1])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert "Noto-Sans" in names
    assert "Noto-Sans-Bold" in names
    assert all(name.startswith("Noto-Sans") for name in names), names


def test_answers_are_escaped_in_the_html(case):
    assert "<script" not in case.html
    assert 'src="http' not in case.html
    assert "@font-face" not in case.html  # the system's Noto fonts, nothing fetched


def test_print_layout_keeps_headings_flags_and_table_headers_together(case):
    """No heading alone at the foot of a page, no flag split over two pages, and a table that
    runs onto the next page repeats its header row there. (Pages are joined with their
    running header and footer in between, so words adjacent in `case.text` share a page.)"""
    header = "Question Partner A Partner B"
    private_header = "Question (clinician-only) Partner A Partner B"
    titles = [step.title for step in case.questionnaire.steps if step.id != "review"]
    for step in case.questionnaire.steps:
        if step.id == "review":
            continue
        if step.private:
            assert (
                f"{step.title} (clinician-only) Clinician-only content: these answers are never "
                f"shown to the other partner. {private_header}"
            ) in case.text
        else:
            assert f"{step.title} {header}" in case.text, step.title
    assert re.search(r"Flags that needed review, in detail URGENT · ", case.text)
    assert "Scores Partner PHQ-9" in case.text
    assert "Where the partners differ Topic Partner A" in case.text
    assert "About this document Generated" in case.text

    answers_begun = False
    for number, page in enumerate(case.pages, start=1):
        text = flat(page)
        headings = re.findall(r"\b(?:URGENT|HIGH|REVIEW) · [A-Z]{2,3}-\d+ · ", text)
        assert len(headings) == text.count("Clinician: "), number  # whole flags only
        if answers_begun:  # each later page starts with a section or a repeated header row
            assert text.startswith((header, private_header, *titles)), (
                number,
                text[:60],
            )
        answers_begun = answers_begun or f"{titles[0]} {header}" in text
        assert answers_begun or "Appendix" not in text
    assert answers_begun


def test_dates_are_printed_as_people_read_them_never_iso(case):
    # partner B reports a heart attack in 2026-05: the flag says the month in words
    assert "Reports a heart attack in May 2026 (within 12 months of the appointment date)" in (
        case.text
    )
    assert "First appointment: 15 January 2027." in flat(case.pages[0])
    end = case.text[case.text.index("About this document") :]
    assert f"Case created {minute(case.created_at)}" in end
    assert not re.search(r"\b\d{4}-\d{2}\b", case.text), re.findall(
        r".{30}\d{4}-\d{2}.{10}", case.text
    )


def test_only_urgent_flags_get_the_urgent_box(case):
    boxed = re.findall(r'<span class="sev-urgent">([^<]*)</span>', case.html)
    urgent = [f for f in case.flags if f.severity == Severity.URGENT]
    assert urgent and set(boxed) == {"URGENT"}
    assert len(boxed) == 2 * len(urgent)  # on page 1 and in the detail
    for severity in ("HIGH", "REVIEW"):
        assert f"<h3>{severity} · " in case.html, severity  # printed, not boxed
