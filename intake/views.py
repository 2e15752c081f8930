"""The partner's pages: open a private link, the questionnaire wizard, review, submit, exit.

Privacy: every page here is reached only with the partner's own session, set when their
private link is opened. The URLs carry a random, non-secret id of the partner (so two tabs
never mix), never the token, and nothing of the other partner is ever looked up.
"""

from __future__ import annotations

import functools
import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from formtools.wizard.views import NamedUrlWizardView, WizardView

from config.client_ip import client_ip

from . import door, guesses, services
from .forms import MED_PARTS, step_form_class
from .models import AnswerSet, Partner
from .partner_session import (
    SESSION_LINK,
    SESSION_PARTNER,
    link_fingerprint,
    link_in_force,
    neutral,
    session_holds,
    session_partner,
    start_session,
)
from .questionnaire import CURRENT, QUESTIONNAIRES, crisis_contacts
from .questionnaire.display import display_value, not_an_answer
from .questionnaire.schema import Eq, QType, Question, Questionnaire

SESSION_PENDING = "intake_pending_post"
SESSION_CRISIS = "intake_crisis_step"  # the step just saved with an answer that raised it
REVIEW_STEP = "review"
PAGE_KEY = "intake_page"  # a hidden field: which partner's page a POST was made on
PAGE_KEY_SALT = "intake.views.page-key"
FROM = "from"  # ?from=review: a step opened with "Change" on the review page


@never_cache
@require_http_methods(["GET", "HEAD"])
def open_link(request, token: str):
    """A private link: check it, start the partner's session, drop the token from the URL."""
    address = client_ip(request) or "unknown"
    if guesses.limit_reached(address):
        return neutral(request, status=429, template="intake/link_limited.html")
    partner = Partner.objects.for_token(token).first()
    if partner is None:
        guesses.count_failure(address)
        return neutral(request)
    pending = request.session.get(SESSION_PENDING)
    if request.session.get(SESSION_PARTNER) != partner.public_id:
        request.session.pop(door.SESSION_UNLOCKED, None)  # another partner's session before
    request.session.cycle_key()
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_PARTNER] = partner.public_id
    request.session[SESSION_LINK] = link_fingerprint(partner)
    start_session(request)  # ends with the browser, or when idle
    services.mark_started(partner)
    if (
        pending
        and pending.get("public_id") == partner.public_id
        and pending.get("link") == link_fingerprint(partner)  # not from a link since replaced
        and not partner.is_submitted
    ):
        _apply_pending_post(partner, pending)
    return redirect("intake:resume", public_id=partner.public_id)


def _apply_pending_post(partner: Partner, pending: dict[str, Any]) -> None:
    """Save a step that was posted after the session had ended (nothing typed is lost)."""
    questionnaire = QUESTIONNAIRES[partner.couple.questionnaire_version]
    step_id = pending.get("step")
    if step_id not in [s.id for s in questionnaire.steps] or step_id == REVIEW_STEP:
        return
    with transaction.atomic():
        answer_set = AnswerSet.objects.select_for_update().get(partner=partner)
        data = pending.get("data") or {}
        form = step_form_class(questionnaire.step(step_id), questionnaire.version)(
            data=MultiValueDict(data), prefix=step_id
        )
        valid = form.is_valid()
        state = answer_set.wizard_state or {}
        state.setdefault("step_data", {})[step_id] = data
        state.setdefault("step_files", {})
        state.setdefault("extra_data", {})
        state.setdefault("step", step_id)
        answer_set.wizard_state = state
        services.save_step(answer_set, step_id, form.answers(), complete=valid)


def page_key(partner: Partner) -> str:
    """Signed into every step page: whose page it is, and which issue of their link it was
    opened with."""
    return signing.Signer(salt=PAGE_KEY_SALT).sign(
        f"{partner.public_id}:{link_fingerprint(partner)}"
    )


def _posted_from_page_of(request, public_id: str) -> str | None:
    """The POST came from a page rendered for this partner with their link in force now, not
    one made up by someone else, nor one from a link revoked or replaced since. Returns the
    link's fingerprint, or None.

    Only then is a POST without the partner's session kept for later: otherwise the other
    partner (or whoever had a leaked link), on a shared computer, could post answers that land
    in this partner's draft when they next open their link there.
    """
    try:
        value = signing.Signer(salt=PAGE_KEY_SALT).unsign(request.POST.get(PAGE_KEY, ""))
    except signing.BadSignature:
        return None
    posted_id, _, fingerprint = value.partition(":")
    if not public_id or posted_id != public_id:
        return None
    partner = Partner.objects.filter(public_id=public_id).first()
    if partner is None or not link_in_force(partner):
        return None
    return fingerprint if fingerprint == link_fingerprint(partner) else None


def _draft_data(items) -> dict[str, list[str]]:
    """Posted fields as kept in the draft, without NUL characters: PostgreSQL cannot store
    them in JSON (a 500 on any field with one), and no answer needs them."""
    return {
        key.replace("\x00", ""): [v.replace("\x00", "") for v in values] for key, values in items
    }


@never_cache
def exit_page(request):
    """ "Exit this page": end the partner's session, then go to a neutral website."""
    request.session.flush()
    response = HttpResponseRedirect(settings.EXIT_PAGE_URL)
    response["Referrer-Policy"] = "no-referrer"
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@never_cache
def submitted(request, public_id: str):
    partner = session_partner(request, public_id)
    if partner is None:
        return neutral(request)
    if (closed := door.gate(request, partner)) is not None:
        return closed
    if not partner.is_submitted:
        return redirect("intake:resume", public_id=public_id)
    return render(request, "intake/submitted.html", {"partner": partner})


def _questionnaire_for(partner: Partner) -> Questionnaire:
    return QUESTIONNAIRES[partner.couple.questionnaire_version]


def form_list_for(questionnaire: Questionnaire):
    return [(step.id, step_form_class(step, questionnaire.version)) for step in questionnaire.steps]


@functools.cache
def _initkwargs(version: str) -> dict[str, Any]:
    return IntakeWizard.get_initkwargs(**IntakeWizard.wizard_kwargs(QUESTIONNAIRES[version]))


@method_decorator(never_cache, name="dispatch")
class IntakeWizard(NamedUrlWizardView):
    """formtools' named-URL wizard, used as formtools intends: one named step per questionnaire
    step (`form_list_for`), conditional steps through `condition_dict`, the draft in a storage
    class (`intake.storage.DraftStorage`, on the partner's answers row), and `done()` after
    formtools' own re-validation of every step (`render_done`).

    Where a health intake needs more than formtools does, it is said at that spot: every step
    is saved as posted, valid or not (`post`); a partner cannot skip ahead to a step not
    reached yet (`get`, `render_goto_step`); a change made from the review page returns there
    (`render_next_step`).
    """

    storage_name = "intake.storage.DraftStorage"
    template_name = "intake/step.html"

    @classmethod
    def wizard_kwargs(cls, questionnaire: Questionnaire) -> dict[str, Any]:
        """formtools' arguments for one questionnaire version: its steps, their conditions."""
        condition_dict = {
            step.id: (lambda wizard, when=step.when: when.holds(wizard.answer_set.answers))
            for step in questionnaire.steps
            if step.when is not None
        }
        return {
            "form_list": form_list_for(questionnaire),
            "condition_dict": condition_dict,
            "url_name": "intake:step",
            "done_step_name": "done",
        }

    @classmethod
    def view(cls):
        """The one view for every questionnaire version (`_use_version` picks the case's)."""
        return cls.as_view(**cls.wizard_kwargs(CURRENT))

    def _use_version(self, questionnaire: Questionnaire) -> None:
        # formtools takes its form list when the view is made (`as_view`); a case is
        # answered on the version it started on (docs/questionnaire.md, Versions), so the
        # partner's version's list replaces it before formtools reads it. A view instance
        # serves one request.
        if questionnaire is not CURRENT:
            for name, value in _initkwargs(questionnaire.version).items():
                setattr(self, name, value)

    # -- who is asking ----------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            with transaction.atomic():
                # Lock the draft row: two tabs saving at once never overwrite each other.
                return self._dispatch(request, *args, lock=True, **kwargs)
        return self._dispatch(request, *args, lock=False, **kwargs)

    def _dispatch(self, request, *args, lock, **kwargs):
        public_id = kwargs.get("public_id", "")
        answer_set = None
        session = request.session
        if public_id and session.get(SESSION_PARTNER) == public_id and SESSION_LINK in session:
            drafts = AnswerSet.objects.select_related("partner__couple")
            if lock:
                drafts = drafts.select_for_update(of=("self",))
            try:
                answer_set = drafts.get(partner__public_id=public_id)
            except AnswerSet.DoesNotExist:
                answer_set = None
        if answer_set is None:
            link = (
                request.method == "POST"
                and kwargs.get("step") not in (None, REVIEW_STEP)
                and _posted_from_page_of(request, public_id)
            )
            kept = bool(link)
            if kept:
                # Keep what was typed; it is saved when this partner's link is opened again.
                request.session[SESSION_PENDING] = {
                    "public_id": public_id,
                    "link": link,
                    "step": kwargs["step"],
                    "data": _draft_data(
                        (k, v) for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"
                    ),
                }
            return render(request, "intake/session_ended.html", {"kept": kept}, status=403)
        partner = answer_set.partner
        if not session_holds(request, partner):
            request.session.flush()  # the link was revoked or reissued: nothing is kept
            return neutral(request)
        if (closed := door.gate(request, partner)) is not None:
            return closed  # the start page, consent or the resume code come first
        if partner.is_submitted:
            return redirect("intake:submitted", public_id=public_id)
        self.partner = partner
        self.questionnaire = _questionnaire_for(partner)
        self._use_version(self.questionnaire)
        self.answer_set = request.answer_set = answer_set
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        return f"intake_{kwargs.get('public_id', '')}"

    def get_step_url(self, step):
        return reverse(self.url_name, kwargs={"public_id": self.partner.public_id, "step": step})

    # -- where they may go ----------------------------------------------------------------

    def first_unfinished_step(self) -> str:
        completed = set(self.answer_set.completed_steps)
        for step in self.get_form_list():
            if step not in completed:
                return step
        return self.steps.last

    def allowed_steps(self) -> list[str]:
        steps = list(self.get_form_list())
        first_open = self.first_unfinished_step()
        return steps[: steps.index(first_open) + 1]

    def resume_redirect(self):
        return HttpResponseRedirect(self.get_step_url(self.first_unfinished_step()))

    def returning_to_review(self) -> bool:
        """The step was opened with "Change" on the review page (`?from=review`)."""
        return self.request.GET.get(FROM) == REVIEW_STEP

    def _step_url(self, step: str, *, more: int = 0, to_review: bool = False) -> str:
        query = {}
        if more:
            query["more"] = str(more)
        if to_review and step != REVIEW_STEP:
            query[FROM] = REVIEW_STEP
        url = self.get_step_url(step)
        return f"{url}?{urlencode(query)}" if query else url

    # -- the draft, step by step ------------------------------------------------------------

    def _more_rows(self) -> int:
        """How many times "Save and add more rows" was pressed (from ?more=N, capped)."""
        more = self.request.GET.get("more", "")
        return min(int(more), 10) if more.isascii() and more.isdigit() else 0  # not "²"

    def get_form_kwargs(self, step=None):
        return {"more_rows": self._more_rows()}

    def process_step(self, form):
        """Keep only this step's own fields of the POST (no CSRF token, no buttons)."""
        prefix = f"{self.get_form_prefix(self.steps.current)}-"
        return _draft_data((k, v) for k, v in form.data.lists() if k.startswith(prefix))

    def get(self, *args, **kwargs):
        # formtools lets a named-URL wizard open any step, and its "done" URL submits on a GET.
        # Here a partner goes no further than their first unfinished step (every step before
        # it is answered), and nothing is submitted by a GET: "done" is not a step they can
        # open (the review step's POST submits, see render_done).
        if kwargs.get("step") not in self.allowed_steps():
            return self.resume_redirect()
        return super().get(*args, **kwargs)

    def post(self, *args, **kwargs):
        # formtools keeps a step only once it validates, and its "Back" (wizard_goto_step)
        # drops what was typed on the page. A health intake must keep every answer typed
        # (docs/design.md): the posted step is saved first, valid or not, under the draft's row
        # lock; then formtools' own POST carries on (Back, validation, next step, done).
        step = kwargs.get("step")
        # "Exit this page" sends the step's fields first (see static/js/app.js): saved like
        # any other save, an unfinished step kept as the draft, and the urgent check run;
        # the answer is empty, for the page goes on to the neutral site at once.
        exiting = self.request.POST.get("wizard_exit") == "1"
        if step not in self.allowed_steps() or step == self.done_step_name:
            return HttpResponse(status=204) if exiting else self.resume_redirect()
        if exiting and (
            step == REVIEW_STEP  # nothing typed there; submitting takes its own button
            or not _posted_from_page_of(self.request, self.partner.public_id)
        ):
            return HttpResponse(status=204)
        self.storage.current_step = step
        current = f"{self.prefix}-current_step"  # formtools' management form
        if current not in self.request.POST:
            # A page without formtools' management form (one rendered before it was there,
            # open in a tab across an upgrade) is still its URL's step: formtools would refuse
            # it (a 400) and what was typed on it would be lost.
            self.request.POST = self.request.POST.copy()
            self.request.POST[current] = step
        elif self.request.POST.get(current) != step:
            # not a page of this step: nothing is saved
            return HttpResponse(status=204) if exiting else self.resume_redirect()
        form = self.get_form(step, data=self.request.POST)
        valid = form.is_valid()
        self.storage.set_step_data(step, self.process_step(form))
        step_answers = form.answers()
        services.save_step(self.answer_set, step, step_answers, complete=valid)
        if exiting:
            return HttpResponse(status=204)
        # Without JavaScript, an answer that raises the crisis panel is saved, and the page
        # comes back with the panel under that answer before the partner moves on (with
        # JavaScript, the panel was shown there as soon as the answer was chosen). A step
        # with errors is shown again anyway, with the panel and the errors.
        raised = self._alert_raised(step, step_answers)
        posted = self.request.POST
        moving = valid or posted.get("wizard_goto_step") or posted.get("wizard_more_rows")
        if raised and moving and posted.get("js") != "1" and posted.get("crisis_shown") != "1":
            self.request.session[SESSION_CRISIS] = step
            url = self._step_url(step, to_review=self.returning_to_review())
            return HttpResponseRedirect(f"{url}#question-{raised}")
        self._steps_before = list(self.get_form_list())
        self._forget_form_list()  # conditions may have changed with the new answers
        self._posted_form = form
        if self.request.POST.get("wizard_more_rows"):
            more = self._more_rows() + 1
            url = self._step_url(step, more=more, to_review=self.returning_to_review())
            return HttpResponseRedirect(f"{url}#medicines")
        return super().post(*args, **kwargs)

    def _forget_form_list(self):
        for name in ("_resolved_form_list", "_cache_signature"):
            self.__dict__.pop(name, None)

    def get_form(self, step=None, data=None, files=None):
        # The POST's form was validated once already when it was saved (see post).
        posted = getattr(self, "_posted_form", None)
        if posted is not None and data is self.request.POST and step in (None, posted.prefix):
            self.get_form_list()  # as formtools' get_form does (its POST then clears the cache)
            return posted
        return super().get_form(step, data, files)

    def render_goto_step(self, goto_step, **kwargs):
        # "Back", or a step's name posted by hand: only to a step the partner has reached.
        if goto_step not in self.allowed_steps():
            return self.resume_redirect()
        return super().render_goto_step(goto_step, **kwargs)

    def render_next_step(self, form, **kwargs):
        if not self.returning_to_review():
            return super().render_next_step(form, **kwargs)
        # A change made from the review page goes back to it; later steps are not walked
        # again, unless the change opened a step that now needs answers (a step's condition
        # in condition_dict now holds): the partner is taken there first, and told why.
        needed = self.first_unfinished_step()
        if needed != REVIEW_STEP:
            title = self.questionnaire.step(needed).title
            if needed in getattr(self, "_steps_before", [needed]):
                why = f"“{title}” still needs your answers before you can submit."
            else:
                why = f"Your change means “{title}” now applies to you: please answer it."
            messages.info(self.request, f"{why} Then you go back to the review.")
        self.storage.current_step = needed
        return HttpResponseRedirect(self._step_url(needed, to_review=True))

    def render_done(self, form, **kwargs):
        # formtools' named-URL wizard would redirect to its "done" URL and submit on that GET;
        # here the review step's POST re-validates every step and submits (formtools' own
        # WizardView.render_done: a step that no longer validates is opened instead).
        return WizardView.render_done(self, form, **kwargs)

    def done(self, form_list, **kwargs):
        answers: dict[str, Any] = {}
        for form in form_list:
            answers.update(form.answers())
        ordered = {qid: answers[qid] for qid in self.questionnaire.question_ids if qid in answers}
        services.submit(self.partner, ordered)
        return redirect("intake:submitted", public_id=self.partner.public_id)

    def _alert_raised(self, step_id: str, answers: dict[str, Any]) -> str:
        """The first question of the step whose answer raises the crisis panel, or ""."""
        step = self.questionnaire.step(step_id)
        for question in step.questions:
            if question.alert is not None and question.alert.holds(answers):
                return question.id
        return ""

    # -- the page ---------------------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.questionnaire.step(self.steps.current)
        steps = list(self.get_form_list())
        index = steps.index(step.id)
        answers = self.answer_set.answers
        unanswered: list[str] = []
        if (
            self.request.method == "GET"
            and form.is_bound
            and step.id not in self.answer_set.completed_steps
        ):
            # Back at a step saved unfinished: what is still to answer is marked, not an error.
            unanswered = form.hide_missing_answer_errors()
        to_review = self.returning_to_review() and step.id != REVIEW_STEP
        just_saved = self.request.session.pop(SESSION_CRISIS, None) == step.id
        raised = self._alert_raised(step.id, answers)
        alerting = [q.id for q in step.questions if q.alert is not None]
        context.update(
            {
                "partner": self.partner,
                "page_key": page_key(self.partner),
                "step": step,
                "step_number": index + 1,
                "step_count": len(steps),
                "sections": _sections(step, form),
                "unanswered": unanswered,
                "prev_step": steps[index - 1] if index else None,
                "is_review": step.id == REVIEW_STEP,
                "to_review": to_review,
                "opened_by_change": _opened_questions(step, form) if to_review else [],
                # The panel goes right under the answer that raised it (hidden under the
                # first safety question until then: the page's script moves it).
                "show_crisis": bool(raised),
                "crisis_after": raised or (alerting[0] if alerting else ""),
                "crisis_just_saved": just_saved,
                "crisis_contacts": crisis_contacts(settings.CRISIS_REGION),
                "conditions": {
                    q.id: q.when.as_json()
                    for q in step.questions
                    if q.when is not None and not q.unit_of
                },
                "alerts": {q.id: q.alert.as_json() for q in step.questions if q.alert is not None},
            }
        )
        if step.id == REVIEW_STEP:
            context["review"] = review_rows(self.questionnaire, answers, steps)
            context["incomplete_steps"] = [
                self.questionnaire.step(s)
                for s in steps
                if s != REVIEW_STEP and s not in self.answer_set.completed_steps
            ]
        return context


def _opened_questions(step, form) -> list[Question]:
    """The questions a condition opened that still need an answer (a change made from the
    review page asks for them before going back)."""
    if not form.is_bound or not form.errors:
        return []
    return [q for q in step.questions if q.when is not None and q.id in form.errors]


def _sections(step, form):
    sections = []
    for section in step.sections:
        items: list[dict[str, Any]] = []
        boxes = {
            q.id: {"question": q, "field": form[q.id], "follow_ups": []} for q in section.items
        }
        for question in section.questions:
            if question.unit_of:
                continue  # chosen beside its number's box
            if question.id in boxes:
                if not any("boxes" in item for item in items):
                    items.append(
                        {
                            "question": question,
                            "checklist": section,
                            "boxes": list(boxes.values()),
                            "none": form[section.none_name],
                        }
                    )
                continue
            if question.type == QType.MEDS:
                item = {
                    "question": question,
                    "meds": form.med_row_fields(question.id),
                    "med_headings": [label for _, label, _ in MED_PARTS],
                }
            else:
                kind = _kind(question)
                item = {"question": question, "field": form[question.id], "kind": kind}
                if kind == "scale":  # on a phone two columns, read down: how many rows
                    item["rows"] = math.ceil(len(question.choices) / 2)
            parent = _follows(question, boxes)
            if parent is not None:
                boxes[parent]["follow_ups"].append(item)  # shown under its box
            else:
                items.append(item)
        sections.append({"section": section, "items": items})
    return sections


def _kind(question: Question) -> str:
    """How the options are laid out: yes/no side by side, a scale's short options in columns,
    a 0-10 scale's numbers in a row; anything else one option a line."""
    if question.type == QType.BOOL and question.required and not question.must_be_true:
        return "yes-no"
    if question.type == QType.INT and question.choices:
        labels = [choice.label for choice in question.choices]
        if all(label.isdigit() for label in labels[1:-1]) and len(labels) > 6:
            return "numbers"
        if max(len(label) for label in labels) <= 24:
            return "scale"
    return ""


def _follows(question: Question, boxes: dict[str, Any]) -> str | None:
    """The checklist box a follow-up question is asked after (when that box is ticked)."""
    when = question.when
    if isinstance(when, Eq) and when.value is True and when.question in boxes:
        return when.question
    return None


def review_rows(questionnaire: Questionnaire, answers: dict[str, Any], steps: list[str]):
    """The partner's own answers, grouped by step, for the review page: (wording, answer,
    short) rows, `short` for an answer that fits beside its question on a phone. A checklist
    is one row, as it was asked: the boxes ticked, or "None of these"."""
    groups = []
    for step_id in steps:
        if step_id == REVIEW_STEP:
            continue
        step = questionnaire.step(step_id)
        rows = []
        for section in step.sections:
            items = section.items
            for question in section.questions:
                if question.unit_of or question.none_for:
                    continue  # said with its number, or in the row of the question it is for
                if question.when is not None and not question.when.holds(answers):
                    said = not_an_answer(questionnaire, question, answers)
                    if said:
                        rows.append((question.label, said.capitalize()))
                    continue
                if question in items:
                    if question is items[0]:
                        rows.append((section.checklist, _checklist_value(section, answers)))
                    continue
                rows.append(
                    (question.label, display_value(question, answers.get(question.id), answers))
                )
        groups.append((step, [(label, value, _short(label, value)) for label, value in rows]))
    return groups


def _short(label: str, value: Any) -> bool:
    """Short enough to stand beside its question on a phone ("Not answered" too): a few words,
    or a longer answer to a short question when both fit one line (the question's small type
    is about 4/5 as wide as the answer's)."""
    if not isinstance(value, str) or "\n" in value:
        return False
    return len(value) <= 14 or len(label) + 1.25 * len(value) <= 48


def _checklist_value(section, answers: dict[str, Any]) -> str:
    values = [answers.get(q.id) for q in section.items]
    if any(value is None for value in values):
        return ""  # not answered yet
    ticked = [q.item for q in section.items if answers.get(q.id) is True]
    return "\n".join(ticked) if ticked else section.none_label
