"""What an urgent alert e-mail must never contain: it tells the on-call clinician only that a
case needs urgent review, with a link to it."""

# lower-case fragments; the e-mail's subject and body, lower-cased, contain none of them
CLINICAL_WORDS = (
    "suicid",
    "self-harm",
    "harm",
    "hurt",
    "kill",
    "dead",
    "plan",
    "intent",
    "safety",
    "unsafe",
    "afraid",
    "abuse",
    "violen",
    "risk",
    "depress",
    "phq",
    "ketamine",
    "si-1",
    "ipv",
    "crisis",
)
