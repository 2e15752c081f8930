"""Server time of the largest questionnaire step against a plain Django form.

    .venv/bin/python bench/steps.py [--runs 300] [--postgres]

Times GET and POST of the `mood` step (PHQ-9 and GAD-7: 17 radio questions) through the
whole middleware stack with Django's test client, and, in the same run, a plain Django form
with the same fields rendered as `{{ form }}` (GET) and validated (POST). Target: the step is
at most 1.5 times the plain form.

Two more plain POSTs show what saving costs: "plain+save" also stores the cleaned data with
one UPDATE; "plain+merge" reads the draft row under a lock (SELECT ... FOR UPDATE), merges the
page's answers into it and writes it back, the least a step save can do without losing what
another tab saved.

Uses a throw-away SQLite database, or with --postgres a throw-away PostgreSQL database
(`tandem_bench_steps`, on the server of TEST_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

import argparse
import os

from _support import setup_database, throwaway_database, timed

PG_NAME = "tandem_bench_steps"
setup_database(PG_NAME)

import django  # noqa: E402
from django import forms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponseRedirect  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from intake import services  # noqa: E402
from intake.demo import make_answers  # noqa: E402
from intake.models import AnswerSet  # noqa: E402
from intake.questionnaire import CURRENT  # noqa: E402
from intake.questionnaire.schema import QType  # noqa: E402
from tests.factories import open_link  # noqa: E402
from tests.pageform import fill, parse_form  # noqa: E402

STEP = "mood"
QUESTIONS = CURRENT.step(STEP).questions


class PlainForm(forms.Form):
    pass


for _q in QUESTIONS:
    assert _q.type == QType.INT and _q.choices
    PlainForm.base_fields[_q.id] = forms.TypedChoiceField(
        label=_q.label,
        choices=[(c.code, c.label) for c in _q.choices],
        coerce=int,
        widget=forms.RadioSelect,
    )

PLAIN_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html><body><form method='post'>{{ form }}"
    "<button>Next</button></form></body></html>"
)


@csrf_exempt
def plain_view(request, save=False, merge=False):
    form = PlainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if save:  # what any real form view does with valid data: store it
            with transaction.atomic():
                AnswerSet.objects.filter(pk=request.GET["row"]).update(answers=form.cleaned_data)
        if merge:
            # The least a step save can do without losing what another tab saved: read the
            # draft under a row lock, merge this page's answers into it, write it back.
            with transaction.atomic():
                row = AnswerSet.objects.select_for_update().get(pk=request.GET["row"])
                row.answers = {**row.answers, **form.cleaned_data}
                row.save(update_fields=["answers"])
        return HttpResponseRedirect("/plain/")
    return django.http.HttpResponse(PLAIN_TEMPLATE.render({"form": form}, request))


urlpatterns = [
    path("plain/", plain_view),
    path("plain-save/", plain_view, {"save": True}),
    path("plain-merge/", plain_view, {"merge": True}),
    path("", include("config.urls")),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    runs = parser.parse_args().runs
    with throwaway_database(PG_NAME):
        measure(runs)


def measure(runs):
    call_command("migrate", verbosity=0)
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        case = services.create_case()
        client = Client()
        open_link(client, case.links["a"])  # and through the door: notice, resume code
        partner = case.couple.partner("a")
        answers = make_answers()
        # complete the steps before the mood step so it can be reached
        for step in CURRENT.steps:
            if step.id == STEP:
                break
            url = f"/intake/{partner.public_id}/{step.id}/"
            data = fill(parse_form(client.get(url).content.decode()), answers, step.questions)
            assert client.post(url, data).status_code == 302
        url = f"/intake/{partner.public_id}/{STEP}/"
        step_data = fill(parse_form(client.get(url).content.decode()), answers, QUESTIONS)
        assert client.post(url, step_data).status_code == 302
        plain_data = {q.id: str(answers[q.id]) for q in QUESTIONS}
        assert client.post("/plain/", plain_data).status_code == 302

        other = case.couple.partner("b").answer_set.pk
        save_url = f"/plain-save/?row={other}"
        merge_url = f"/plain-merge/?row={other}"
        assert client.post(save_url, plain_data).status_code == 302
        assert client.post(merge_url, plain_data).status_code == 302
        for _ in range(20):  # warm up
            client.get(url)
            client.get("/plain/")
        results = {
            "step GET": timed(lambda: client.get(url), runs),
            "plain GET": timed(lambda: client.get("/plain/"), runs),
            "step POST": timed(lambda: client.post(url, step_data), runs),
            "plain POST": timed(lambda: client.post("/plain/", plain_data), runs),
            "plain+save POST": timed(lambda: client.post(save_url, plain_data), runs),
            "plain+merge POST": timed(lambda: client.post(merge_url, plain_data), runs),
        }
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"Largest step ({STEP}: {len(QUESTIONS)} questions), {runs} runs each, {engine}, "
        f"load average {os.getloadavg()[0]:.2f}, milliseconds"
    )
    print(f"{'':17} {'median':>8} {'p95':>8}")
    for name, (median, p95) in results.items():
        print(f"{name:17} {median:8.2f} {p95:8.2f}")
    comparisons = (
        ("GET", "GET"),
        ("POST", "POST"),
        ("POST", "plain+save POST"),
        ("POST", "plain+merge POST"),
    )
    for step, plain in comparisons:
        base = plain if plain.startswith("plain+") else f"plain {plain}"
        ratio = results[f"step {step}"][0] / results[base][0]
        verdict = "OK" if ratio <= 1.5 else "over the 1.5x target"
        print(f"step {step} / {base} median ratio: {ratio:.2f} ({verdict})")


if __name__ == "__main__":
    main()
