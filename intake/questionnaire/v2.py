"""Version 2 of the couples intake questionnaire: version 1 with one change of meaning.

Someone who never drinks (`auditc_1` is 0, "Never") is not asked `auditc_2` (drinks on a
typical day) or `auditc_3` (six or more on one occasion): AUDIT-C scores those two items 0
for them (docs/clinical-background.md, 4.4), and the first choice of `auditc_2`, "1 or 2",
would otherwise record that a person who never drinks has one or two drinks a day. In
version 1 both are required of everyone, so a version 1 answers document always has them;
in version 2 they are absent when `auditc_1` is 0.

Every question id, type and choice code is the same as in version 1; answers given under
version 1 stay version 1 (the case, its answer sets and its submissions record it).
"""

from __future__ import annotations

from . import v1
from .schema import AtLeast, revised

DRINKS = AtLeast("auditc_1", 1)

# What changed from the version before, as said in docs/questionnaire.md.
CHANGES = (
    "`auditc_2` and `auditc_3` are asked only when `auditc_1` is 1 or more: someone who "
    "never drinks is not asked how much or how often they drink heavily, and those items "
    "score 0. In version 1 both are required of everyone.",
)

QUESTIONNAIRE = revised(
    v1.QUESTIONNAIRE,
    "2",
    {"auditc_2": {"when": DRINKS}, "auditc_3": {"when": DRINKS}},
)
