"""Crisis contacts shown to a partner at once after a safety answer.

Shown as support, never as a result. The numbers and their sources are in
`docs/clinical-background.md` §5.1; re-verify them before each release.

The clinic's region (the CRISIS_REGION setting) chooses which set a partner sees; each set
starts with the emergency number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisContact:
    region: str
    service: str
    contact: str  # as shown to the partner
    note: str = ""
    href: str = ""  # a "tel:" link when the contact is a phone number, else empty


EMERGENCY = CrisisContact(
    region="Canada and USA",
    service="Immediate danger",
    contact="911",
    note="If you or someone else is in danger right now.",
    href="tel:911",
)
CANADA_988 = CrisisContact(
    region="Canada",
    service="988 Suicide Crisis Helpline",
    contact="988",
    note="Call or text, 24/7, in English or French.",
    href="tel:988",
)
KIDS_HELP_PHONE = CrisisContact(
    region="Canada",
    service="Kids Help Phone",
    contact="1-800-668-6868",
    note="For young people.",
    href="tel:+18006686868",
)
BC = (
    CrisisContact(
        region="BC",
        service="1-800-SUICIDE",
        contact="1-800-784-2433",
        note="24/7.",
        href="tel:+18007842433",
    ),
    CrisisContact(
        region="BC",
        service="310Mental Health Support",
        contact="310-6789",
        note="No area code needed.",
        href="tel:3106789",
    ),
    CrisisContact(
        region="BC",
        service="HealthLink BC",
        contact="8-1-1",
        note="TTY: 7-1-1.",
        href="tel:811",
    ),
    CrisisContact(
        region="BC",
        service="VictimLinkBC",
        contact="1-800-563-0808",
        note="24/7, in many languages. Support for family and sexual violence.",
        href="tel:+18005630808",
    ),
)
USA = (
    CrisisContact(
        region="USA",
        service="988 Suicide & Crisis Lifeline",
        contact="988",
        note=(
            "Call or text, 24/7, or chat at 988lifeline.org. "
            "Press 1 for the Veterans Crisis Line, 2 for Spanish."
        ),
        href="tel:988",
    ),
    CrisisContact(
        region="USA",
        service="Crisis Text Line",
        contact="Text 741741",
        note="Text a message to 741741, 24/7.",
    ),
    CrisisContact(
        region="USA",
        service="National Domestic Violence Hotline",
        contact="800-799-7233 (SAFE)",
        note="TTY: 800-787-3224. Or text START to 88788.",
        href="tel:+18007997233",
    ),
)

# The sets a clinic can choose (the CRISIS_REGION setting, whose default is in
# config/settings.py), emergency number first.
CRISIS_REGIONS: dict[str, tuple[CrisisContact, ...]] = {
    "CA-BC": (EMERGENCY, CANADA_988, *BC, KIDS_HELP_PHONE),  # Canada and British Columbia
    "CA": (EMERGENCY, CANADA_988, KIDS_HELP_PHONE),  # Canada, no province's own lines
    "US": (EMERGENCY, *USA),
}


def crisis_contacts(region: str) -> tuple[CrisisContact, ...]:
    """The contacts for a clinic's region (a region not listed is refused at start-up)."""
    return CRISIS_REGIONS[region]
