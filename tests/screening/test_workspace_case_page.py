"""The case page, as the clinician reads it. Both partners' progress, the scores with
bands side by side, the flags by severity with their evidence in the questionnaire's own words,
every answer of both partners side by side (private ones marked), the discordance table; what
is missing is shown as missing."""

from __future__ import annotations

import copy
import re

import pytest

from intake import services as intake_services
from intake.demo import demo_document, make_answers
from intake.questionnaire import CURRENT
from intake.questionnaire.display import display_value, not_an_answer
from tests.dates import minute
from tests.factories import document, imported_case, plain_case
from tests.intake.helpers import (
    element_text,
    flag_articles,
    section_html,
    seed_steps,
    table_rows,
    visible_text,
)

pytestmark = pytest.mark.django_db


def case_page(people, couple=None):
    couple = couple or people.couple
    response = people.clinician.get(f"/clinic/cases/{couple.reference}/")
    assert response.status_code == 200
    return response


def partner_card(response, label: str) -> str:
    return element_text(response, rf'aria-labelledby="partner-{label}"')[0]


def evidence_pairs(response, rule: str, partner: str) -> list[tuple[str, str]]:
    html = response.content.decode()
    for match in re.finditer(rf'<article class="flag[^"]*"[^>]*data-flag="{rule}"', html):
        article = html[match.start() : html.index("</article>", match.end())]
        heading = visible_text(re.search(r"<h4.*?</h4>", article, re.S).group(0))
        if f"· {partner} ·" in heading:
            return [
                (visible_text(dt), visible_text(dd))
                for dt, dd in re.findall(
                    r"<dt\b[^>]*>(.*?)</dt><dd\b[^>]*>(.*?)</dd>", article, flags=re.S
                )
            ]
    raise AssertionError(f"no {rule} flag for {partner}")


def flag_groups(response) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(heading, [(rule, partner), ...]), ...] in page order."""
    section = section_html(response, "flags-heading")
    groups = []
    for chunk in section.split("<h3")[1:]:
        heading = visible_text("<h3" + chunk[: chunk.index("</h3>")])
        flags = [
            (rule, re.search(r"· (couple|partner [AB]) ·", visible_text(rest)).group(1))
            for rule, rest in re.findall(r'data-flag="([^"]+)".*?(<h4.*?</h4>)', chunk, flags=re.S)
        ]
        groups.append((heading, flags))
    return groups


def answer_tables(response) -> list[tuple[str, list[list[str]]]]:
    """[(step title, rows of [question, partner A, partner B]), ...] in page order."""
    section = section_html(response, "answers-heading")
    steps = []
    for chunk in section.split("<h3")[1:]:
        title = visible_text("<h3" + chunk[: chunk.index("</h3>")])
        rows = table_rows(chunk)
        steps.append((title, rows[1:]))  # without the header row
    return steps


def answer_row(response, question_id: str) -> list[str]:
    label = CURRENT.question(question_id).label
    for _, rows in answer_tables(response):
        for row in rows:
            if row[0].removesuffix(" private") == label:
                return row
    raise AssertionError(f"no row for {question_id}")


# --- partners ------------------------------------------------------------------------------


def test_both_partners_progress(people):
    page = case_page(people)
    a, b = partner_card(page, "a"), partner_card(page, "b")
    assert a.startswith("Partner A: Sam")
    assert b.startswith("Partner B: Alex")
    for card in (a, b):
        assert "Status Submitted" in card
        assert "Progress 12 of 12 steps" in card
    assert "Age 38 (born 2 April 1988)" in a  # on the appointment date, 15 January 2027
    assert "Age 41 (born 30 September 1985)" in b
    assert "Status: Awaiting review" in visible_text(page)


def test_progress_of_a_case_still_being_filled_in(people):
    case = intake_services.create_case()
    seed_steps(case.couple.partner("a"), make_answers(preferred_name="Kit"), ["about", "goals"])
    page = case_page(people, case.couple)
    a, b = partner_card(page, "a"), partner_card(page, "b")
    assert a.startswith("Partner A: Kit")
    assert "Status In progress" in a and "Progress 2 of 12 steps" in a
    assert "Status Invited" in b and "Progress 0 of 12 steps" in b
    assert "Age missing" in b
    text = visible_text(page)
    assert "Status: Filling in" in text
    assert "No flags yet: the answers are screened when a partner submits." in text
    assert 'aria-labelledby="scores-heading"' not in page.content.decode()


# --- scores --------------------------------------------------------------------------------


def test_scores_with_bands_side_by_side(people):
    rows = table_rows(section_html(case_page(people), "scores-heading"))
    assert rows == [
        ["Instrument", "Partner A", "Partner B"],
        ["PHQ-9", "8 · mild", "0 · minimal"],
        ["GAD-7", "7 · mild", "0 · minimal"],
        ["PC-PTSD-5", "0 · negative", "0 · negative"],
        ["AUDIT-C", "0 · negative", "5 · positive"],
        ["CSI-4", "13 · notable dissatisfaction", "4 · notable dissatisfaction"],
        ["HARK", "0 · negative", "0 · negative"],
    ]


def test_a_score_with_a_missing_item_is_missing_never_zero(people):
    data = copy.deepcopy(demo_document())
    b = data["partners"]["b"]
    del b["phq9_5"]  # one PHQ-9 item unanswered
    for key in [k for k in b if k.startswith("pcptsd") or k == "ptsd_event"]:
        del b[key]
    b["ptsd_declined"] = True  # the section declined
    case = imported_case(data)
    scores = section_html(case_page(people, case.couple), "scores-heading")
    rows = {row[0]: row[1:] for row in table_rows(scores)}
    assert rows["PHQ-9"] == ["8 · mild", "missing"]
    assert rows["PC-PTSD-5"] == ["0 · negative", "missing"]
    assert rows["GAD-7"] == ["7 · mild", "0 · minimal"]


# --- flags ---------------------------------------------------------------------------------


def test_flags_grouped_by_severity_with_their_messages(people):
    page = case_page(people)
    assert flag_groups(page) == [
        ("Urgent 1", [("SI-2", "partner A")]),
        ("High 2", [("VOL-1", "partner B"), ("CV-2", "partner B")]),
        (
            "Review 4",
            [
                ("CV-4", "partner A"),
                ("SU-2", "partner B"),
                ("RX-2", "partner B"),
                ("LG-1", "partner A"),
            ],
        ),
        (
            "Info 4",
            [("RL-1", "partner A"), ("RL-1", "partner B"), ("CP-1", "couple"), ("CP-2", "couple")],
        ),
    ]
    cards = flag_articles(page)
    assert "Reports a heart attack in May 2026 (within 12 months" in cards[("CV-2", "partner B")]
    assert "No disposition yet." in cards[("SI-2", "partner A")]
    assert "No disposition yet." not in cards[("RL-1", "partner A")]  # info: no review needed
    info_group = section_html(page, "flags-heading").split('class="badge sev-info"')[1]
    assert 'name="outcome"' not in info_group
    text = visible_text(page)
    assert "Urgent review needed." in text
    assert "They are not a diagnosis; the prescriber decides." in text


def test_evidence_is_the_question_wording_and_the_answer_given(people):
    page = case_page(people)
    phq9_9 = CURRENT.question("phq9_9")
    assert evidence_pairs(page, "SI-2", "partner A") == [(phq9_9.label, "Several days")]
    assert phq9_9.label == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert evidence_pairs(page, "CV-2", "partner B") == [
        ("Have you ever had a heart attack?", "Yes"),
        ("When was your most recent heart attack?", "May 2026"),
    ]
    assert evidence_pairs(page, "VOL-1", "partner B") == [
        ("Has anyone pressured you to take part?", "Yes"),
        (CURRENT.question("free_to_decline").label, "I'm not sure"),
    ]
    assert evidence_pairs(page, "RX-2", "partner B") == [
        (
            CURRENT.question("med_classes").label,
            "Benzodiazepines (lorazepam, clonazepam, diazepam, alprazolam)",
        )
    ]
    assert evidence_pairs(page, "CP-1", "couple") == [
        (
            CURRENT.question("relationship_intent").label,
            "A: I want us to stay together; B: I'm thinking about separating",
        ),
        (CURRENT.question("readiness").label, "A: 8; B: 2"),
        (
            CURRENT.question("goal_areas").label,
            "A: Talking and listening to each other; Trust; "
            "B: Deciding whether to stay together or separate; My own personal growth",
        ),
    ]


# --- every answer, side by side ------------------------------------------------------------


def test_every_answer_of_both_partners_side_by_side_step_by_step(people):
    page = case_page(people)
    document = demo_document()
    answers = document["partners"]
    tables = answer_tables(page)
    assert [title for title, _ in tables] == [step.title for step in CURRENT.steps]
    for (title, rows), step in zip(tables, CURRENT.steps, strict=True):
        asked = [
            q
            for q in step.questions
            if not q.unit_of  # shown with its number
            and not q.none_for  # "I have no allergies": said in the allergies row
            and any(q.when is None or q.when.holds(answers[label]) for label in "ab")
        ]
        assert [row[0].removesuffix(" private") for row in rows] == [q.label for q in asked], title
        for row, question in zip(rows, asked, strict=True):
            assert len(row) == 3
            for label, cell in zip("ab", row[1:], strict=True):
                if question.when is not None and not question.when.holds(answers[label]):
                    said = not_an_answer(CURRENT, question, answers[label])
                    assert cell == (said or "not asked"), (question.id, label)
                else:
                    expected = display_value(
                        question, answers[label].get(question.id), answers[label]
                    )
                    assert cell == (expected or "not answered"), (question.id, label)
    assert answer_row(page, "preferred_name") == [
        "What name would you like us to call you?",
        "Sam",
        "Alex",
    ]
    assert answer_row(page, "heart_attack_when")[1:] == ["not asked", "May 2026"]
    assert answer_row(page, "gender_identity")[1:] == ["not answered", "not answered"]


def test_private_answers_are_marked_private(people):
    page = case_page(people)
    private = {"whose_idea", "free_to_decline", "pressured"} | {
        q.id for q in CURRENT.step("safety").questions if q.when is None
    }
    for question_id in private:
        assert answer_row(page, question_id)[0].endswith(" private"), question_id
    for question_id in ("preferred_name", "goals_self", "readiness", "csi_1", "phq9_9"):
        assert not answer_row(page, question_id)[0].endswith("private"), question_id
    shared = display_value(CURRENT.question("whose_idea"), "shared")
    assert shared and answer_row(page, "whose_idea")[1:] == [shared, shared]


def test_missing_answers_are_shown_as_missing(people):
    data = copy.deepcopy(demo_document())
    for key in ("readiness", "goal_areas", "email"):
        del data["partners"]["b"][key]
    for label in ("a", "b"):
        del data["partners"][label]["relationship_intent"]
    case = imported_case(data)
    page = case_page(people, case.couple)
    assert answer_row(page, "readiness")[1:] == ["8", "not answered"]
    assert answer_row(page, "goal_areas")[1:] == [
        "Talking and listening to each other; Trust",
        "not answered",
    ]
    assert answer_row(page, "email")[1:] == ["sam@example.com", "not answered"]
    discordance = table_rows(section_html(page, "disc-heading"))
    assert discordance[1] == [
        "Goal areas",
        "Talking and listening to each other; Trust",
        "missing",
        "",  # no comparison with a missing answer: not "nothing shared"
    ]
    assert discordance[2] == ["Relationship intent", "missing", "missing", ""]  # not "Same"
    assert discordance[3] == ["Readiness (0–10)", "8", "missing", ""]


# --- discordance -----------------------------------------------------------------------------


def test_the_discordance_table(people):
    rows = table_rows(section_html(case_page(people), "disc-heading"))
    assert rows == [
        ["Topic", "Partner A", "Partner B", "Comparison"],
        [
            "Goal areas",
            "Talking and listening to each other; Trust",
            "Deciding whether to stay together or separate; My own personal growth",
            "Nothing shared",
        ],
        [
            "Relationship intent",
            "I want us to stay together",
            "I'm thinking about separating",
            "Differs",
        ],
        ["Readiness (0–10)", "8", "2", "Difference 6"],
        ["CSI-4 total (0–21)", "13", "4", "Difference 9"],
    ]


def test_the_discordance_table_of_a_couple_who_agree(people):
    case = plain_case()
    rows = table_rows(section_html(case_page(people, case.couple), "disc-heading"))
    assert rows[1:] == [
        [
            "Goal areas",
            "Talking and listening to each other; Trust",
            "Talking and listening to each other; Trust",
            "Shared: Talking and listening to each other; Trust",
        ],
        ["Relationship intent", "I want us to stay together", "I want us to stay together", "Same"],
        ["Readiness (0–10)", "7", "7", "Difference 0"],
        ["CSI-4 total (0–21)", "13", "13", "Difference 0"],
    ]


def test_the_discordance_table_while_one_partner_has_not_started(people):
    case = imported_case(document(a=demo_document()["partners"]["a"]))
    rows = table_rows(section_html(case_page(people, case.couple), "disc-heading"))
    assert rows[1:] == [
        ["Goal areas", "Talking and listening to each other; Trust", "missing", ""],
        ["Relationship intent", "I want us to stay together", "missing", ""],
        ["Readiness (0–10)", "8", "missing", ""],
        ["CSI-4 total (0–21)", "13", "missing", ""],
    ]


def test_what_a_partner_typed_is_shown_as_text_never_as_markup(people):
    data = copy.deepcopy(demo_document())
    data["partners"]["a"]["preferred_name"] = "<b>Sam</b>"
    data["partners"]["a"]["goals_self"] = '<script>alert("x")</script>'
    case = imported_case(data)
    html = case_page(people, case.couple).content.decode()
    assert "<b>Sam</b>" not in html and "<script>alert" not in html
    assert "&lt;b&gt;Sam&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    queue = people.clinician.get("/clinic/", {"q": "<b>Sam"}).content.decode()
    assert case.couple.reference in queue
    assert 'value="&lt;b&gt;Sam"' in queue


def test_dates_on_the_case_page_are_in_words_never_iso(people):
    page = case_page(people)
    text = visible_text(page)
    created = people.couple.created_at
    assert f"created {minute(created)} · first appointment 15 January 2027" in text
    assert "Reports a heart attack in May 2026 (within 12 months" in text
    assert not re.search(r"\b\d{4}-\d{2}\b", text), re.findall(r".{30}\d{4}-\d{2}.{10}", text)
