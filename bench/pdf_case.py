"""The bench's prescriber-PDF case (bench/pdf.py), importable once Django is set up: the tests
measure the same case's pages."""

import io

PAGES_BEFORE_APPENDIX_TARGET = 6
APPENDIX_HEADING = "Appendix: all answers, by topic"


def pages_before_appendix(content: bytes) -> int:
    """The number of pages before the one where the full answers appendix starts."""
    import pypdf

    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(content)).pages):
        if APPENDIX_HEADING in " ".join(page.extract_text().split()):
            return number
    raise ValueError("no answers appendix in the PDF")


# Answers beyond the demo couple's, so that every question (follow-ups too) is answered by at
# least one partner and every section has content.
EXTRA_A = {
    "date_of_birth": "1958-03-10",  # 68: AG-2 (info)
    "gender_identity": "Woman",
    "phq9_5": 1,
    "phq9_6": 1,  # PHQ-9 10: MH-1 (info)
    "allergies": "Penicillin (rash), shellfish",
    "angina_stent_bypass": True,
    "angina_stent_bypass_when": "2019-11",
    "ptsd_event": True,
    "pcptsd_1": True,
    "pcptsd_2": True,
    "pcptsd_3": True,
    "pcptsd_4": True,
    "pcptsd_5": False,
    "si_wish_dead": True,
    "si_thoughts": True,
    "si_method": False,
    "si_intent": False,
    "si_plan": False,
    "substances_past_year": ["cannabis"],
}
EXTRA_B = {
    "gender_identity": "Man",
    "emergency_contact": "Sam Rivera, +1 604 555 0123",
    "bp_systolic": 128,
    "bp_diastolic": 82,
    "bp_reading_date": "2026-09-14",
    "stroke_tia": True,
    "stroke_tia_when": "2018-02",
    "anaesthesia_reaction": True,
    "reaction_details": "Woke up confused and sick after a knee operation in 2015.",
    "allergies": "None known",
    "mania_ever": True,
    "mania_now": False,
    "si_behaviour": True,
    "si_behaviour_3m": False,
    "ipv_humiliated": True,
    "current_care": "GP every three months; no counsellor at the moment.",
    "availability": "Evenings after 5 pm, and Saturdays",
}


def build_case():
    """A full, signed-off couple: returns it with the numbers that show it is full."""
    from django.contrib.auth.models import Group, User

    from intake import services
    from intake.demo import demo_document, make_answers
    from intake.questionnaire import CURRENT
    from screening import review
    from tests.factories import OUTCOMES, dispose_all

    document = demo_document()
    partners = document["partners"]
    partners["a"] = make_answers(**partners["a"] | EXTRA_A)
    partners["b"] = make_answers(**partners["b"] | EXTRA_B)
    user = User.objects.create_user("dr.bench", first_name="Robin", last_name="Lee")
    user.groups.add(Group.objects.get(name="clinicians"))
    couple = services.import_document(document, created_by=user).couple  # and screened

    def note(item) -> str:  # a note of a real clinician's length
        return (
            f"Spoke with partner {item.partner.upper()} on the phone about {item.rule}; "
            "details in the clinical record. The prescriber should read this before deciding."
        )

    dispose_all(couple, user, outcomes=OUTCOMES, note=note)
    # This only queues the worker's task (the database backend); nothing here runs it.
    review.sign_off(couple, user, "Reviewed with both partners. " * 6)
    unanswered = [
        q.id
        for step in CURRENT.steps
        for q in step.questions
        # the unit a weight or height was typed in: given only when not the stored one
        if not q.unit_of and not any(q.id in partners[label] for label in "ab")
    ]
    flags = list(review.current_screening(couple).flags.values_list("severity", flat=True))
    return couple, unanswered, flags
