"""The people of the clinician workspace tests, and the cases they look at, in one place.

A plain factory module (no fixtures here; `conftest.py` wraps them): every clinic page is
tested against every persona below.

- two clinicians (active users in the clinicians group),
- a staff user who is not a clinician (may use the admin, never the clinic's pages),
- an administrator (superuser, not in the clinicians group),
- each partner of the case, in a browser that opened their own private link,
- an anonymous visitor.

Screening runs when the partners' submissions commit (`transaction.on_commit`), which a test's
transaction never does by itself: `committed()` runs those callbacks, as a real commit would.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.test import Client, TestCase

from intake import services as intake_services
from intake.demo import demo_document, make_answers
from intake.models import Couple
from intake.questionnaire import CURRENT
from screening import review
from screening.models import AuditEntry, Disposition, SignOff
from tests.auth import sign_in
from tests.factories import dispose_all, make_user, partner_browser
from tests.intake.helpers import visible_text

CLINICIAN = "clinician"
CLINICIAN_2 = "clinician2"
STAFF = "staff"
ADMIN = "admin"
PARTNER_A = "partner_a"
PARTNER_B = "partner_b"
ANONYMOUS = "anonymous"

PERSONAS = (CLINICIAN, CLINICIAN_2, STAFF, ADMIN, PARTNER_A, PARTNER_B, ANONYMOUS)
CLINICIANS = (CLINICIAN, CLINICIAN_2)
OUTSIDERS = tuple(p for p in PERSONAS if p not in CLINICIANS)
SIGNED_IN_OUTSIDERS = (STAFF, ADMIN)  # signed in, not clinicians: 403
NOT_SIGNED_IN = (PARTNER_A, PARTNER_B, ANONYMOUS)  # the login page

# What the demo couple told us; none of it may reach an outsider or the audit log.
DEMO_NAMES = ("Sam", "Alex")


def committed():
    """Run the on-commit callbacks of what happens inside, as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def signed_in(user: User) -> Client:
    """Signed in with the password and the second factor."""
    client = sign_in(Client(), user)
    client.user = user
    return client


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


def imported_case(data: dict[str, Any], **kwargs) -> intake_services.NewCase:
    """A case from an answers document, each partner in it submitted and the couple screened."""
    with committed():
        return intake_services.import_document(copy.deepcopy(data), **kwargs)


def flagged_case() -> intake_services.NewCase:
    """The demo couple: both submitted and screened; flags of every severity.

    Current flags: SI-2 (urgent, a); VOL-1, CV-2 (high, b); CV-4, LG-1 (review, a);
    SU-2, RX-2 (review, b); RL-1 (info, a and b); CP-1, CP-2 (info, couple)."""
    return imported_case(demo_document())


def plain_case() -> intake_services.NewCase:
    """Both partners submitted with unremarkable answers: info flags only."""
    return imported_case(document(make_answers(), make_answers(preferred_name="Robin")))


def _persona_client(name: str, case: intake_services.NewCase) -> Client:
    if name in (PARTNER_A, PARTNER_B):
        return partner_browser(case, name[-1])
    if name == ANONYMOUS:
        client = Client()
        client.user = None
        return client
    user = {
        CLINICIAN: lambda: make_user("dr.lee", clinician=True),
        CLINICIAN_2: lambda: make_user("dr.okafor", clinician=True),
        STAFF: lambda: make_user("office.staff", staff=True),
        ADMIN: lambda: make_user("site.admin", superuser=True),
    }[name]()
    return signed_in(user)


@dataclass
class Personas:
    """Everyone, around one case. A persona's browser (and user) is made when first asked
    for, so a test about one persona pays only for that one."""

    case: intake_services.NewCase
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def couple(self) -> Couple:
        return self.case.couple

    @property
    def reference(self) -> str:
        return self.case.couple.reference

    def __getitem__(self, name: str) -> Client:
        if name not in self.clients:
            self.clients[name] = _persona_client(name, self.case)
        return self.clients[name]

    @property
    def clinician(self) -> Client:
        return self[CLINICIAN]

    @property
    def clinician2(self) -> Client:
        return self[CLINICIAN_2]


def personas(case: intake_services.NewCase | None = None) -> Personas:
    """Everyone, around one case (by default the flagged demo couple)."""
    return Personas(case or flagged_case())


def all_disposed(people: Personas) -> None:
    """The second clinician records a disposition for every item of the case that needs one."""
    dispose_all(people.couple, people.clinician2.user)


def signed_off(people: Personas) -> None:
    """Every disposition recorded and the case signed off ("Ready."), by the second clinician."""
    all_disposed(people)
    review.sign_off(people.couple, people.clinician2.user, "Ready.")


# --- the state of a case, to show that a refused request changed nothing -------------------


def snapshot(couple: Couple) -> dict[str, Any]:
    couple = Couple.objects.get(pk=couple.pk)
    return {
        "couples": Couple.objects.count(),
        "partners": list(
            couple.partners.values_list(
                "label", "status", "token_hash", "token_revoked_at", "token_expires_at"
            )
        ),
        "drafts": list(
            couple.partners.values_list("answer_set__answers", "answer_set__completed_steps")
        ),
        "submissions": list(
            couple.partners.values_list("submissions__number", "submissions__pk").order_by(
                "submissions__pk"
            )
        ),
        "screenings": couple.screenings.count(),
        "dispositions": Disposition.objects.count(),
        "sign_offs": list(SignOff.objects.values_list("pk", "reopened_at")),
        "audit": AuditEntry.objects.count(),
    }


# --- reading pages --------------------------------------------------------------------------


def text_of(response) -> str:
    return visible_text(response)


def element_text(response, pattern: str) -> list[str]:
    """The visible text of every element whose opening tag matches `pattern` (a regex over
    the tag's attributes), up to the matching closing tag."""
    html = response.content.decode()
    found = []
    for match in re.finditer(rf"<(\w+)\b[^>]*{pattern}[^>]*>", html):
        tag = match.group(1)
        depth, position = 1, match.end()
        for inner in re.finditer(rf"<(/?){tag}\b[^>]*>", html[position:]):
            depth += -1 if inner.group(1) else 1
            if depth == 0:
                found.append(visible_text(html[position : position + inner.start()]))
                break
    return found


def table_rows(html_fragment: str) -> list[list[str]]:
    """The cells' text of each row of the tables in this HTML."""
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", html_fragment, flags=re.S):
        cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([visible_text(cell) for cell in cells])
    return rows


def section_html(response, heading_id: str) -> str:
    """The HTML of the <section> labelled by this heading id."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def flag_articles(response) -> dict[tuple[str, str], str]:
    """(rule, partner) -> the visible text of that flag's card on the case page."""
    html = response.content.decode()
    cards = {}
    for match in re.finditer(r'<article class="flag[^"]*"[^>]*data-flag="([^"]+)"', html):
        end = html.index("</article>", match.end())
        text = visible_text(html[match.start() : end])
        partner = re.search(r"· (couple|partner [AB]) ·", text).group(1)
        cards[(match.group(1), partner)] = text
    return cards


def messages_shown(response) -> list[str]:
    return element_text(response, r'class="alert alert-\w+" role="status"')


def answer_strings(data: dict[str, Any]) -> set[str]:
    """Every text a partner typed or chose in this answers document (for "never stored")."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 3:
            found.add(value)

    for answers in data["partners"].values():
        walk(answers)
    return found


def audit_data_text() -> str:
    return json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
