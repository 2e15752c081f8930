"""The partner's pages: open a private link, the questionnaire wizard, review, submit, exit.

Privacy: every page here is reached only with the partner's own session, set when their
private link is opened. The URLs carry a random, non-secret id of the partner (so two tabs
never mix), never the token, and nothing of the other partner is ever looked up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from formtools.wizard.views import NamedUrlWizardView

from config.client_ip import client_ip

from . import guesses, services
from .forms import MED_PARTS, step_form_class
from .models import AnswerSet, Partner
from .questionnaire import CRISIS_CONTACTS, QUESTIONNAIRES
from .questionnaire.display import display_value
from .questionnaire.schema import QType, Questionnaire

SESSION_PARTNER = "intake_partner"
SESSION_LINK = "intake_link"  # which issue of the partner's link opened the session
SESSION_PENDING = "intake_pending_post"
SESSION_CRISIS = "intake_show_crisis"
REVIEW_STEP = "review"
PAGE_KEY = "intake_page"  # a hidden field: which partner's page a POST was made on
PAGE_KEY_SALT = "intake.views.page-key"


def _neutral(request, status=404, template="intake/link_invalid.html"):
    return render(request, template, status=status)


def _link_fingerprint(partner: Partner) -> str:
    return (partner.token_hash or "")[:16]


def _link_in_force(partner: Partner) -> bool:
    """Not revoked nor replaced: it may have expired (it then opens no new session)."""
    return partner.link_state in ("active", "expired")


def _session_holds(request, partner: Partner) -> bool:
    """The session was opened with the partner's current link, and that link was not revoked
    since.

    A link that is revoked or reissued (say, because the other partner got hold of it) ends
    every session it opened, at once: the browser that used it sees the neutral page. A link
    that merely expires opens no new session, but lets an open one finish (nothing typed in
    it is lost).
    """
    return _link_in_force(partner) and request.session.get(SESSION_LINK) == _link_fingerprint(
        partner
    )


def session_partner(request, public_id: str) -> Partner | None:
    if not public_id or request.session.get(SESSION_PARTNER) != public_id:
        return None
    partner = Partner.objects.select_related("couple").filter(public_id=public_id).first()
    if partner is None or not _session_holds(request, partner):
        request.session.flush()
        return None
    return partner


@never_cache
@require_http_methods(["GET", "HEAD"])
def open_link(request, token: str):
    """A private link: check it, start the partner's session, drop the token from the URL."""
    address = client_ip(request) or "unknown"
    if guesses.limit_reached(address):
        return _neutral(request, status=429, template="intake/link_limited.html")
    partner = Partner.objects.for_token(token).first()
    if partner is None:
        guesses.count_failure(address)
        return _neutral(request)
    pending = request.session.get(SESSION_PENDING)
    request.session.cycle_key()
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_PARTNER] = partner.public_id
    request.session[SESSION_LINK] = _link_fingerprint(partner)
    request.session.set_expiry(settings.PARTNER_SESSION_SECONDS)
    services.mark_started(partner)
    if (
        pending
        and pending.get("public_id") == partner.public_id
        and pending.get("link") == _link_fingerprint(partner)  # not from a link since replaced
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
            data=_multi(data), prefix=step_id
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
        f"{partner.public_id}:{_link_fingerprint(partner)}"
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
    if partner is None or not _link_in_force(partner):
        return None
    return fingerprint if fingerprint == _link_fingerprint(partner) else None


def _draft_data(items) -> dict[str, list[str]]:
    """Posted fields as kept in the draft, without NUL characters: PostgreSQL cannot store
    them in JSON (a 500 on any field with one), and no answer needs them."""
    return {
        key.replace("\x00", ""): [v.replace("\x00", "") for v in values] for key, values in items
    }


def _multi(data: dict[str, list[str]]):
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict(data)


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
        return _neutral(request)
    if not partner.is_submitted:
        return redirect("intake:resume", public_id=public_id)
    return render(request, "intake/submitted.html", {"partner": partner})


def _questionnaire_for(partner: Partner) -> Questionnaire:
    return QUESTIONNAIRES[partner.couple.questionnaire_version]


def form_list_for(questionnaire: Questionnaire):
    return [(step.id, step_form_class(step, questionnaire.version)) for step in questionnaire.steps]


@method_decorator(never_cache, name="dispatch")
class IntakeWizard(NamedUrlWizardView):
    """formtools' named-URL wizard with the draft stored on the partner's answers row."""

    storage_name = "intake.storage.DraftStorage"
    template_name = "intake/step.html"

    @classmethod
    def for_questionnaire(cls, questionnaire: Questionnaire):
        condition_dict = {
            step.id: (lambda wizard, when=step.when: when.holds(wizard.answer_set.answers))
            for step in questionnaire.steps
            if step.when is not None
        }
        return cls.as_view(
            form_list_for(questionnaire),
            condition_dict=condition_dict,
            url_name="intake:step",
            done_step_name="done",
        )

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
        if not _session_holds(request, partner):
            request.session.flush()  # the link was revoked or reissued: nothing is kept
            return _neutral(request)
        if partner.is_submitted:
            return redirect("intake:submitted", public_id=public_id)
        self.partner = partner
        self.questionnaire = _questionnaire_for(partner)
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

    # -- the draft, step by step ------------------------------------------------------------

    def stored_data(self, step: str):
        """The step's saved input; for answers that came by import, rebuilt from them."""
        data = self.storage.get_step_data(step)
        if data is None and step in self.answer_set.completed_steps:
            form_class = self.get_form_list()[step]
            data = form_class.data_from_answers(self.answer_set.answers, self.get_form_prefix(step))
        return data

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
        step = kwargs.get("step")
        form_list = self.get_form_list()
        if step is None or step not in form_list or step not in self.allowed_steps():
            return self.resume_redirect()
        self.storage.current_step = step
        form = self.get_form(step, data=self.stored_data(step))
        unanswered: list[str] = []
        if form.is_bound and step not in self.answer_set.completed_steps:
            unanswered = form.hide_missing_answer_errors()
        return self.render(form, unanswered=unanswered)

    def post(self, *args, **kwargs):
        step = kwargs.get("step")
        form_list = self.get_form_list()
        if step not in form_list or step not in self.allowed_steps():
            return self.resume_redirect()
        self.storage.current_step = step
        form = self.get_form(step, data=self.request.POST)
        valid = form.is_valid()
        goto = self.request.POST.get("wizard_goto_step")
        stay = bool(self.request.POST.get("wizard_more_rows"))

        self.storage.set_step_data(step, self.process_step(form))
        step_answers = form.answers()
        services.save_step(self.answer_set, step, step_answers, complete=valid)
        # Alerts: without JavaScript, the next page shows the crisis contacts at once.
        if self.request.POST.get("js") != "1" and self._alert_raised(step, step_answers):
            self.request.session[SESSION_CRISIS] = True
        del self._resolved_form_list  # conditions may have changed with the new answers

        if goto and goto in self.get_form_list():
            if goto in self.allowed_steps():
                return HttpResponseRedirect(self.get_step_url(goto))
            return self.resume_redirect()
        if stay:
            return HttpResponseRedirect(
                f"{self.get_step_url(step)}?more={self._more_rows() + 1}#medicines"
            )
        if not valid:
            return self.render(form)
        if step == self.steps.last:
            return self.render_done(form, **kwargs)
        return HttpResponseRedirect(self.get_step_url(self.get_next_step(step)))

    def _alert_raised(self, step_id: str, answers: dict[str, Any]) -> bool:
        step = self.questionnaire.step(step_id)
        return any(q.alert is not None and q.alert.holds(answers) for q in step.questions)

    def render_done(self, form, **kwargs):
        """Re-validate every step from the stored draft, then lock the answers."""
        answers: dict[str, Any] = {}
        for step in self.get_form_list():
            form_obj = self.get_form(step, data=self.stored_data(step))
            if not form_obj.is_valid():
                return HttpResponseRedirect(self.get_step_url(step))
            answers.update(form_obj.answers())
        self.done(list(), answers=answers)
        return redirect("intake:submitted", public_id=self.partner.public_id)

    def done(self, form_list, **kwargs):
        ordered = {
            qid: kwargs["answers"][qid]
            for qid in self.questionnaire.question_ids
            if qid in kwargs["answers"]
        }
        services.submit(self.partner, ordered)

    # -- the page ---------------------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.questionnaire.step(self.steps.current)
        steps = list(self.get_form_list())
        index = steps.index(step.id)
        answers = self.answer_set.answers
        show_crisis = self.request.session.pop(SESSION_CRISIS, False) or any(
            q.alert is not None and q.alert.holds(answers) for q in step.questions
        )
        context.update(
            {
                "partner": self.partner,
                "page_key": page_key(self.partner),
                "step": step,
                "step_number": index + 1,
                "step_count": len(steps),
                "sections": _sections(step, form),
                "all_steps": [
                    (self.questionnaire.step(s), s in self.answer_set.completed_steps)
                    for s in steps
                ],
                "prev_step": steps[index - 1] if index else None,
                "is_review": step.id == REVIEW_STEP,
                "show_crisis": show_crisis,
                "crisis_contacts": CRISIS_CONTACTS,
                "conditions": {
                    q.id: q.when.as_json() for q in step.questions if q.when is not None
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


def _sections(step, form):
    sections = []
    for section in step.sections:
        items = []
        for question in section.questions:
            if question.type == QType.MEDS:
                items.append(
                    {
                        "question": question,
                        "meds": form.med_row_fields(question.id),
                        "med_headings": [label for _, label, _ in MED_PARTS],
                    }
                )
            else:
                items.append({"question": question, "field": form[question.id]})
        sections.append({"section": section, "items": items})
    return sections


def review_rows(questionnaire: Questionnaire, answers: dict[str, Any], steps: list[str]):
    """The partner's own answers, grouped by step, for the review page."""
    groups = []
    for step_id in steps:
        if step_id == REVIEW_STEP:
            continue
        step = questionnaire.step(step_id)
        rows = []
        for question in step.questions:
            if question.when is not None and not question.when.holds(answers):
                continue
            rows.append((question, display_value(question, answers.get(question.id))))
        groups.append((step, rows))
    return groups
