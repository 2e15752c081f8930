"""What the database holds, read back for assertions: the state of a case (to show that a
refused request changed nothing), what a partner typed, what the audit log keeps."""

from __future__ import annotations

import json
from typing import Any

from intake.models import Couple
from screening.models import AuditEntry, Disposition, SignOff


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
