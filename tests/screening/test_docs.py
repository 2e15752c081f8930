"""docs/questionnaire.md and docs/rules.md are generated from the definitions: the committed
copies must be what `manage.py docs` writes, and must name every question and rule."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from intake.questionnaire import CURRENT
from screening.engine import RULES
from screening.reference import describe, documents, stale

DOCS = Path(settings.BASE_DIR) / "docs"


def test_committed_reference_documents_are_up_to_date():
    assert stale(DOCS) == [], "run `manage.py docs` and commit docs/"
    call_command("docs", "--check")


def test_check_fails_on_a_stale_document(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rules.md").write_text("old text", encoding="utf-8")
    with pytest.raises(CommandError, match=r"docs/questionnaire.md, docs/rules.md"):
        call_command("docs", "--check")
    call_command("docs")
    call_command("docs", "--check")


def test_every_question_step_and_rule_is_documented():
    questionnaire = documents()["questionnaire.md"]
    for step in CURRENT.steps:
        assert f"### {step.id}: {step.title}" in questionnaire
        for question in step.questions:
            assert f"| `{question.id}` |" in questionnaire
    rules = documents()["rules.md"]
    for rule in RULES:
        assert f"| {rule.id} | {rule.topic} |" in rules


def test_conditions_are_described_with_their_questions():
    question = CURRENT.question("si_behaviour_3m")
    assert question.when is not None
    assert describe(question.when) == "`si_behaviour` is yes"
    assert "asked when `si_behaviour` is yes" in documents()["questionnaire.md"]
