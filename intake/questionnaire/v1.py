"""Version 1 of the couples intake questionnaire.

The question ids, types, choice codes, required flags and `when` conditions are the contract;
the wording is patient-facing and plain. Validated instruments (PHQ-9, GAD-7, PC-PTSD-5,
AUDIT-C, CSI-4, HARK) are reproduced with their published wording and credit lines (sources:
`docs/clinical-background.md` §3-4). Answers given under version 1 are read by this
definition; version 2 (`v2.py`, the current one, from which `docs/questionnaire.md` is
generated) is this one with the changes it names.

Never rename or remove an id, or change what a question asks or when, here: that is a new
questionnaire version, written as its changes to this one.
"""

from __future__ import annotations

from .schema import (
    Answered,
    AtLeast,
    BothOrNeither,
    Choice,
    Eq,
    FirstLarger,
    Not,
    QType,
    Question,
    Questionnaire,
    Section,
    Step,
    any_of,
)

SHORT_TEXT = 200
LONG_TEXT = 2000


# --- helpers ----------------------------------------------------------------------------


def _yes_no(question_id: str, label: str, help: str = "", **kwargs) -> Question:
    """A required yes/no question (the form builder supplies the Yes/No options)."""
    kwargs.setdefault("required", True)
    return Question(id=question_id, type=QType.BOOL, label=label, help=help, **kwargs)


def _choices(*pairs: tuple[object, str]) -> tuple[Choice, ...]:
    return tuple(Choice(code, label) for code, label in pairs)


def _scored(*labels: str) -> tuple[Choice, ...]:
    """Scored options: the codes are 0, 1, 2, ... in the order given."""
    return tuple(Choice(code, label) for code, label in enumerate(labels))


def _alerting(question_id: str, label: str, help: str = "", **kwargs) -> Question:
    """A required yes/no safety question: a "yes" shows crisis contacts at once."""
    return _yes_no(question_id, label, help, alert=Eq(question_id, True), **kwargs)


def _short_text(question_id: str, label: str, help: str = "", **kwargs) -> Question:
    kwargs.setdefault("max_length", SHORT_TEXT)
    return Question(id=question_id, type=QType.TEXT, label=label, help=help, **kwargs)


def _long_text(question_id: str, label: str, help: str = "", **kwargs) -> Question:
    kwargs.setdefault("max_length", LONG_TEXT)
    return Question(
        id=question_id, type=QType.TEXT, label=label, help=help, multiline=True, **kwargs
    )


def _month_of(question_id: str, parent: str, label: str) -> Question:
    """The month of the most recent event, asked only when `parent` is yes."""
    return Question(
        id=question_id,
        type=QType.MONTH,
        label=label,
        help="Month and year. Your best guess is fine.",
        required=True,
        when=Eq(parent, True),
        not_future=True,
    )


# --- instrument wording (verbatim; docs/clinical-background.md §3.2, §3.4, §4.1-4.4) ----

PHQ_GAD_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
PHQ_GAD_OPTIONS = _scored(
    "Not at all", "Several days", "More than half the days", "Nearly every day"
)

PHQ9_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
PHQ9_DIFFICULTY = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
PHQ9_DIFFICULTY_OPTIONS = _scored(
    "Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"
)
PHQ9_CREDIT = (
    "PHQ-9 © Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

GAD7_ITEMS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)
GAD7_CREDIT = (
    "GAD-7 © Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

PCPTSD5_INTRO = (
    "Sometimes things happen to people that are unusually or especially frightening, horrible, "
    "or traumatic. For example: a serious accident or fire; a physical or sexual assault or "
    "abuse; an earthquake or flood; a war; seeing someone be killed or seriously injured; "
    "having a loved one die through homicide or suicide."
)
PCPTSD5_EVENT = "Have you ever experienced this kind of event?"
# The instrument's stem "In the past month, have you…" is joined to each item, so that the
# items read correctly when they are shown only after a "yes" to the event question.
PCPTSD5_ITEMS = (
    "In the past month, have you had nightmares about the event(s) or thought about the "
    "event(s) when you did not want to?",
    "In the past month, have you tried hard not to think about the event(s) or went out of "
    "your way to avoid situations that reminded you of the event(s)?",
    "In the past month, have you been constantly on guard, watchful, or easily startled?",
    "In the past month, have you felt numb or detached from people, activities, or your "
    "surroundings?",
    "In the past month, have you felt guilty or unable to stop blaming yourself or others for "
    "the event(s) or any problems the event(s) may have caused?",
)
PCPTSD5_CREDIT = (
    "PC-PTSD-5: Prins et al. (2016), U.S. Department of Veterans Affairs, National Center for PTSD."
)

AUDITC_INTRO = (
    "These questions are about drinks that contain alcohol. One standard drink is a 341 ml "
    "(12 oz) bottle of 5% beer, cider or cooler, a 142 ml (5 oz) glass of 12% wine, or a 43 ml "
    "(1.5 oz) shot of 40% spirits."
)
AUDITC_CREDIT = "AUDIT-C: Bush et al. (1998); in the public domain (SAMHSA)."

CSI4_CREDIT = (
    "CSI-4: Funk & Rogge (2007), Couples Satisfaction Index, free for clinical and research use."
)
CSI4_TRUE_OPTIONS = _scored(
    "Not at all true",
    "A little true",
    "Somewhat true",
    "Mostly true",
    "Almost completely true",
    "Completely true",
)
CSI4_AMOUNT_OPTIONS = _scored(
    "Not at all", "A little", "Somewhat", "Mostly", "Almost completely", "Completely"
)

HARK_CREDIT = "HARK: Sohal et al. (2007), BMC Family Practice 8:49."


# --- 1. about ---------------------------------------------------------------------------

ABOUT = Step(
    id="about",
    title="About you",
    intro="Let's start with some basic details about you.",
    sections=(
        Section(
            questions=(
                _short_text(
                    "preferred_name",
                    "What name would you like us to call you?",
                    required=True,
                ),
                Question(
                    id="date_of_birth",
                    type=QType.DATE,
                    label="What is your date of birth?",
                    required=True,
                    not_future=True,
                ),
                Question(
                    id="sex_for_scoring",
                    type=QType.CHOICE,
                    label="What sex were you assigned at birth?",
                    help=(
                        "We ask this only to score the alcohol questions later in this form, "
                        "because the scoring is a little different for men and women. "
                        "You can tell us your gender below."
                    ),
                    required=True,
                    choices=_choices(
                        ("female", "Female"),
                        ("male", "Male"),
                        ("intersex", "Intersex"),
                        ("prefer_not_to_say", "I'd rather not say"),
                    ),
                ),
                _short_text(
                    "gender_identity",
                    "What is your gender?",
                    "In your own words.",
                ),
                _short_text(
                    "pronouns",
                    "What are your pronouns?",
                    "For example: she/her, he/him, they/them.",
                ),
                Question(
                    id="height_cm",
                    type=QType.INT,
                    label="How tall are you?",
                    help="In centimetres (for example, 170) or in feet and inches (5 ft 7 in).",
                    min=100,
                    max=250,
                    unit="cm",
                    format_hint=(
                        "Please type your height as a number, for example 170, and choose cm "
                        "or feet and inches beside the box."
                    ),
                ),
                Question(
                    id="height_unit",
                    type=QType.CHOICE,
                    label="Height typed in",
                    choices=_choices(("cm", "cm"), ("ft_in", "feet and inches")),
                    when=Answered("height_cm"),
                    unit_of="height_cm",
                ),
                Question(
                    id="weight_kg",
                    type=QType.DECIMAL,
                    label="How much do you weigh?",
                    help=(
                        "In kilograms (for example, 72.5) or in pounds (160). "
                        "This helps the doctor work out the right dose."
                    ),
                    min=30,
                    max=300,
                    unit="kg",
                    format_hint=(
                        "Please type your weight as a number, for example 72.5, and choose kg "
                        "or lb beside the box."
                    ),
                ),
                Question(
                    id="weight_unit",
                    type=QType.CHOICE,
                    label="Weight typed in",
                    choices=_choices(("kg", "kg"), ("lb", "lb")),
                    when=Answered("weight_kg"),
                    unit_of="weight_kg",
                ),
            ),
        ),
        Section(
            title="How to reach you",
            questions=(
                _short_text("email", "Your email address", format="email", max_length=254),
                _short_text(
                    "phone",
                    "Your phone number",
                    "Include the area code.",
                    format="phone",
                    max_length=40,
                ),
                Question(
                    id="safe_contact",
                    type=QType.MULTI,
                    label="How is it safe for us to contact you?",
                    help=(
                        "Tick all that are safe for you. We will only contact you in the "
                        "ways you tick. If something you tell us makes us worried about "
                        "your safety, a clinician will try to reach you the same day, only "
                        "in these ways, and will not tell your partner what you told us. If "
                        "you tick none, we will wait for you to contact us. If you are in "
                        "danger now, call 911."
                    ),
                    required=True,
                    choices=_choices(
                        ("email", "Email"),
                        ("phone_call", "Phone call"),
                        ("text_message", "Text message"),
                        ("none", "None of these – I will contact the clinic myself"),
                    ),
                    exclusive=("none",),
                ),
                _short_text(
                    "emergency_contact",
                    "Who should we call in an emergency?",
                    "Their name and phone number.",
                ),
            ),
        ),
    ),
)


# --- 2. goals ---------------------------------------------------------------------------

GOALS = Step(
    id="goals",
    title="What you hope for",
    intro="There are no right or wrong answers. Tell us in your own words.",
    sections=(
        Section(
            questions=(
                _long_text(
                    "goals_self",
                    "What do you hope this therapy will do for you?",
                    required=True,
                ),
                _long_text(
                    "goals_relationship",
                    "What do you hope will change in your relationship?",
                    required=True,
                ),
                Question(
                    id="goal_areas",
                    type=QType.MULTI,
                    label="Which of these would you like to work on?",
                    help="Tick all that apply.",
                    required=True,
                    choices=_choices(
                        ("communication", "Talking and listening to each other"),
                        ("trust", "Trust"),
                        ("intimacy", "Closeness and intimacy"),
                        ("conflict", "Arguments and conflict"),
                        ("trauma_healing", "Healing from past hurt or trauma"),
                        ("grief", "Grief or loss"),
                        (
                            "life_transition",
                            "A big life change (such as a move, a new baby, retirement or illness)",
                        ),
                        ("parenting", "Parenting"),
                        ("recommitment", "Choosing each other again"),
                        ("separation_decision", "Deciding whether to stay together or separate"),
                        ("personal_growth", "My own personal growth"),
                        ("other", "Something else"),
                    ),
                ),
                Question(
                    id="relationship_intent",
                    type=QType.CHOICE,
                    label="Right now, what do you want for your relationship?",
                    required=True,
                    choices=_choices(
                        ("stay_together", "I want us to stay together"),
                        ("unsure", "I'm not sure"),
                        ("considering_separation", "I'm thinking about separating"),
                    ),
                ),
                Question(
                    id="readiness",
                    type=QType.INT,
                    label="How ready do you feel to start?",
                    help="Choose a number from 0 to 10.",
                    required=True,
                    min=0,
                    max=10,
                    choices=(
                        Choice(0, "0 – not at all ready"),
                        *(Choice(n, str(n)) for n in range(1, 10)),
                        Choice(10, "10 – completely ready"),
                    ),
                ),
            ),
        ),
        Section(
            title="Just for you",
            intro=(
                "Your answers to these questions are seen only by the clinical team. "
                "They are never shown to your partner."
            ),
            questions=(
                Question(
                    id="whose_idea",
                    type=QType.CHOICE,
                    label="Whose idea was it to come to this therapy?",
                    required=True,
                    private=True,
                    choices=_choices(
                        ("mine", "Mine"),
                        ("partner", "My partner's"),
                        ("shared", "We decided together"),
                        ("professional", "A doctor, therapist or other professional suggested it"),
                        ("other", "Someone else's"),
                    ),
                ),
                Question(
                    id="free_to_decline",
                    type=QType.CHOICE,
                    label=(
                        "Do you feel free to say no, or to stop at any time, without it causing "
                        "problems for you at home?"
                    ),
                    required=True,
                    private=True,
                    choices=_choices(
                        ("yes", "Yes"),
                        ("not_sure", "I'm not sure"),
                        ("no", "No"),
                    ),
                ),
                _yes_no(
                    "pressured",
                    "Has anyone pressured you to take part?",
                    "This could be your partner, a family member or anyone else.",
                    private=True,
                ),
            ),
        ),
    ),
)


# --- 3. relationship --------------------------------------------------------------------

RELATIONSHIP = Step(
    id="relationship",
    title="Your relationship",
    sections=(
        Section(
            questions=(
                Question(
                    id="relationship_years",
                    type=QType.DECIMAL,
                    label="How many years have you been together?",
                    help="For example, 2.5 for two and a half years, or 0.5 for six months.",
                    required=True,
                    min=0,
                    max=80,
                    format_hint=(
                        "Please type the number of years in digits, for example 2.5 for two "
                        "and a half years."
                    ),
                ),
                _yes_no("living_together", "Do you live together?"),
                _yes_no(
                    "prior_couples_therapy",
                    "Have you been to couples therapy or counselling together before?",
                ),
            ),
        ),
        Section(
            title="How you feel about your relationship",
            intro="Choose the answer that fits best.",
            credit=CSI4_CREDIT,
            questions=(
                Question(
                    id="csi_1",
                    type=QType.INT,
                    label=(
                        "Please indicate the degree of happiness, all things considered, of "
                        "your relationship."
                    ),
                    required=True,
                    min=0,
                    max=6,
                    choices=_scored(
                        "Extremely unhappy",
                        "Fairly unhappy",
                        "A little unhappy",
                        "Happy",
                        "Very happy",
                        "Extremely happy",
                        "Perfect",
                    ),
                    instrument="csi4",
                ),
                Question(
                    id="csi_2",
                    type=QType.INT,
                    label="I have a warm and comfortable relationship with my partner.",
                    required=True,
                    min=0,
                    max=5,
                    choices=CSI4_TRUE_OPTIONS,
                    instrument="csi4",
                ),
                Question(
                    id="csi_3",
                    type=QType.INT,
                    label="How rewarding is your relationship with your partner?",
                    required=True,
                    min=0,
                    max=5,
                    choices=CSI4_AMOUNT_OPTIONS,
                    instrument="csi4",
                ),
                Question(
                    id="csi_4",
                    type=QType.INT,
                    label="In general, how satisfied are you with your relationship?",
                    required=True,
                    min=0,
                    max=5,
                    choices=CSI4_AMOUNT_OPTIONS,
                    instrument="csi4",
                ),
            ),
        ),
    ),
)


# --- 4. physical ------------------------------------------------------------------------

PHYSICAL = Step(
    id="physical",
    title="Your physical health",
    intro=(
        "These questions help the doctor check that ketamine is safe for you. If you are not "
        "sure about an answer, choose the one closest to the truth; the clinic can talk it "
        "through with you."
    ),
    checks=(
        BothOrNeither(
            "bp_systolic",
            "bp_diastolic",
            "Please give both numbers of the reading (top and bottom), or leave both empty.",
        ),
        FirstLarger(
            "bp_systolic",
            "bp_diastolic",
            "The top number is usually the larger one, for example 128 in 128/82. Please "
            "check you have not swapped them: the larger number goes in the top box.",
        ),
    ),
    sections=(
        Section(
            title="Heart, blood vessels and brain",
            checklist="Have you ever had any of these?",
            questions=(
                _yes_no(
                    "aneurysm_avm",
                    "Has a doctor ever told you that you have an aneurysm or an AVM?",
                    "An aneurysm is a bulge in a blood vessel, for example in the brain or "
                    "the aorta (the body's main blood vessel). An AVM is a tangle of blood "
                    "vessels.",
                    item="An aneurysm or an AVM, as a doctor told you",
                ),
                _yes_no(
                    "brain_bleed",
                    "Have you ever had bleeding in your brain?",
                    item="Bleeding in your brain",
                ),
                _yes_no("heart_attack", "Have you ever had a heart attack?", item="A heart attack"),
                _month_of(
                    "heart_attack_when",
                    "heart_attack",
                    "When was your most recent heart attack?",
                ),
                _yes_no(
                    "stroke_tia",
                    'Have you ever had a stroke or a "mini-stroke" (TIA)?',
                    item='A stroke or a "mini-stroke" (TIA)',
                ),
                _month_of("stroke_tia_when", "stroke_tia", "When was the most recent one?"),
                _yes_no(
                    "angina_stent_bypass",
                    "Have you ever had chest pain caused by your heart (angina), a stent, or "
                    "heart bypass surgery?",
                    item="Chest pain caused by your heart (angina), a stent, or heart bypass "
                    "surgery",
                ),
                _month_of(
                    "angina_stent_bypass_when",
                    "angina_stent_bypass",
                    "When did you last have this chest pain, a stent or bypass surgery?",
                ),
                _yes_no(
                    "heart_rhythm_failure_valve",
                    "Do you have an irregular heartbeat, heart failure, a heart valve problem, "
                    "or a pacemaker?",
                    item="An irregular heartbeat, heart failure, a heart valve problem, or a "
                    "pacemaker (now)",
                ),
            ),
        ),
        Section(
            title="Blood pressure",
            questions=(
                Question(
                    id="blood_pressure",
                    type=QType.CHOICE,
                    label="What is your blood pressure usually like?",
                    required=True,
                    choices=_choices(
                        ("normal", "Normal"),
                        ("high_controlled", "High, but under control with treatment"),
                        ("high_not_controlled", "High, and not under control or not treated"),
                        ("not_sure", "I'm not sure"),
                    ),
                ),
                Question(
                    id="bp_systolic",
                    type=QType.INT,
                    label="Your most recent reading: the top number",
                    # One hint for both boxes, above the first (as short as a question's hint).
                    help=(
                        "If you know it. In a reading of 128/82, the top number is 128 and the "
                        "bottom number is 82."
                    ),
                    min=60,
                    max=260,
                    format_hint=(
                        "Please type only the top number here, for example 128, and the bottom "
                        "number in the next box."
                    ),
                ),
                Question(
                    id="bp_diastolic",
                    type=QType.INT,
                    label="Your most recent reading: the bottom number",
                    min=30,
                    max=160,
                    format_hint="Please type only the bottom number here, for example 82.",
                ),
                Question(
                    id="bp_reading_date",
                    type=QType.DATE,
                    label="When was this reading taken?",
                    help="Your best guess is fine.",
                    when=any_of(Answered("bp_systolic"), Answered("bp_diastolic")),
                    not_future=True,
                ),
            ),
        ),
        Section(
            title="Other health questions",
            checklist="Do any of these apply to you?",
            questions=(
                _yes_no(
                    "head_injury_icp",
                    "Have you ever had a serious head injury, a brain tumour or a shunt, or "
                    "been told you have high pressure inside your head?",
                    item="You have ever had a serious head injury, a brain tumour or a shunt, or "
                    "been told you have high pressure inside your head",
                ),
                _yes_no(
                    "glaucoma_eye",
                    "Do you have glaucoma, a recent eye injury, or eye surgery planned?",
                    item="You have glaucoma, a recent eye injury, or eye surgery planned",
                ),
                _yes_no(
                    "seizures",
                    "Have you ever had epilepsy or a seizure?",
                    item="You have ever had epilepsy or a seizure",
                ),
                _yes_no(
                    "liver",
                    "Have you ever had liver problems, such as hepatitis, cirrhosis, fatty "
                    "liver, or abnormal liver blood tests?",
                    item="You have ever had liver problems, such as hepatitis, cirrhosis, fatty "
                    "liver, or abnormal liver blood tests",
                ),
                _yes_no(
                    "urinary_symptoms",
                    "Right now, do you need to pass urine often or in a hurry, have pain when "
                    "you pass urine, or see blood in your urine?",
                    item="Right now, you need to pass urine often or in a hurry, have pain when "
                    "you pass urine, or see blood in your urine",
                ),
                _yes_no(
                    "bladder_condition",
                    "Have you ever had interstitial cystitis (a painful bladder) or another "
                    "bladder condition?",
                    item="You have ever had interstitial cystitis (a painful bladder) or another "
                    "bladder condition",
                ),
                Question(
                    id="thyroid",
                    type=QType.CHOICE,
                    label="Do you have a thyroid problem?",
                    required=True,
                    choices=_choices(
                        ("none", "No"),
                        ("overactive_controlled", "Overactive thyroid, under control"),
                        (
                            "overactive_not_controlled",
                            "Overactive thyroid, not under control or not treated",
                        ),
                        ("underactive", "Underactive thyroid"),
                        ("not_sure", "I'm not sure"),
                    ),
                ),
                _yes_no(
                    "lung_sleep_apnoea",
                    "Do you have COPD or another lung disease, or sleep apnea (your breathing "
                    "stops for short times while you sleep)?",
                    item="You have COPD or another lung disease, or sleep apnea (your breathing "
                    "stops for short times while you sleep)",
                ),
                Question(
                    id="pregnancy",
                    type=QType.MULTI,
                    label="Do any of these apply to you right now?",
                    help=(
                        "Tick all that apply. We ask because ketamine may not be safe during "
                        "pregnancy or breastfeeding."
                    ),
                    required=True,
                    choices=_choices(
                        ("pregnant", "I am pregnant"),
                        ("possibly_pregnant", "I might be pregnant"),
                        ("breastfeeding", "I am breastfeeding or chestfeeding"),
                        (
                            "planning_or_ivf",
                            "I am planning a pregnancy, or having fertility treatment such as IVF",
                        ),
                        ("none", "None of these"),
                        ("not_applicable", "This does not apply to me"),
                    ),
                    exclusive=("none", "not_applicable"),
                ),
            ),
        ),
        Section(
            title="Reactions and allergies",
            checklist="Have you ever had a bad or allergic reaction to any of these?",
            questions=(
                _yes_no(
                    "ketamine_reaction",
                    "Have you ever had a bad or allergic reaction to ketamine or esketamine "
                    "(Spravato)?",
                    item="Ketamine or esketamine (Spravato)",
                ),
                _yes_no(
                    "anaesthesia_reaction",
                    "Have you ever had a bad reaction to an anesthetic?",
                    "An anesthetic is a medicine that puts you to sleep or numbs you for "
                    "surgery or a procedure.",
                    item="An anesthetic",
                ),
                _long_text(
                    "reaction_details",
                    "Please tell us about the reaction.",
                    "Which medicine, about when it happened, and what the reaction was.",
                    required=True,
                    when=any_of(Eq("ketamine_reaction", True), Eq("anaesthesia_reaction", True)),
                ),
                _yes_no(
                    "no_allergies",
                    "I have no allergies",
                    "Tick this if you know of no allergy to medicines, foods, latex or "
                    "anything else.",
                    required=False,
                    none_for="allergies",
                ),
                _long_text(
                    "allergies",
                    "Please list your allergies.",
                    "To medicines, foods, latex or anything else, and what happens.",
                    when=Not(Eq("no_allergies", True)),
                ),
            ),
        ),
    ),
)


# --- 5. medications ---------------------------------------------------------------------

MEDICATIONS = Step(
    id="medications",
    title="Your medicines",
    intro="Some medicines can change how ketamine works or how safe it is for you.",
    sections=(
        Section(
            questions=(
                _yes_no(
                    "no_medicines",
                    "I take no medicines",
                    "No prescriptions, no medicines bought without a prescription, and no "
                    "vitamins, herbal remedies or supplements.",
                    required=False,
                    none_for="medications",
                ),
                Question(
                    id="medications",
                    when=Not(Eq("no_medicines", True)),
                    type=QType.MEDS,
                    label="Please list all the medicines you take.",
                    help=(
                        "Include prescriptions, medicines you buy without a prescription, "
                        "vitamins, herbal remedies and supplements. Add one row for each, "
                        "with the dose and how often you take it."
                    ),
                ),
                Question(
                    id="med_classes",
                    type=QType.MULTI,
                    label="Do you take any of these medicines?",
                    help=(
                        "Tick all that apply. The names in brackets are examples. If you are "
                        "not sure, list the medicine above and the clinic will check."
                    ),
                    required=True,
                    choices=_choices(
                        (
                            "maoi",
                            "MAOI antidepressants (phenelzine, tranylcypromine, "
                            "isocarboxazid, selegiline)",
                        ),
                        (
                            "stimulant",
                            "Stimulants, for example for ADHD (amphetamines such as Adderall "
                            "or Vyvanse, methylphenidate such as Ritalin or Concerta, "
                            "modafinil, armodafinil)",
                        ),
                        (
                            "benzodiazepine",
                            "Benzodiazepines (lorazepam, clonazepam, diazepam, alprazolam)",
                        ),
                        (
                            "opioid",
                            "Opioids, for pain or for opioid treatment (codeine, oxycodone, "
                            "morphine, tramadol, methadone, buprenorphine)",
                        ),
                        ("lamotrigine", "Lamotrigine (Lamictal)"),
                        ("naltrexone", "Naltrexone (Revia, Vivitrol, or in Contrave)"),
                        ("theophylline", "Theophylline or aminophylline (for breathing)"),
                        (
                            "other_sedative",
                            "Other medicines that make you sleepy (sleeping pills such as "
                            "zopiclone or zolpidem, barbiturates, sleepy antihistamines such "
                            "as diphenhydramine, gabapentin, pregabalin)",
                        ),
                        (
                            "ssri_snri",
                            "SSRI or SNRI antidepressants (sertraline, fluoxetine, "
                            "citalopram, escitalopram, venlafaxine, duloxetine)",
                        ),
                        (
                            "antipsychotic",
                            "Antipsychotics (quetiapine, olanzapine, risperidone, aripiprazole)",
                        ),
                        (
                            "mood_stabiliser",
                            "Mood stabilizers other than lamotrigine (lithium, valproate or "
                            "divalproex, carbamazepine)",
                        ),
                        ("none", "None of these"),
                    ),
                    exclusive=("none",),
                ),
            ),
        ),
    ),
)


# --- 6. mental health -------------------------------------------------------------------

MENTAL_HEALTH = Step(
    id="mental_health",
    title="Your mental health history",
    intro=(
        "Many people have had some of these experiences. Your answers help the clinic plan "
        "care that is safe for you."
    ),
    sections=(
        Section(
            questions=(
                Question(
                    id="conditions_told",
                    type=QType.MULTI,
                    label=(
                        "Has a doctor or other health professional ever told you that you have "
                        "any of these?"
                    ),
                    help="Tick all that apply.",
                    required=True,
                    choices=_choices(
                        ("depression", "Depression"),
                        ("anxiety", "Anxiety"),
                        ("ptsd", "PTSD (post-traumatic stress)"),
                        ("bipolar", "Bipolar disorder"),
                        ("psychotic_disorder", "Schizophrenia or another kind of psychosis"),
                        ("dissociative_disorder", "A dissociative disorder"),
                        ("eating_disorder", "An eating disorder"),
                        ("ocd", "OCD (obsessive-compulsive disorder)"),
                        ("adhd", "ADHD"),
                        ("personality_disorder", "A personality disorder"),
                        (
                            "substance_use_disorder",
                            "A problem with alcohol or drugs (substance use disorder)",
                        ),
                        ("none", "None of these"),
                    ),
                    exclusive=("none",),
                ),
            ),
        ),
        Section(
            checklist="Have any of these ever happened to you?",
            questions=(
                _yes_no(
                    "psychotic_symptoms",
                    "Have you ever heard or seen things that other people could not, or "
                    "believed things that other people found very strange?",
                    item="You heard or saw things that other people could not, or believed "
                    "things that other people found very strange",
                ),
                _yes_no(
                    "mania_ever",
                    "Have you ever had several days in a row when your mood or energy was "
                    "unusually high and you needed much less sleep than usual?",
                    "We mean more than just a good mood: a change that felt unusual for you "
                    "or that other people noticed.",
                    item="Several days in a row when your mood or energy was unusually high and "
                    "you needed much less sleep than usual",
                ),
                _yes_no(
                    "mania_now",
                    "Is this happening now, or has it happened in the past month?",
                    when=Eq("mania_ever", True),
                ),
                _yes_no(
                    "family_psychosis",
                    "Has your parent, brother, sister or child ever had schizophrenia or "
                    "psychosis?",
                    "Psychosis means losing touch with what is real, for example hearing "
                    "voices that others cannot hear.",
                    item="Your parent, brother, sister or child had schizophrenia or psychosis",
                ),
                _yes_no(
                    "psychiatric_hospital",
                    "Have you ever stayed in a hospital for your mental health?",
                    item="You stayed in a hospital for your mental health",
                ),
                _long_text(
                    "current_care",
                    "Who helps you with your mental health right now?",
                    "For example, a therapist, counsellor, psychiatrist or family doctor, and "
                    "any medicines for your mental health. Leave this empty if no one does.",
                ),
                _yes_no(
                    "prior_ketamine_therapy",
                    "Have you had ketamine treatment or ketamine-assisted therapy before?",
                    item="You had ketamine treatment or ketamine-assisted therapy",
                ),
                _yes_no(
                    "prior_psychedelics",
                    "Have you ever taken a psychedelic, such as magic mushrooms (psilocybin), "
                    "LSD, MDMA or ayahuasca?",
                    "We ask to understand your experience, not to judge.",
                    item="You took a psychedelic, such as magic mushrooms (psilocybin), LSD, "
                    "MDMA or ayahuasca",
                ),
            ),
        ),
    ),
)


# --- 7. mood ----------------------------------------------------------------------------


def _phq9_item(number: int, label: str) -> Question:
    question_id = f"phq9_{number}"
    return Question(
        id=question_id,
        type=QType.INT,
        label=label,
        required=True,
        min=0,
        max=3,
        choices=PHQ_GAD_OPTIONS,
        instrument="phq9",
        alert=AtLeast(question_id, 1) if number == 9 else None,
    )


MOOD = Step(
    id="mood",
    title="How you have been feeling",
    intro="These questions are about the last 2 weeks.",
    sections=(
        Section(
            title="Your mood",
            intro=PHQ_GAD_STEM,
            credit=PHQ9_CREDIT,
            questions=(
                *(_phq9_item(n, label) for n, label in enumerate(PHQ9_ITEMS, start=1)),
                Question(
                    id="phq9_difficulty",
                    type=QType.INT,
                    label=PHQ9_DIFFICULTY,
                    required=True,
                    min=0,
                    max=3,
                    choices=PHQ9_DIFFICULTY_OPTIONS,
                    instrument="phq9",
                    scored=False,
                ),
            ),
        ),
        Section(
            title="Worry and nerves",
            intro=PHQ_GAD_STEM,
            credit=GAD7_CREDIT,
            questions=tuple(
                Question(
                    id=f"gad7_{n}",
                    type=QType.INT,
                    label=label,
                    required=True,
                    min=0,
                    max=3,
                    choices=PHQ_GAD_OPTIONS,
                    instrument="gad7",
                )
                for n, label in enumerate(GAD7_ITEMS, start=1)
            ),
        ),
    ),
)


# --- 8. experiences ---------------------------------------------------------------------

EXPERIENCES = Step(
    id="experiences",
    title="Stressful experiences",
    intro=(
        "These questions ask about very frightening or upsetting events. You do not need to "
        "give any details. If you would rather not answer them, you can skip this section "
        "and talk about it with the clinic later if you wish."
    ),
    sections=(
        Section(
            questions=(
                _yes_no(
                    "ptsd_declined",
                    "I'd rather skip this section",
                    "Tick this box to skip the questions on this page.",
                    required=False,
                    skips_step=True,
                ),
            ),
        ),
        Section(
            title="Frightening events",
            intro=PCPTSD5_INTRO,
            credit=PCPTSD5_CREDIT,
            questions=(
                _yes_no(
                    "ptsd_event",
                    PCPTSD5_EVENT,
                    when=Not(Eq("ptsd_declined", True)),
                    instrument="pcptsd5",
                    scored=False,
                ),
                *(
                    _yes_no(
                        f"pcptsd_{n}",
                        label,
                        when=Eq("ptsd_event", True),
                        instrument="pcptsd5",
                    )
                    for n, label in enumerate(PCPTSD5_ITEMS, start=1)
                ),
            ),
        ),
    ),
)


# --- 9. substances ----------------------------------------------------------------------

SUBSTANCES = Step(
    id="substances",
    title="Alcohol and other substances",
    intro=(
        "Alcohol and some drugs can change how ketamine affects you. Please answer honestly; "
        "we ask to keep you safe, not to judge."
    ),
    sections=(
        Section(
            title="Alcohol",
            intro=AUDITC_INTRO,
            credit=AUDITC_CREDIT,
            questions=(
                Question(
                    id="auditc_1",
                    type=QType.INT,
                    label="How often do you have a drink containing alcohol?",
                    required=True,
                    min=0,
                    max=4,
                    choices=_scored(
                        "Never",
                        "Monthly or less",
                        "2–4 times a month",
                        "2–3 times a week",
                        "4 or more times a week",
                    ),
                    instrument="auditc",
                ),
                Question(
                    id="auditc_2",
                    type=QType.INT,
                    label=(
                        "How many standard drinks containing alcohol do you have on a typical day?"
                    ),
                    required=True,
                    min=0,
                    max=4,
                    choices=_scored("1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"),
                    instrument="auditc",
                ),
                Question(
                    id="auditc_3",
                    type=QType.INT,
                    label="How often do you have six or more drinks on one occasion?",
                    required=True,
                    min=0,
                    max=4,
                    choices=_scored(
                        "Never",
                        "Less than monthly",
                        "Monthly",
                        "Weekly",
                        "Daily or almost daily",
                    ),
                    instrument="auditc",
                ),
                _yes_no(
                    "can_abstain_24h",
                    "Could you go without any alcohol for 24 hours before and 24 hours after "
                    "each session?",
                ),
            ),
        ),
        Section(
            title="Other substances",
            questions=(
                Question(
                    id="dissociative_use",
                    type=QType.CHOICE,
                    label=(
                        "Have you ever used ketamine, PCP, DXM or nitrous oxide when it was not "
                        "prescribed or given to you by a health professional?"
                    ),
                    help=(
                        "DXM is a cough medicine that some people take in large amounts. "
                        "Nitrous oxide is also called laughing gas or whippets. Do not count "
                        "medical use, such as at the dentist or in hospital."
                    ),
                    required=True,
                    choices=_choices(
                        ("never", "Never"),
                        ("not_past_year", "Yes, but not in the past year"),
                        ("once_past_year", "Once in the past year"),
                        (
                            "monthly_or_less",
                            "More than once in the past year, but less than once a week",
                        ),
                        ("weekly_or_more", "Once a week or more"),
                    ),
                ),
                Question(
                    id="substances_past_year",
                    type=QType.MULTI,
                    label="In the past year, have you used any of these?",
                    help="Tick all that apply.",
                    required=True,
                    choices=_choices(
                        ("cannabis", "Cannabis (marijuana, weed)"),
                        ("cocaine", "Cocaine or crack"),
                        (
                            "amphetamines",
                            "Amphetamines or methamphetamine (speed, meth) not prescribed to you",
                        ),
                        (
                            "opioids_non_prescribed",
                            "Opioids not prescribed to you, or more than prescribed (such as "
                            "heroin, fentanyl or oxycodone)",
                        ),
                        ("psychedelics", "Psychedelics (such as magic mushrooms, LSD or MDMA)"),
                        (
                            "sedatives_non_prescribed",
                            "Sleeping pills or sedatives not prescribed to you, or more than "
                            "prescribed (such as Xanax or Valium)",
                        ),
                        ("none", "None of these"),
                    ),
                    exclusive=("none",),
                ),
                _yes_no(
                    "substance_treatment",
                    "Are you in treatment or recovery for alcohol or drug use right now?",
                ),
            ),
        ),
    ),
)


# --- 10. safety (private) ---------------------------------------------------------------

SAFETY = Step(
    id="safety",
    title="Your safety",
    private=True,
    intro=(
        "Your answers on this page are seen only by the clinical team. They are never shown "
        "to your partner. This form is not watched in real time, so if you are in danger or "
        "thinking about ending your life, please get help now: call 911 in an emergency, or "
        "call or text 988 at any time, day or night."
    ),
    sections=(
        Section(
            title="Thoughts about death and suicide",
            intro=(
                "Many people have thoughts like these during hard times. Answering honestly "
                "helps us keep you safe."
            ),
            questions=(
                _alerting(
                    "si_wish_dead",
                    "In the past month, have there been times when you wished you were dead, "
                    "or wished you could go to sleep and not wake up?",
                ),
                _alerting(
                    "si_thoughts",
                    "In the past month, have you had thoughts of ending your life?",
                ),
                _alerting(
                    "si_method",
                    "Have you thought about how you might do it?",
                    when=Eq("si_thoughts", True),
                ),
                _alerting(
                    "si_intent",
                    "Have you had any intention of acting on these thoughts?",
                    when=Eq("si_thoughts", True),
                ),
                _alerting(
                    "si_plan",
                    "Have you worked out, or started to work out, the details of a plan?",
                    when=Eq("si_thoughts", True),
                ),
                _alerting(
                    "si_behaviour",
                    "Have you ever done something, or started to do something, to end your life?",
                ),
                _alerting(
                    "si_behaviour_3m",
                    "Did this happen in the past 3 months?",
                    when=Eq("si_behaviour", True),
                ),
            ),
        ),
        Section(
            title="Safety in your relationships",
            credit=HARK_CREDIT,
            questions=(
                _alerting(
                    "ipv_humiliated",
                    "Within the last year, have you been humiliated or emotionally abused in "
                    "other ways by your partner or ex-partner?",
                    instrument="hark",
                ),
                _alerting(
                    "ipv_afraid",
                    "Within the last year, have you been afraid of your partner or ex-partner?",
                    instrument="hark",
                ),
                _alerting(
                    "ipv_forced_sex",
                    "Within the last year, have you been raped or forced to have any kind of "
                    "sexual activity by your partner or ex-partner?",
                    instrument="hark",
                ),
                _alerting(
                    "ipv_physical",
                    "Within the last year, have you been kicked, hit, slapped or otherwise "
                    "physically hurt by your partner or ex-partner?",
                    instrument="hark",
                ),
            ),
        ),
        Section(
            title="Safety at home",
            questions=(
                _alerting(
                    "ipv_hurt_partner",
                    "In the past year, have you pushed, hit or otherwise hurt a partner?",
                ),
                _alerting(
                    "unsafe_now",
                    "Are you afraid for your safety at home right now?",
                ),
            ),
        ),
    ),
)


# --- 11. practical ----------------------------------------------------------------------

PRACTICAL = Step(
    id="practical",
    title="Practical arrangements",
    sections=(
        Section(
            questions=(
                _short_text(
                    "escort_name",
                    "Who will take you home after each session?",
                    "You cannot drive until the next day after a session. Please give the "
                    "name of an adult who will take you home. A taxi or ride-share driver "
                    "cannot be your ride.",
                ),
                _yes_no(
                    "escort_is_partner",
                    "Is this person your partner?",
                    "If you both have a session on the same day, your partner cannot take you "
                    "home.",
                ),
                _long_text(
                    "availability",
                    "When are you usually free for appointments?",
                    "For example: weekday mornings, or any day except Fridays.",
                ),
                _yes_no(
                    "consent_share",
                    "I agree that a summary of my answers goes to the clinic's care team, "
                    "including the person who would prescribe ketamine. It does not go to my "
                    "partner.",
                    "You need to agree to this to continue.",
                    must_be_true=True,
                ),
            ),
        ),
    ),
)


# --- 12. review -------------------------------------------------------------------------

REVIEW = Step(
    id="review",
    title="Check and submit",
    intro=(
        "Please check your answers. You can go back to any step to change them. Once you "
        "submit, your answers are locked."
    ),
    sections=(
        Section(
            questions=(
                _yes_no(
                    "certify_accurate",
                    "I confirm that my answers are true and complete to the best of my knowledge.",
                    must_be_true=True,
                ),
            ),
        ),
    ),
)


QUESTIONNAIRE = Questionnaire(
    version="1",
    steps=(
        ABOUT,
        GOALS,
        RELATIONSHIP,
        PHYSICAL,
        MEDICATIONS,
        MENTAL_HEALTH,
        MOOD,
        EXPERIENCES,
        SUBSTANCES,
        SAFETY,
        PRACTICAL,
        REVIEW,
    ),
)
