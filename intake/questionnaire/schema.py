"""The shape of a questionnaire definition: steps, sections, questions, conditions.

A questionnaire is plain, immutable data. Everything else (the step forms, validation,
the partner's review page, the clinician's side-by-side view, the PDF and the answers
document) is built from it, so nobody writes a question's wording twice.

Conditions are small objects evaluated over a mapping of question id -> value; there is
no string evaluation anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar

from .answers import is_missing


class QType(StrEnum):
    BOOL = "bool"
    CHOICE = "choice"
    MULTI = "multi"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    MONTH = "month"
    TEXT = "text"
    MEDS = "meds"


# --- conditions -------------------------------------------------------------------------


class Condition:
    """Base class: `holds(values)` over a mapping of question id -> value."""

    def holds(self, values: Mapping[str, Any]) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def questions(self) -> set[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def as_json(self) -> Any:  # pragma: no cover - abstract
        """A JSON form the page's script evaluates to show or hide a question."""
        raise NotImplementedError


@dataclass(frozen=True)
class Eq(Condition):
    """The answer to `question` equals `value`."""

    question: str
    value: Any

    def holds(self, values):
        return values.get(self.question) == self.value

    def questions(self):
        return {self.question}

    def as_json(self):
        return {"eq": [self.question, self.value]}


@dataclass(frozen=True)
class In(Condition):
    """The answer to `question` is one of `options` (for a multi: contains one of them)."""

    question: str
    options: tuple[Any, ...]

    def holds(self, values):
        answer = values.get(self.question)
        if isinstance(answer, list):
            return any(option in answer for option in self.options)
        return answer in self.options

    def questions(self):
        return {self.question}

    def as_json(self):
        return {"in": [self.question, list(self.options)]}


@dataclass(frozen=True)
class AtLeast(Condition):
    """The (numeric) answer to `question` is at least `minimum`."""

    question: str
    minimum: int

    def holds(self, values):
        answer = values.get(self.question)
        return (
            isinstance(answer, int | float)
            and not isinstance(answer, bool)
            and answer >= self.minimum
        )

    def questions(self):
        return {self.question}

    def as_json(self):
        return {"gte": [self.question, self.minimum]}


@dataclass(frozen=True)
class Answered(Condition):
    """`question` has an answer (not missing, not empty)."""

    question: str

    def holds(self, values):
        return not is_missing(values.get(self.question))

    def questions(self):
        return {self.question}

    def as_json(self):
        return {"answered": self.question}


@dataclass(frozen=True)
class AnyOf(Condition):
    conditions: tuple[Condition, ...]

    def holds(self, values):
        return any(c.holds(values) for c in self.conditions)

    def questions(self):
        return set().union(*(c.questions() for c in self.conditions))

    def as_json(self):
        return {"any": [c.as_json() for c in self.conditions]}


@dataclass(frozen=True)
class Not(Condition):
    condition: Condition

    def holds(self, values):
        return not self.condition.holds(values)

    def questions(self):
        return self.condition.questions()

    def as_json(self):
        return {"not": self.condition.as_json()}


def any_of(*conditions: Condition) -> AnyOf:
    return AnyOf(tuple(conditions))


# --- checks across questions of one step -----------------------------------------------


@dataclass(frozen=True)
class BothOrNeither:
    """Both questions are answered, or neither is (e.g. a blood-pressure reading)."""

    first: str
    second: str
    message: str
    # One of the pair left out is an answer still to give, not a mistake in what was typed.
    still_to_give: ClassVar[bool] = True

    def problem(self, values: Mapping[str, Any]) -> tuple[str, str] | None:
        """(the question to show the message beside, the message), or None."""
        has_first = not is_missing(values.get(self.first))
        has_second = not is_missing(values.get(self.second))
        if has_first == has_second:
            return None
        return (self.second if has_first else self.first), self.message

    def describe(self) -> str:
        return f"`{self.first}` and `{self.second}` are answered together or not at all."


@dataclass(frozen=True)
class FirstLarger:
    """When both are answered, the first number is larger than the second (the top number
    of a blood-pressure reading and the bottom one): refused otherwise, the message shown
    beside the first box."""

    first: str
    second: str
    message: str
    still_to_give: ClassVar[bool] = False

    def problem(self, values: Mapping[str, Any]) -> tuple[str, str] | None:
        first, second = values.get(self.first), values.get(self.second)
        if isinstance(first, int | float) and isinstance(second, int | float) and first <= second:
            return self.first, self.message
        return None

    def describe(self) -> str:
        return f"When both are answered, `{self.first}` is larger than `{self.second}`."


# --- definition -------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    code: Any  # str for choice/multi, int for scored items
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: QType
    label: str
    help: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min: int | float | None = None
    max: int | float | None = None
    max_length: int | None = None  # text only; defaults below
    multiline: bool = False  # text only: a textarea
    when: Condition | None = None  # asked only when this holds (same step)
    private: bool = False  # never used for couple-level output
    exclusive: tuple[str, ...] = ()  # multi: codes that must be the only one ticked
    must_be_true: bool = False  # bool: only "yes" is accepted
    format: str | None = None  # text: "email" or "phone"
    not_future: bool = False  # date/month: may not be after today
    alert: Condition | None = None  # when it holds, the page shows crisis contacts
    instrument: str | None = None  # e.g. "phq9": an item of that instrument
    scored: bool = True  # with `instrument`: counts towards its total (False: asked with it)
    item: str = ""  # bool: its wording as one box of its section's checklist (Section.checklist)
    unit: str = ""  # int/decimal: the unit the answer is stored in ("kg", "cm")
    unit_of: str | None = None  # choice: the unit `unit_of` was typed in, chosen beside its box
    # int/decimal: what to type, said when a box cannot be read as a number ("140 lbs")
    format_hint: str = ""
    # bool, a box to tick ("I have no allergies"): ticked, the answer to that question (asked
    # only when it is not ticked) is "none", said by the partner, not a box left empty.
    none_for: str = ""
    skips_step: bool = False  # bool ("I'd rather skip this section"): yes skips the rest

    def choice_label(self, code: Any) -> str:
        for choice in self.choices:
            if choice.code == code:
                return choice.label
        return str(code)

    @property
    def text_max_length(self) -> int:
        if self.max_length:
            return self.max_length
        return 2000 if self.multiline else 200


@dataclass(frozen=True)
class Section:
    """A group of questions on a step, with an optional heading, stem and credit line."""

    questions: tuple[Question, ...]
    title: str = ""
    intro: str = ""
    credit: str = ""
    # The yes/no questions of the section with an `item` wording are shown as one list of
    # boxes to tick under this question, with "None of these" (`none_label`) last. Presentation
    # only: each is still its own question, true or false in the answers document.
    checklist: str = ""
    none_label: str = "None of these"

    @property
    def items(self) -> tuple[Question, ...]:
        """The questions shown as the boxes of the checklist."""
        if not self.checklist:
            return ()
        return tuple(q for q in self.questions if q.item)

    @property
    def none_name(self) -> str:
        """The form field of the "None of these" box (not a question: it is no answer)."""
        return f"{self.items[0].id}__none"


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    sections: tuple[Section, ...]
    intro: str = ""
    private: bool = False  # the whole step is clinician-only
    checks: tuple[BothOrNeither | FirstLarger, ...] = ()
    when: Condition | None = None  # step asked only when this holds (over all answers)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def is_private(self, question: Question) -> bool:
        """Whether only the clinic's team reads this question's answers (never the other
        partner, never couple-level output): the question or its whole step is private."""
        return self.private or question.private


@dataclass(frozen=True)
class Questionnaire:
    version: str
    steps: tuple[Step, ...]
    _by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)
    _step_of: dict[str, Step] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for step in self.steps:
            for section in step.sections:
                for item in section.items:
                    if item.type != QType.BOOL or not item.required or item.when is not None:
                        raise ValueError(f"{item.id!r}: a checklist's box is a required yes/no")
            for question in step.questions:
                if question.id in self._by_id:
                    raise ValueError(f"duplicate question id {question.id!r}")
                self._by_id[question.id] = question
                self._step_of[question.id] = step
                if question.unit_of and (
                    question.id != f"{question.unit_of.rsplit('_', 1)[0]}_unit"
                    or question.unit_of not in self._by_id
                ):
                    raise ValueError(f"unit question {question.id!r}: name it <number>_unit")

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def step_of(self, question_id: str) -> Step:
        return self._step_of[question_id]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def instrument_items(self, instrument: str) -> tuple[str, ...]:
        """The ids of the questions tagged with `instrument` that count towards its total,
        in the questionnaire's order."""
        return tuple(
            q.id
            for step in self.steps
            for q in step.questions
            if q.instrument == instrument and q.scored
        )

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    @property
    def private_ids(self) -> frozenset[str]:
        return frozenset(q.id for step in self.steps for q in step.questions if step.is_private(q))

    @property
    def private_instruments(self) -> frozenset[str]:
        """Instruments with an item in a private question: their scores are private too."""
        return frozenset(
            q.instrument
            for step in self.steps
            for q in step.questions
            if q.instrument and step.is_private(q)
        )


def revised(
    questionnaire: Questionnaire, version: str, changes: dict[str, dict[str, Any]]
) -> Questionnaire:
    """A new version of `questionnaire`: the same steps and questions, with `changes` made to
    the questions named (question id -> the fields that differ). Every id stays as it is."""
    unknown = set(changes) - set(questionnaire.question_ids)
    if unknown:
        raise ValueError(f"no such questions to revise: {sorted(unknown)}")

    def section(old: Section) -> Section:
        return replace(
            old, questions=tuple(replace(q, **changes.get(q.id, {})) for q in old.questions)
        )

    return Questionnaire(
        version=version,
        steps=tuple(
            replace(step, sections=tuple(section(s) for s in step.sections))
            for step in questionnaire.steps
        ),
    )
