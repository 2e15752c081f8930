"""The suite's one set of builders: a case, a partner's browser, a user or clinician, a
clinician's dispositions. The
fixtures (tests/conftest.py, tests/screening/conftest.py, tests/browser/conftest.py) and the
helpers (tests/intake/helpers.py, tests/screening/personas.py, tests/screening/pdf_support.py)
build on these."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence

from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from intake import services
from intake.demo import demo_document
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


def open_link(client: Client, link: str, *, door: bool = True):
    """Open a private link as the partner would; return the page it lands on. With `door`,
    pass the door as the partner would: agree to the notice and choose the resume code
    (RESUME_CODE) the first time, type it on later visits."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
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
