"""The persona set of the clinician workspace tests: who may do what. Every clinic page is
tested against every persona below (no fixtures here; `conftest.py` wraps them).

- two clinicians (active users in the clinicians group),
- a staff user who is not a clinician (may use the admin, never the clinic's pages),
- an administrator (superuser, not in the clinicians group),
- each partner of the case, in a browser that opened their own private link,
- an anonymous visitor.

The cases they look at are built by tests/factories.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import Client

from intake import services as intake_services
from intake.models import Couple
from screening import review
from tests.auth import signed_in
from tests.factories import dispose_all, flagged_case, make_user, partner_browser

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
