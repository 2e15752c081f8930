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


def open_link(page: Page, link: str) -> None:
    """Open a partner's private link (given in full, as in the e-mail)."""
    page.goto(link)
    assert "/i/" not in page.url, "the token should leave the address bar at once"


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
    return question.type == QType.BOOL and (question.must_be_true or not question.required)


def _given(step_id: str, answers: dict[str, Any], only=None):
    """(question, field name, value) of each question of the step in `answers` (and `only`),
    in the page's order."""
    step = CURRENT.step(step_id)
    for question in step.questions:
        if question.id in answers and (only is None or question.id in only):
            yield question, field_name(step, question), answers[question.id]


def fill_step(page: Page, step_id: str, answers: dict[str, Any], only=None) -> None:
    """Answer the step's questions on the page from `answers`, in the page's order (so a
    question shown by an earlier answer is there when its turn comes)."""
    for question, name, value in _given(step_id, answers, only):
        if question.type == QType.MEDS:
            for index, row in enumerate(value):
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


def assert_step_shows(page: Page, step_id: str, answers: dict[str, Any], only=None) -> None:
    """Every answer in `answers` for this step is on the page, as it was typed or chosen."""
    for question, name, value in _given(step_id, answers, only):
        if question.type == QType.MEDS:
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
    """The page is this step's (without JavaScript, an error link's #fragment may follow)."""
    path = f"/intake/{_public_id(page)}/{step_id}/"
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(path)}(#.*)?$"))
    expect(page.locator("h1")).to_have_text(CURRENT.step(step_id).title)


def _public_id(page: Page) -> str:
    return page.url.split("/intake/", 1)[1].split("/", 1)[0]
