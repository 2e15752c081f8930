"""The declarative rules raise the same flags as the old hand-written ones.

`screening.legacy_rules` keeps the old catalogue only for this test: on random valid answers
documents, the flags (rule, partner, severity, evidence and message) of `screening.engine.screen`
must equal the old engine's, which is what `manage.py screen` prints. Delete this test with
`screening/legacy_rules.py` once the new rules are trusted.

Differences made on purpose are excluded here, each by name (see `KNOWN_DIFFERENCES`); the
tests in test_screening_rules.py say what the new behaviour is.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from intake.questionnaire import QUESTIONNAIRES
from intake.questionnaire.schema import QType
from screening import legacy_rules
from screening.engine import screen
from tests.screening import test_screening_properties as props

QUESTIONNAIRE = QUESTIONNAIRES["1"]

# Multi answers are given in the questionnaire's order, as the wizard saves them: the new rules
# list ticked codes in that order, where the old OB-1 and SU-3 followed the document's order.
MULTI_ORDER = {
    question_id: [choice.code for choice in QUESTIONNAIRE.question(question_id).choices]
    for question_id in QUESTIONNAIRE.question_ids
    if QUESTIONNAIRE.question(question_id).type == QType.MULTI
}

KNOWN_DIFFERENCES: dict[str, str] = {}


def in_questionnaire_order(document: dict[str, Any]) -> dict[str, Any]:
    partners = {
        partner: {
            qid: sorted(value, key=MULTI_ORDER[qid].index) if qid in MULTI_ORDER else value
            for qid, value in answers.items()
        }
        for partner, answers in document["partners"].items()
    }
    return dict(document, partners=partners)


@settings(max_examples=300, deadline=None)
@given(props.documents(), props.PARAMETERS, props.EVALUATION)
def test_the_declarative_rules_raise_what_the_old_rules_raised(document, params, evaluated):
    document = in_questionnaire_order(document)
    new = [flag.as_dict() for flag in screen(document, params, evaluated).flags]
    old = [flag.as_dict() for flag in legacy_rules.flags(document, params, evaluated)]
    assert new == old


def test_the_comparison_covers_every_rule_of_both_catalogues():
    from screening.rules import RULES

    assert [rule.id for rule in RULES] == [rule.id for rule in legacy_rules.RULES]
    assert sum(rule.declared is not None for rule in RULES) >= 20
