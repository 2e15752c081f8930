"""The suite's one set of builders: a case (new, imported from an answers document, screened,
signed off), a partner's browser, a user or clinician, a clinician's dispositions. The
fixtures (tests/conftest.py, tests/screening/conftest.py, tests/browser/conftest.py) and the
persona set (tests/screening/personas.py) build on these.

Screening runs when the partners' submissions commit (`transaction.on_commit`), which a test's
transaction never does by itself: `committed()` runs those callbacks, as a real commit would.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Callable, Sequence
from io import StringIO
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from intake import services
from intake.demo import demo_document, make_answers
from intake.models import AnswerSet, Couple, Partner, Submission
from intake.questionnaire import CURRENT
from screening import review
from screening.access import CLINICIANS_GROUP
from screening.models import Disposition

PASSWORD = "a-long-test-password"


def new_case(**kwargs) -> services.NewCase:
    """A case with both partners' private links, each partner with an e-mail address."""
    return services.create_case(email_a="a@example.com", email_b="b@example.com", **kwargs)


RESUME_CODE = "test-resume-code"


def link_path(link: str) -> str:
    """The path of a private link (what a browser asks this site for)."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def open_link(client: Client, link: str, *, door: bool = True):
    """Open a private link as the partner would; return the page it lands on. With `door`,
    pass the door as the partner would: agree to the notice and choose the resume code
    (RESUME_CODE) the first time, type it on later visits."""
    response = client.get(link_path(link), follow=True)
    return pass_door(client, response) if door else response


def pass_door(client: Client, response, *, code: str = RESUME_CODE, joint_sessions="yes"):
    for _ in range(4):
        path = response.request["PATH_INFO"]
        if response.status_code != 200:
            break
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        csrf = {"csrfmiddlewaretoken": token.group(1)} if token else {}
        if path.endswith("/start/"):
            response = client.get(path.removesuffix("start/") + "consent/", follow=True)
        elif path.endswith("/consent/"):
            agreed = {"agree": "on", "typed_name": "Sam", "joint_sessions": joint_sessions}
            response = client.post(path, agreed | csrf, follow=True)
        elif path.endswith("/code/"):
            response = client.post(path, {"code": code, "again": code} | csrf, follow=True)
        elif path.endswith("/unlock/"):
            response = client.post(path, {"code": code} | csrf, follow=True)
        else:
            break
    return response


def client_for(link: str, partner: Partner) -> Client:
    """A new browser that opened this partner's link (`client.partner` is the partner)."""
    client = Client()
    open_link(client, link)
    client.partner = partner
    return client


def partner_browser(case: services.NewCase, label: str) -> Client:
    """A new browser that opened this partner's own private link (nobody signed in)."""
    client = client_for(case.links[label], case.couple.partner(label))
    client.user = None
    return client


def new_partner_client(label: str = "a", **case_kwargs) -> tuple[Client, services.NewCase]:
    """A new case, and a browser that opened partner `label`'s link."""
    case = new_case(**case_kwargs)
    return client_for(case.links[label], case.couple.partner(label)), case


# --- cases from an answers document ---------------------------------------------------------

# What the demo couple told us; none of it may reach an outsider or the audit log.
DEMO_NAMES = ("Sam", "Alex")


def committed():
    """Run the on-commit callbacks of what happens inside, as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def document(a: dict | None = None, b: dict | None = None, **kwargs) -> dict[str, Any]:
    """An answers document; partners left out have not submitted."""
    partners = {}
    if a is not None:
        partners["a"] = a
    if b is not None:
        partners["b"] = b
    return {
        "questionnaire_version": CURRENT.version,
        "appointment_date": "2027-01-15",
        **kwargs,
        "partners": partners,
    }


def imported_case(data: dict[str, Any], **kwargs) -> services.NewCase:
    """A case from an answers document, each partner in it submitted and the couple screened."""
    with committed():
        return services.import_document(copy.deepcopy(data), **kwargs)


def flagged_case() -> services.NewCase:
    """The demo couple: both submitted and screened; flags of every severity.

    Current flags: SI-2 (urgent, a); VOL-1, CV-2 (high, b); CV-4, LG-1 (review, a);
    SU-2, RX-2 (review, b); RL-1 (info, a and b); CP-1, CP-2 (info, couple)."""
    return imported_case(demo_document())


def plain_case() -> services.NewCase:
    """Both partners submitted with unremarkable answers: info flags only."""
    return imported_case(document(make_answers(), make_answers(preferred_name="Robin")))


def realistic_document(a: dict | None = None, b: dict | None = None) -> dict:
    """The demo couple, with partner A 68 years old and a PHQ-9 of 10 (so info flags AG-2 and
    MH-1 join the demo's urgent, high, review and info ones) and partner B's emergency
    contact left unanswered. `a` and `b` override more answers."""
    data = demo_document()
    partners = data["partners"]
    partners["a"] = make_answers(
        **partners["a"] | {"date_of_birth": "1958-03-10", "phq9_5": 1, "phq9_6": 1} | (a or {})
    )
    partners["b"] = make_answers(**partners["b"] | {"emergency_contact": ""} | (b or {}))
    return data


def import_answers(tmp_path, data: dict[str, Any] | bytes, name: str = "doc.json") -> str:
    """`manage.py import_answers` on this document (written to `tmp_path`/`name` as JSON, or
    as the very bytes given); what it printed (the new case's reference last)."""
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("import_answers", str(path), stdout=out)
    return out.getvalue().strip()


def export_answers(reference: str) -> dict:
    """The answers document `manage.py export_answers` prints for this case."""
    out = StringIO()
    call_command("export_answers", reference, stdout=out)
    return json.loads(out.getvalue())


# --- people ---------------------------------------------------------------------------------


def make_user(
    username: str,
    *,
    clinician=False,
    staff=False,
    superuser=False,
    active=True,
    password: str | None = None,
    **fields,
) -> User:
    """A user (a clinician when `clinician`); without `password`, one that cannot sign in."""
    fields.setdefault("email", f"{username}@clinic.example")
    user = User.objects.create_user(
        username,
        password=password,
        is_staff=staff or superuser,
        is_superuser=superuser,
        is_active=active,
        **fields,
    )
    if clinician:
        # get_or_create: a transactional test may run after another one emptied the database
        user.groups.add(Group.objects.get_or_create(name=CLINICIANS_GROUP)[0])
    return user


def clinician_user(username: str = "dr.robin", first_name="Robin", last_name="Lee") -> User:
    """A clinician with the suite's password."""
    return make_user(
        username,
        clinician=True,
        password=PASSWORD,
        email="",
        first_name=first_name,
        last_name=last_name,
    )


def case_url(couple: Couple) -> str:
    """The clinic's page of the case."""
    return f"/clinic/cases/{couple.reference}/"


OUTCOMES = tuple(Disposition.Outcome.values)


def disposition_note(item: review.ReviewItem) -> str:
    return f"Checked {item.rule} with partner {item.partner.upper()}"


def dispose_all(
    couple: Couple,
    user: User,
    *,
    outcomes: Sequence[str] = ("acknowledged",),
    severities: Sequence[str] | None = None,
    note: Callable[[review.ReviewItem], str] = disposition_note,
) -> list[review.ReviewItem]:
    """A disposition for every item that still needs one (only those of `severities`, when
    given): the `outcomes` in turn (OUTCOMES: every outcome), each with the note `note(item)`.
    Returns the items disposed of."""
    items = [
        item
        for item in review.missing_dispositions(couple)
        if severities is None or item.severity in severities
    ]
    for number, item in enumerate(items):
        outcome = outcomes[number % len(outcomes)]
        review.record_disposition(couple, item.key, outcome, note(item), user)
    return items


def review_item(couple, rule: str, partner: str) -> review.ReviewItem:
    return next(i for i in review.review_items(couple) if (i.rule, i.partner) == (rule, partner))


def current_disposition(couple, rule, partner) -> Disposition:
    return review.latest_dispositions(couple)[review_item(couple, rule, partner).key]


def signed_off_case(user, note="Ready for the prescriber. Discussed SI-2 with partner A."):
    """A realistic case, screened, every disposition recorded and signed off; the work done
    when each step commits (screening, then the summary task) runs at once."""
    couple = imported_case(realistic_document(), created_by=user).couple
    dispose_all(couple, user, outcomes=OUTCOMES)
    with committed():
        review.sign_off(couple, user, note)
    return couple


def bulk_cases(count: int, start: int = 0, full: int = 200) -> list[Couple]:
    """`count` cases without going through the services: a third invited, a third filling in,
    a third submitted; the submitted ones are not screened. The first `full` have the demo
    couple's answers, the others a preferred name only (to keep 10,000 cases fast). Every
    other case has an appointment date, 0 to 89 days ahead."""
    demo = demo_document()["partners"]
    now = timezone.now()
    today = timezone.localdate()
    couples = Couple.objects.bulk_create(
        [
            Couple(
                reference=f"TND-Q{start + i:06d}",
                created_at=now - datetime.timedelta(minutes=start + i),
                appointment_date=today + datetime.timedelta(days=i % 90) if i % 2 else None,
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    statuses = [Partner.Status.INVITED, Partner.Status.IN_PROGRESS, Partner.Status.SUBMITTED]
    partners = Partner.objects.bulk_create(
        [
            Partner(
                couple=couple,
                label=label,
                status=statuses[(start + i) % 3],
                steps_completed=12 if statuses[(start + i) % 3] == "submitted" else 0,
            )
            for i, couple in enumerate(couples)
            for label in ("a", "b")
        ],
        batch_size=500,
    )

    def answers(number: int, partner: Partner) -> dict:
        if number // 2 < full:
            return demo[partner.label]
        return {"preferred_name": f"Name {start + number}"}

    AnswerSet.objects.bulk_create(
        [
            AnswerSet(
                partner=partner,
                answers=answers(number, partner) if partner.status != "invited" else {},
            )
            for number, partner in enumerate(partners)
        ],
        batch_size=500,
    )
    Submission.objects.bulk_create(
        [
            Submission(
                partner=partner,
                number=1,
                questionnaire_version=CURRENT.version,
                answers=answers(number, partner),
            )
            for number, partner in enumerate(partners)
            if partner.status == Partner.Status.SUBMITTED
        ],
        batch_size=500,
    )
    return couples
