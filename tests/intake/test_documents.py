"""The answers document: export_answers, import_answers, and export → import → export."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from intake import services
from intake.demo import demo_document, make_answers
from intake.models import Couple, Partner, Submission
from intake.questionnaire import CURRENT
from tests.factories import export_answers, import_answers, open_link
from tests.intake.helpers import post_step, seed_steps, step_url, steps_before, visible_text

pytestmark = pytest.mark.django_db


PARTLY_FILLED = {
    "questionnaire_version": "1",
    "partners": {
        "a": make_answers(preferred_name="Robin"),
        "b": {
            "preferred_name": "Kai",
            "date_of_birth": "1979-12-01",
            "heart_attack": True,
            "heart_attack_when": "2018-02",
            "medications": [{"name": "Ramipril", "dose": "5 mg", "frequency": "daily"}],
            "ptsd_declined": True,
        },
    },
}
ONLY_A = {
    "questionnaire_version": "1",
    "appointment_date": "2027-03-01",
    "partners": {"a": make_answers(preferred_name="Solo", safe_contact=["none"])},
}


@pytest.mark.parametrize(
    "document",
    [demo_document(), PARTLY_FILLED, ONLY_A],
    ids=["demo", "partly-filled", "only-partner-a"],
)
def test_export_import_export_gives_the_same_document(tmp_path, document):
    reference = import_answers(tmp_path, document)
    couple = Couple.objects.get(reference=reference)
    for label in document["partners"]:
        partner = couple.partner(label)
        assert partner.status == Partner.Status.SUBMITTED
        assert partner.submissions.get().imported
    first = export_answers(reference)
    assert first == document

    again = import_answers(tmp_path, first, name="again.json")
    assert again != reference
    assert export_answers(again) == first
    assert Couple.objects.count() == 2


def test_export_prints_the_answers_document_of_a_case_filled_in_online(partner_a, tmp_path):
    answers = make_answers(preferred_name="Online")
    seed_steps(partner_a.partner, answers, steps_before("review"))
    post_step(partner_a, "review", answers)
    reference = partner_a.partner.couple.reference

    document = export_answers(reference)
    assert document == {"questionnaire_version": CURRENT.version, "partners": {"a": answers}}
    copy_reference = import_answers(tmp_path, document)
    assert export_answers(copy_reference) == document
    assert export_answers(reference.lower()) == document  # the reference as typed


def test_export_of_a_draft_gives_what_is_saved_so_far(partner_a):
    answers = make_answers(preferred_name="Halfway")
    seed_steps(partner_a.partner, answers, ["about", "goals"])
    document = export_answers(partner_a.partner.couple.reference)
    assert document["partners"]["a"]["preferred_name"] == "Halfway"
    assert "csi_1" not in document["partners"]["a"]
    assert "b" not in document["partners"]


def test_export_of_an_unknown_case_is_refused(db):
    with pytest.raises(CommandError, match="No case with reference"):
        call_command("export_answers", "TND-NOPE99", stdout=StringIO())


def test_an_imported_partner_sees_the_thank_you_page_and_can_be_reopened(tmp_path, clinician):
    reference = import_answers(tmp_path, demo_document())
    couple = Couple.objects.get(reference=reference)
    partner = couple.partner("a")
    link = services.reissue_link(partner)
    browser = Client()
    landing = open_link(browser, link)
    assert landing.redirect_chain[-1][0] == f"/intake/{partner.public_id}/submitted/"
    assert "Your answers have been sent" in visible_text(landing)

    response = clinician.post(
        f"/clinic/cases/{reference}/partners/a/reopen/", {"reason": "a date was wrong"}
    )
    assert response.status_code == 302
    assert not Partner.objects.get(pk=partner.pk).is_submitted
    browser.partner = partner
    landing = browser.get(f"/intake/{partner.public_id}/", follow=True)
    assert landing.redirect_chain[-1][0] == step_url(partner, "review")
    assert "Sam" in visible_text(landing)
    response = post_step(browser, "review", {"certify_accurate": True})
    assert response["Location"] == f"/intake/{partner.public_id}/submitted/"
    numbers = list(partner.submissions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    assert partner.submissions.get(number=2).answers == demo_document()["partners"]["a"]


# --- refused documents -------------------------------------------------------------------------


def _bad(partner, **changes):
    document = copy.deepcopy(demo_document())
    for key, value in changes.items():
        if value is _DROP:
            document["partners"][partner].pop(key)
        else:
            document["partners"][partner][key] = value
    return document


_DROP = object()

BAD_DOCUMENTS = [
    ("unknown-id", _bad("a", favourite_colour="blue"), "a", "favourite_colour"),
    ("wrong-type-bool", _bad("b", heart_attack="yes"), "b", "heart_attack"),
    ("wrong-type-int", _bad("a", phq9_1="2"), "a", "phq9_1"),
    ("wrong-type-multi", _bad("b", goal_areas="trust"), "b", "goal_areas"),
    ("out-of-range-int", _bad("a", phq9_9=4), "a", "phq9_9"),
    ("out-of-range-decimal", _bad("b", weight_kg=301), "b", "weight_kg"),
    ("below-range", _bad("a", height_cm=99), "a", "height_cm"),
    ("unknown-choice", _bad("b", relationship_intent="maybe"), "b", "relationship_intent"),
    ("unknown-multi-code", _bad("a", conditions_told=["anxiety", "gloom"]), "a", "conditions_told"),
    ("exclusive-codes", _bad("b", med_classes=["none", "maoi"]), "b", "med_classes"),
    ("not-asked", _bad("a", mania_ever=False, mania_now=True), "a", "mania_now"),
    (
        "not-asked-month",
        _bad("b", heart_attack=False, heart_attack_when="2020-01"),
        "b",
        "heart_attack_when",
    ),
    ("bad-month", _bad("b", heart_attack_when="2026-5"), "b", "heart_attack_when"),
    ("bad-date", _bad("a", date_of_birth="02/04/1988"), "a", "date_of_birth"),
    ("must-be-true", _bad("a", consent_share=False), "a", "consent_share"),
    ("too-long", _bad("a", preferred_name="x" * 201), "a", "preferred_name"),
    ("med-without-name", _bad("b", medications=[{"dose": "1 mg"}]), "b", "medications"),
]


@pytest.mark.parametrize(
    ("document", "partner", "question"),
    [case[1:] for case in BAD_DOCUMENTS],
    ids=[case[0] for case in BAD_DOCUMENTS],
)
def test_a_bad_document_is_refused_naming_partner_and_question(
    tmp_path, document, partner, question
):
    before = (Couple.objects.count(), Partner.objects.count(), Submission.objects.count())
    with pytest.raises(CommandError) as refused:
        import_answers(tmp_path, document)
    message = str(refused.value)
    assert f"partner {partner}" in message
    assert f"question {question}" in message
    after = (Couple.objects.count(), Partner.objects.count(), Submission.objects.count())
    assert after == before


# Values the questionnaire's own pages refuse are refused by an import too, with the same words.
REFUSED_LIKE_THE_PAGES = [
    ("future-birth-date", _bad("b", date_of_birth="2090-01-01"), "b", "date_of_birth", "future"),
    ("not-an-e-mail", _bad("b", email="not an email"), "b", "email", "e-mail address like"),
    ("not-a-phone", _bad("a", phone="call me maybe"), "a", "phone", "phone number"),
    (
        "long-medicine-name",
        _bad("a", medications=[{"name": "x" * 121, "dose": "", "frequency": ""}]),
        "a",
        "medications",
        "Medicine 1: This answer is 121 characters; the limit is 120.",
    ),
    ("not-a-number", _bad("a", weight_kg=float("nan")), "a", "weight_kg", "must be a number"),
    ("nul-character", _bad("b", goals_self="Feel\x00 better"), "b", "goals_self", "NUL"),
    (
        "weight-out-of-range",
        _bad("a", weight_kg=300.5),
        "a",
        "weight_kg",
        "Please enter a number from 30 to 300 kg.",
    ),
    ("weight-three-places", _bad("a", weight_kg=72.555), "a", "weight_kg", "two decimal places"),
    ("year-1899", _bad("a", date_of_birth="1899-12-31"), "a", "date_of_birth", "1900 or later"),
    ("too-long-name", _bad("a", preferred_name="x" * 201), "a", "preferred_name", "is 201"),
    ("unknown-unit", _bad("a", weight_unit="stone"), "a", "weight_unit", "must be one of kg, lb"),
]


@pytest.mark.parametrize(
    ("document", "partner", "question", "words"),
    [case[1:] for case in REFUSED_LIKE_THE_PAGES],
    ids=[case[0] for case in REFUSED_LIKE_THE_PAGES],
)
def test_values_the_pages_refuse_are_refused_on_import(
    tmp_path, document, partner, question, words
):
    with pytest.raises(CommandError) as refused:
        import_answers(tmp_path, document)
    message = str(refused.value)
    assert f"partner {partner}" in message and f"question {question}" in message
    assert words in message
    assert not Couple.objects.exists()


def test_a_draft_exported_with_half_a_blood_pressure_reading_imports_again(tmp_path):
    """The pages save a step with only the top number (the step stays unfinished): the
    exported draft must import, as a question not answered yet."""
    document = copy.deepcopy(demo_document())
    del document["partners"]["a"]["bp_diastolic"]
    reference = import_answers(tmp_path, document).split()[-1]
    partner = Couple.objects.get(reference=reference).partner("a")
    assert partner.answer_set.answers["bp_systolic"] == document["partners"]["a"]["bp_systolic"]
    assert "physical" not in partner.answer_set.completed_steps


def test_a_huge_number_is_refused_with_a_message(tmp_path):
    with pytest.raises(
        CommandError,
        match="partner a, question weight_kg: Please enter a number from 30 to 300 kg.",
    ):
        import_answers(tmp_path, _bad("a", weight_kg=10**400))
    assert not Couple.objects.exists()


def test_an_import_may_leave_questions_unanswered(tmp_path):
    """Unlike the pages, an import may leave questions out: the partner counts as submitted
    with what is there, and the steps left incomplete are not marked complete."""
    document = copy.deepcopy(demo_document())
    for question_id in ("readiness", "goal_areas", "phq9_3"):
        del document["partners"]["b"][question_id]
    reference = import_answers(tmp_path, document).split()[-1]
    partner = Couple.objects.get(reference=reference).partner("b")
    assert partner.is_submitted
    assert "goals" not in partner.answer_set.completed_steps
    assert "mood" not in partner.answer_set.completed_steps
    assert "about" in partner.answer_set.completed_steps


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"questionnaire_version": "9", "partners": {}}, "questionnaire_version"),
        ({"questionnaire_version": "1", "partners": {"c": {}}}, "unknown partner 'c'"),
        ({"questionnaire_version": "1", "partners": []}, "'partners'"),
        ([1, 2, 3], "JSON object"),
        (
            {"questionnaire_version": "1", "appointment_date": "soon", "partners": {}},
            "appointment_date",
        ),
    ],
)
def test_a_malformed_document_is_refused(tmp_path, document, words):
    with pytest.raises(CommandError, match=words):
        import_answers(tmp_path, document)
    assert not Couple.objects.exists()


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Not valid JSON"):
        call_command("import_answers", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_answers", str(tmp_path / "missing.json"), stdout=StringIO())
    assert not Couple.objects.exists()


# --- documents that cannot be stored or printed ------------------------------------------------


def _demo_json() -> str:
    return json.dumps(demo_document())


def _demo_with(partner: str, question: str, json_value: str) -> bytes:
    """The demo document with one answer written as raw JSON text (escapes kept as typed)."""
    text = _demo_json()
    document = json.loads(text)
    document["partners"][partner][question] = "@@VALUE@@"
    return json.dumps(document).replace('"@@VALUE@@"', json_value).encode()


UNREADABLE_DOCUMENTS = [
    (
        "lone-surrogate",
        _demo_with("a", "goals_self", '"Feel \\ud800 better"'),
        "partner a, question goals_self: Please remove the special character in this answer: "
        "it cannot be printed (it may have come with a copy and paste). It contains half of a "
        "character",
    ),
    (
        "lone-surrogate-in-a-medicine",
        _demo_with(
            "b", "medications", '[{"name": "Ramipril\\udfff", "dose": "", "frequency": ""}]'
        ),
        "partner b, question medications: Medicine 1: Please remove the special character",
    ),
    (
        "control-character",
        _demo_with("b", "goals_self", '"Feel \\u001b[31m better"'),
        "partner b, question goals_self: Please remove the special character in this answer: "
        "it cannot be printed (it may have come with a copy and paste). It contains a control "
        "character (0x1b)",
    ),
    (
        "too-many-medicines",
        _demo_with(
            "a",
            "medications",
            json.dumps([{"name": f"Medicine {n}", "dose": "", "frequency": ""} for n in range(41)]),
        ),
        "partner a, question medications: has 41 medicines; the page takes at most 40",
    ),
    (
        "deep-nesting-in-an-answer",
        _demo_with("a", "medications", "[[[[[[[]]]]]]]"),
        "partner a, question medications: nested deeper than an answers document goes",
    ),
    ("deep-nesting-beyond-python", b'{"partners": ' + b"[" * 100_000, "nested deeper"),
    (
        "huge-integer",
        _demo_with("a", "weight_kg", "9" * 5000),
        "a number is too long to read",
    ),
    (
        "not-utf-8",
        _demo_json().replace("Sam", "S\u00e9m").encode("latin-1"),
        "Not UTF-8 text",
    ),
    ("utf-16", _demo_json().encode("utf-16"), "Not UTF-8 text"),
]


@pytest.mark.parametrize(
    ("raw", "words"),
    [case[1:] for case in UNREADABLE_DOCUMENTS],
    ids=[case[0] for case in UNREADABLE_DOCUMENTS],
)
def test_a_document_that_cannot_be_stored_or_printed_is_refused(tmp_path, raw, words):
    with pytest.raises(CommandError) as refused:
        import_answers(tmp_path, raw, name="raw.json")
    assert words in str(refused.value)
    assert not Couple.objects.exists()


def test_forty_medicines_the_page_allows_are_imported(tmp_path):
    rows = [{"name": f"Medicine {n}", "dose": "", "frequency": ""} for n in range(40)]
    reference = import_answers(tmp_path, _bad("a", medications=rows))
    assert (
        Couple.objects.get(reference=reference).partner("a").answer_set.answers["medications"]
        == rows
    )


def test_tabs_and_new_lines_are_kept(tmp_path):
    reference = import_answers(tmp_path, _bad("a", goals_self="Line one\n\tLine two\r\n"))
    answers = Couple.objects.get(reference=reference).partner("a").answer_set.answers
    assert answers["goals_self"] == "Line one\n\tLine two\r\n"


@pytest.mark.parametrize(
    ("raw", "words"),
    [case[1:] for case in UNREADABLE_DOCUMENTS],
    ids=[case[0] for case in UNREADABLE_DOCUMENTS],
)
def test_the_real_command_refuses_with_a_message_and_no_traceback(tmp_path, raw, words):
    """The command as a clinic runs it: a message on stderr, exit status 1, no traceback,
    whether the file is named or piped in."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    path = tmp_path / "raw.json"
    path.write_bytes(raw)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_ENV", None)
    for args, stdin in (([str(path)], None), (["-"], raw)):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "import_answers", *args],
            cwd=settings.BASE_DIR,
            env=env,
            input=stdin,
            capture_output=True,
            timeout=120,
        )
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 1, stderr
        assert "Traceback" not in stderr
        assert words in stderr
