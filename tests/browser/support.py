"""Helpers for the browser tests: filling the questionnaire as a person does, axe-core checks,
screenshots at phone and desktop widths, and the clinician's sign-in."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page, expect

from intake.questionnaire import CURRENT
from intake.questionnaire.schema import QType, Question, Step
from tests.factories import RESUME_CODE
from tests.pageform import grouped_post

CHROMIUM = "/usr/bin/chromium"  # Debian's, never one Playwright downloads
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = (("phone", PHONE), ("desktop", DESKTOP))

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
SCREENSHOTS_TAKEN: list[Path] = []

AXE_URL = "/static/vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES_CHECKED: set[str] = set()  # the page types axe-core passed, for the end of the run

STEP_IDS = [step.id for step in CURRENT.steps]


# --- the page as the browser shows it -------------------------------------------------------


def watch_console(page: Page) -> None:
    """Keep the page's console errors (a Content-Security-Policy refusal is one). A page
    served with an error status on purpose (403, 404) is not one."""
    page.console_errors = []  # type: ignore[attr-defined]
    documents: set[str] = set()

    def keep(message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource: the server responded with a ") and (
            message.location.get("url") in documents
        ):
            return
        page.console_errors.append(message.text)  # type: ignore[attr-defined]

    page.on(
        "request",
        lambda request: documents.add(request.url) if request.is_navigation_request() else None,
    )
    page.on("console", keep)


def shoot(page: Page, name: str, check=None) -> None:
    """Full-page screenshots at phone and desktop widths (after `check(page)` at each width,
    if given); the page's own width is restored."""
    if not SCREENSHOTS_TAKEN and SCREENSHOT_DIR.exists():
        shutil.rmtree(SCREENSHOT_DIR)  # this run's screenshots only
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in WIDTHS:
        page.set_viewport_size(size)
        if check is not None:
            check(page)
        page.evaluate("() => window.scrollTo(0, 0)")  # sticky bars where they are at the top
        path = SCREENSHOT_DIR / f"{name}-{label}.png"
        page.screenshot(path=path, full_page=True, animations="disabled", caret="initial")
        SCREENSHOTS_TAKEN.append(path)
    if original:
        page.set_viewport_size(original)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A <script src> from the app's own origin: allowed by its Content-Security-Policy.
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(' '), summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )


def assert_accessible(page: Page, page_type: str) -> None:
    """No WCAG 2.1 A/AA violation, every form field labelled, no console error (CSP)."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page_type} ({page.url}):\n" + json.dumps(
        violations, indent=2
    )
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter((el) => el.type !== 'hidden')
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby'))
            .map((el) => el.name || el.id)"""
    )
    assert not unlabelled, f"fields without a label on {page_type}: {unlabelled}"
    errors = page.console_errors  # type: ignore[attr-defined]
    assert not errors, f"console errors on {page_type}: {errors}"
    PAGES_CHECKED.add(page_type)


def check_page(page: Page, page_type: str, screenshot: str) -> None:
    """At phone and at desktop width: axe-core on the page, then a screenshot."""
    shoot(page, screenshot, check=lambda page: assert_accessible(page, page_type))


def focus_ring(page: Page) -> dict[str, str]:
    """The focused element and how its focus is drawn."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {name: el.name || el.id || el.tagName, outlineStyle: style.outlineStyle,
                    outlineWidth: style.outlineWidth, outlineColor: style.outlineColor,
                    boxShadow: style.boxShadow};
        }"""
    )


def assert_focus_visible(page: Page) -> dict[str, str]:
    ring = focus_ring(page)
    assert ring["outlineStyle"] not in ("none", "") and float(ring["outlineWidth"][:-2]) >= 2, ring
    return ring


def visible_text(page: Page) -> str:
    return page.locator("body").inner_text()


# --- the questionnaire ---------------------------------------------------------------------


def open_link(page: Page, link: str, *, door: bool = True) -> None:
    """Open a partner's private link (given in full, as in the e-mail); with `door`, pass the
    start page, the consent notice and the resume code as the partner would."""
    page.goto(link)
    assert "/i/" not in page.url, "the token should leave the address bar at once"
    if door:
        pass_door(page)


def pass_door(page: Page, code: str = RESUME_CODE) -> None:
    for _ in range(4):
        if not pass_door_page(page, code):
            return


def pass_door_page(page: Page, code: str = RESUME_CODE) -> bool:
    """Pass the door page the browser shows (as the partner would); False on any other page."""
    path = page.url.split("?")[0]
    if path.endswith("/start/"):
        with page.expect_navigation():
            page.get_by_role("link", name="Continue").click()
    elif path.endswith("/consent/"):
        page.get_by_label("Yes, the clinician may refer to my answers that are not private").check()
        page.get_by_label("I have read this notice and I agree to it.").check()
        page.get_by_label("Your name").fill("Sam")
        with page.expect_navigation():
            page.get_by_role("button", name="I agree").click()
    elif path.endswith("/code/"):
        page.get_by_label("Choose a resume code").fill(code)
        page.get_by_label("Type it again").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Save the code and start").click()
    elif path.endswith("/unlock/"):
        page.get_by_label("Your resume code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    else:
        return False
    return True


def field_name(step: Step, question: Question) -> str:
    return f"{step.id}-{question.id}"


def _control(page: Page, name: str, value: str | None = None):
    selector = f'[name="{name}"]' + (f'[value="{value}"]' if value is not None else "")
    return page.locator(selector)


def choice_value(question: Question, value: Any) -> str:
    if question.type == QType.BOOL:
        return "yes" if value else "no"
    return str(value)


def _is_checkbox(question: Question) -> bool:
    """A box to tick: "I agree", "I'd rather skip", or one of a checklist's boxes."""
    return question.type == QType.BOOL and (
        question.must_be_true or not question.required or bool(question.item)
    )


def _none_of_these(step_id: str, answers: dict[str, Any], only=None):
    """The "None of these" box of each checklist of the step whose questions are all "no"."""
    for section in CURRENT.step(step_id).sections:
        items = section.items
        asked = only is None or all(q.id in only for q in items)
        if items and asked and all(answers.get(q.id) is False for q in items):
            yield f"{step_id}-{section.none_name}"


def _given(step_id: str, answers: dict[str, Any], only=None):
    """(question, field name, value) of each question of the step in `answers` (and `only`),
    in the page's order."""
    step = CURRENT.step(step_id)
    for question in step.questions:
        if question.id in answers and (only is None or question.id in only):
            yield question, field_name(step, question), answers[question.id]


def _grouped(page: Page, name: str) -> bool:
    """Several boxes for one answer (day/month/year, a number and its unit)."""
    return page.locator(f'[name="{name}_0"]').count() > 0


def _boxes(step_id: str, question: Question, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """Each box's name and what a person types or chooses in it for this stored answer."""
    data = grouped_post(question, answers, step_id)
    return [(key, data[key]) for key in data]


def fill_step(page: Page, step_id: str, answers: dict[str, Any], only=None) -> None:
    """Answer the step's questions on the page from `answers`, in the page's order (so a
    question shown by an earlier answer is there when its turn comes)."""
    for question, name, value in _given(step_id, answers, only):
        if question.unit_of:
            continue  # chosen beside its number, with it
        if _grouped(page, name):
            for key, part in _boxes(step_id, question, answers):
                if not part:
                    continue  # a box of the unit not chosen (hidden)
                control = _control(page, key)
                if control.evaluate("(el) => el.tagName") == "SELECT":
                    control.select_option(part)
                else:
                    control.fill(part)
        elif question.type == QType.MEDS:
            for index, row in enumerate(value):
                if not _control(page, f"{name}__{index}__name").is_visible():
                    page.get_by_role("button", name="Add another medicine").click()
                for part in ("name", "dose", "frequency"):
                    _control(page, f"{name}__{index}__{part}").fill(row.get(part, ""))
        elif _is_checkbox(question):
            _control(page, name).set_checked(bool(value))
        elif question.type == QType.MULTI:
            for code in value:
                _control(page, name, code).check()
        elif question.type == QType.BOOL or question.choices:
            _control(page, name, choice_value(question, value)).check()
        else:
            _control(page, name).fill(str(value))
    for name in _none_of_these(step_id, answers, only):
        _control(page, name).check()


def assert_step_shows(page: Page, step_id: str, answers: dict[str, Any], only=None) -> None:
    """Every answer in `answers` for this step is on the page, as it was typed or chosen."""
    for question, name, value in _given(step_id, answers, only):
        if question.unit_of:
            continue
        if _grouped(page, name):
            for key, part in _boxes(step_id, question, answers):
                expect(_control(page, key)).to_have_value(part)
        elif question.type == QType.MEDS:
            for index, row in enumerate(value):
                for part in ("name", "dose", "frequency"):
                    expect(_control(page, f"{name}__{index}__{part}")).to_have_value(row[part])
        elif _is_checkbox(question):
            assert _control(page, name).is_checked() == bool(value), question.id
        elif question.type == QType.MULTI:
            for code in value:
                expect(_control(page, name, code)).to_be_checked()
        elif question.type == QType.BOOL or question.choices:
            expect(_control(page, name, choice_value(question, value))).to_be_checked()
        else:
            expect(_control(page, name)).to_have_value(str(value))


def save_and_continue(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def expect_step(page: Page, step_id: str) -> None:
    """The page is this step's (with ?from=review when opened with "Change" on the review
    page; without JavaScript, an error link's #fragment may follow)."""
    path = f"/intake/{_public_id(page)}/{step_id}/"
    expect(page).to_have_url(
        re.compile(rf"^https?://[^/]+{re.escape(path)}(\?from=review)?(#.*)?$")
    )
    expect(page.locator("h1")).to_have_text(CURRENT.step(step_id).title)


def _public_id(page: Page) -> str:
    return page.url.split("/intake/", 1)[1].split("/", 1)[0]


# --- how long the way through is ------------------------------------------------------


def typical_history() -> dict[str, Any]:
    """A partner with a typical history (bench/journey.py, and the browser test of the whole
    journey): an anaesthetic that once made them sick, a psychedelic years ago, two medicines,
    depression and anxiety in the past, an allergy; nothing else."""
    from intake.demo import make_answers

    return make_answers(
        anaesthesia_reaction=True,
        reaction_details="Felt very sick after a general anaesthetic in 2015.",
        allergies="Penicillin: a rash.",
        medications=[
            {"name": "Sertraline", "dose": "50 mg", "frequency": "once a day"},
            {"name": "Vitamin D", "dose": "1000 IU", "frequency": "once a day"},
        ],
        conditions_told=["depression", "anxiety"],
        prior_psychedelics=True,
        phq9_1=1,
        phq9_2=1,
        gad7_1=1,
        gad7_2=2,
    )


def phone_screens(page: Page) -> float:
    """How many phone screens (844 px high) of scrolling the page is."""
    return page.evaluate("() => document.documentElement.scrollHeight") / PHONE["height"]
