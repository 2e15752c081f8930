"""Questionnaire versions (docs/questionnaire.md, Versions): a case is answered on one
version from start to end, an answers document is read by the version it names, and a
version 1 document exported before version 2 existed still imports as it was given."""

import datetime
from dataclasses import fields

import pytest
from django.core.management import CommandError

from intake import services
from intake.demo import make_answers
from intake.models import Couple
from intake.questionnaire import CURRENT, QUESTIONNAIRES
from screening.engine import screen
from screening.scoring import Parameters
from tests.factories import client_for, export_answers, import_answers
from tests.intake.helpers import (
    assert_error_shown,
    assert_no_error,
    post_step,
    seed_steps,
    steps_before,
    visible_text,
)

pytestmark = pytest.mark.django_db

V1, V2 = QUESTIONNAIRES["1"], QUESTIONNAIRES["2"]


def _differences(first, second) -> set[tuple[str, str]]:
    """(question id, field) for every field of a question that differs between versions."""
    return {
        (qid, f.name)
        for qid in first.question_ids
        for f in fields(first.question(qid))
        if getattr(first.question(qid), f.name) != getattr(second.question(qid), f.name)
    }


def test_new_cases_are_answered_on_the_current_version_which_is_2():
    assert CURRENT is V2
    case = services.create_case()
    assert case.couple.questionnaire_version == "2"
    assert {p.answer_set.questionnaire_version for p in case.couple.partners.all()} == {"2"}
    # The models' default follows the current version too.
    assert Couple.objects.create().questionnaire_version == "2"


def test_version_2_changes_only_when_auditc_2_and_3_are_asked():
    # Same steps, same ids in the same order, same types and choice codes: the rules and the
    # scoring read a document of either version with the same definitions.
    assert [s.id for s in V1.steps] == [s.id for s in V2.steps]
    assert V1.question_ids == V2.question_ids
    assert _differences(V1, V2) == {("auditc_2", "when"), ("auditc_3", "when")}
    assert V1.question("auditc_2").when is None and V1.question("auditc_2").required
    assert V2.question("auditc_2").when is not None


def test_a_version_1_export_of_a_never_drinker_imports_as_given_and_scores_0(tmp_path):
    # Under version 1 everyone answered all three AUDIT-C items.
    answers = make_answers(V1, preferred_name="Robin", auditc_1=0, auditc_2=0, auditc_3=0)
    assert answers["auditc_2"] == 0
    document = {"questionnaire_version": "1", "partners": {"a": answers}}
    import_answers(tmp_path, document)
    couple = Couple.objects.get()
    assert couple.questionnaire_version == "1"
    assert couple.partner("a").submissions.get().questionnaire_version == "1"
    assert export_answers(couple.reference) == document
    auditc = screen(document, Parameters(), datetime.date(2026, 12, 1)).scores["a"]["auditc"]
    assert (auditc.total, auditc.band) == (0, "negative")


def test_a_version_2_document_refuses_auditc_2_for_a_never_drinker(tmp_path):
    answers = make_answers(V2, auditc_1=0)
    assert "auditc_2" not in answers
    answers["auditc_2"] = 0
    with pytest.raises(CommandError) as refused:
        import_answers(tmp_path, {"questionnaire_version": "2", "partners": {"a": answers}})
    assert "auditc_2" in str(refused.value)
    assert not Couple.objects.exists()


def _partner_at_substances(version: str):
    case = services.create_case(questionnaire_version=version)
    partner = case.couple.partner("a")
    seed_steps(partner, make_answers(), steps_before("substances"))
    return client_for(case.links["a"], partner)


@pytest.mark.parametrize(
    ("version", "asked"), [("1", True), ("2", False)], ids=["version-1", "version-2"]
)
def test_a_case_keeps_asking_on_the_version_it_started_on(version, asked):
    client = _partner_at_substances(version)
    answers = make_answers(QUESTIONNAIRES[version], auditc_1=0)
    answers.pop("auditc_2", None)
    response = post_step(client, "substances", answers)
    if asked:
        # Version 1: the typical-day question is asked of everyone, and it is required.
        assert response.status_code == 200
        assert "How many standard drinks" in visible_text(response)
        assert_error_shown(response, "substances-auditc_2")
    else:
        assert response.status_code == 302, visible_text(response)
        assert_no_error(response, "substances-auditc_2")
        assert "auditc_2" not in client.partner.answer_set.answers
