"""Step forms built from the questionnaire definition.

One dynamic form class per step: its fields, validation and the answers it yields all come
from the definition (`intake.questionnaire`). Values leave the form in the types of the
answers document: bool, a choice code, a list of codes, int, float, "YYYY-MM-DD",
"YYYY-MM", text, or a list of {name, dose, frequency}.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import EmailValidator, RegexValidator
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from .questionnaire.answers import is_missing
from .questionnaire.document import MED_ROWS_MAX, UNPRINTABLE_RE
from .questionnaire.schema import QType, Question, Step

REQUIRED = "Please answer this question."
MUST_TICK = "You need to tick this box to go on."
TOO_LONG = "Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d)."
YES_NO = (("yes", "Yes"), ("no", "No"))
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_FORMAT = "Please give the month and year, like 2024-05."
NUMBER_FORMAT = "Please enter a number in digits, for example 12 or 12.5."
PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9 ().\-]{7,24}$",
    "Please enter a phone number using digits (spaces, dashes and a leading + are fine).",
)
# The same text the answers document refuses (docs/questionnaire.md, The answers document).
PRINTABLE_VALIDATOR = RegexValidator(
    UNPRINTABLE_RE,
    "Please remove the special character in this answer: it cannot be printed (it may have "
    "come with a copy and paste).",
    inverse_match=True,
)
MED_PARTS = (("name", "Medicine", 120), ("dose", "Dose", 60), ("frequency", "How often", 60))
MED_ROWS_EXTRA = 3


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class UniqueMultipleChoiceField(forms.MultipleChoiceField):
    """A box ticked is one answer: a code posted twice (a replayed or hand-made post) is kept
    once, so the answers document never holds a repeated code."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


class MonthField(forms.CharField):
    """A month as YYYY-MM (an <input type="month">; plain text where unsupported)."""

    def __init__(self, *, not_future: bool = False, **kwargs):
        self.not_future = not_future
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)
        # "June 2024" is too long for YYYY-MM: say what is wanted, not how many characters.
        self.error_messages["max_length"] = MONTH_FORMAT
        self.widget.input_type = "month"
        self.widget.attrs.update({"placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        match = MONTH_RE.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise forms.ValidationError(MONTH_FORMAT)
        if self.not_future and value > timezone.localdate().strftime("%Y-%m"):
            raise forms.ValidationError("This month is in the future. Please check it.")
        return value


class StepForm(forms.Form):
    """Base class of every step form; `step` is set on each generated subclass."""

    step: Step
    error_css_class = "has-error"
    required_css_class = "required"

    def __init__(self, *args, more_rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.more_rows = more_rows  # extra empty medicine rows asked for ("add more rows")
        self.med_rows: dict[str, int] = {}
        for question in self.step.questions:
            if question.type == QType.MEDS:
                self._add_med_rows(question)
            else:
                self.fields[question.id] = make_field(question)
        for field in self.fields.values():
            # Partners may share a browser: it must never offer one partner's typed answers
            # (or contact details) to the other, nor fill them in on its own.
            field.widget.attrs["autocomplete"] = "off"

    # -- medicines: rows of name / dose / how often -------------------------------------

    def _add_med_rows(self, question: Question) -> None:
        filled = 0
        if self.is_bound:
            indexes = [
                int(m.group(1))
                for key in self.data
                if (m := re.match(rf"^{re.escape(self.add_prefix(question.id))}__(\d+)__", key))
            ]
            filled = max(indexes, default=-1) + 1
        else:
            filled = len(self.initial.get(question.id) or [])
        rows = min(MED_ROWS_MAX, max(filled, 0) + MED_ROWS_EXTRA * (1 + self.more_rows))
        self.med_rows[question.id] = rows
        for index in range(rows):
            for part, label, max_length in MED_PARTS:
                self.fields[f"{question.id}__{index}__{part}"] = forms.CharField(
                    label=f"{label} {index + 1}",
                    required=False,
                    max_length=max_length,
                    validators=[PRINTABLE_VALIDATOR],
                )

    def med_row_fields(self, question_id: str) -> list[list[forms.BoundField]]:
        return [
            [self[f"{question_id}__{index}__{part}"] for part, _, _ in MED_PARTS]
            for index in range(self.med_rows[question_id])
        ]

    def _meds_value(self, question: Question, cleaned: dict[str, Any]) -> list[dict[str, str]]:
        rows = []
        for index in range(self.med_rows[question.id]):
            row = {
                part: (cleaned.get(f"{question.id}__{index}__{part}") or "").strip()
                for part, _, _ in MED_PARTS
            }
            if any(row.values()):
                rows.append(row)
        return rows

    def _check_meds(self, question: Question, cleaned: dict[str, Any]) -> None:
        for index in range(self.med_rows[question.id]):
            name = f"{question.id}__{index}__name"
            others = [
                cleaned.get(f"{question.id}__{index}__{part}") for part in ("dose", "frequency")
            ]
            if any(others) and not (cleaned.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, "Please give the medicine's name, or clear this row.")

    # -- validation -----------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        values = self._document_values(cleaned)
        for question in self.step.questions:
            if question.type == QType.MEDS:
                self._check_meds(question, cleaned)
                continue
            asked = question.when is None or question.when.holds(values)
            if not asked:
                # Not asked (hidden on the page): whatever was left in it never blocks the step.
                self.errors.pop(question.id, None)
                continue
            if question.id in self.errors:
                continue
            value = values.get(question.id)
            if question.required and is_missing(value):
                self.add_error(question.id, REQUIRED)
            elif question.must_be_true and value is not True:
                self.add_error(question.id, MUST_TICK)
            elif question.exclusive and isinstance(value, list) and len(value) > 1:
                clash = [code for code in question.exclusive if code in value]
                if clash:
                    label = question.choice_label(clash[0])
                    self.add_error(question.id, f"“{label}” can't be combined with other answers.")
        for check in self.step.checks:
            has_first = not is_missing(values.get(check.first))
            has_second = not is_missing(values.get(check.second))
            if has_first != has_second and check.first not in self.errors:
                missing = check.second if has_first else check.first
                if missing not in self.errors:
                    self.add_error(missing, check.message)
        return cleaned

    def _document_values(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The cleaned values of the questions asked, in the answers document's types.

        Conditions are read in question order over the values kept so far, so an answer
        to a question that is no longer asked never makes a later question asked.
        """
        values: dict[str, Any] = {}
        for question in self.step.questions:
            if question.when is not None and not question.when.holds(values):
                continue
            if question.type == QType.MEDS:
                values[question.id] = self._meds_value(question, cleaned)
                continue
            if question.id not in cleaned:
                continue
            values[question.id] = to_document_value(question, cleaned[question.id])
        return values

    def hide_missing_answer_errors(self) -> list[str]:
        """Coming back to a step saved unfinished: a question not answered yet is no error
        until the partner presses a button again. Returns the ids of those questions; errors
        about what was typed (a date in the wrong format, say) stay."""
        # "Please answer", "tick this box", and "give both numbers, or neither" (one of a
        # pair left out) all mean an answer still to give.
        still_to_give = {REQUIRED, MUST_TICK, *(check.message for check in self.step.checks)}
        missing = [
            name
            for name, errors in self.errors.as_data().items()
            if name in self.fields
            and errors
            and all(error.message in still_to_give for error in errors)
        ]
        for name in missing:
            del self.errors[name]
        return missing

    def answers(self) -> dict[str, Any]:
        """What this step contributes to the answers document (valid fields only).

        A question whose `when` condition does not hold is left out, and so is an empty
        optional answer. Works on an invalid form too: fields with errors are left out, so
        a partly filled step still saves what is right.
        """
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:
            return {}
        values = self._document_values(cleaned)
        result: dict[str, Any] = {}
        for question in self.step.questions:
            if question.id in self.errors or question.id not in values:
                continue
            value = values[question.id]
            if is_missing(value) and question.type != QType.MEDS:
                continue
            if question.type == QType.MEDS and any(
                key.startswith(f"{question.id}__") for key in self.errors
            ):
                continue
            result[question.id] = value
        return result

    @classmethod
    def data_from_answers(cls, answers: dict[str, Any], prefix: str) -> MultiValueDict:
        """Form data as the page would post it, from stored answers (the inverse of answers())."""
        data: MultiValueDict[str, Any] = MultiValueDict()
        for question in cls.step.questions:
            if question.id not in answers:
                continue
            value = answers[question.id]
            key = f"{prefix}-{question.id}"
            if question.type == QType.MEDS:
                for index, row in enumerate(value):
                    for part, _, _ in MED_PARTS:
                        data.setlist(f"{key}__{index}__{part}", [row.get(part, "")])
            elif question.type == QType.BOOL:
                if question.must_be_true or not question.required:
                    if value:
                        data.setlist(key, ["on"])
                else:
                    data.setlist(key, ["yes" if value else "no"])
            elif question.type == QType.MULTI:
                data.setlist(key, [str(code) for code in value])
            else:
                data.setlist(key, [str(value)])
        return data


def to_document_value(question: Question, value: Any) -> Any:
    if is_missing(value):
        return None if question.type != QType.MULTI else []
    match question.type:
        case QType.BOOL:
            if isinstance(value, bool):
                return value
            return _yes_no(value)
        case QType.INT:
            return int(value)
        case QType.DECIMAL:
            number = float(value) if isinstance(value, Decimal) else value
            return int(number) if float(number).is_integer() else number
        case QType.DATE:
            return value.isoformat() if isinstance(value, datetime.date) else value
        case QType.TEXT:
            return value.strip()
        case _:
            return value


def _bool_field(question: Question, common: dict[str, Any]) -> forms.Field:
    if question.must_be_true:
        return forms.BooleanField(
            label=question.label,
            help_text=question.help,
            required=True,
            error_messages={"required": MUST_TICK},
        )
    if not question.required:
        # a single optional checkbox, e.g. "I'd rather skip this section"
        return forms.BooleanField(label=question.label, help_text=question.help, required=False)
    return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)


def _with_messages(common: dict[str, Any], **messages: str) -> dict[str, Any]:
    return {**common, "error_messages": {**common["error_messages"], **messages}}


def make_field(question: Question) -> forms.Field:
    """The form field for one question. Requiredness is checked in `StepForm.clean`."""
    required = question.required and question.when is None
    common: dict[str, Any] = {
        "label": question.label if question.required else f"{question.label} (optional)",
        "help_text": question.help,
        "required": required,
        "error_messages": {"required": REQUIRED, "max_length": TOO_LONG},
    }
    match question.type:
        case QType.BOOL:
            return _bool_field(question, common)
        case QType.CHOICE:
            return forms.ChoiceField(
                choices=[(c.code, c.label) for c in question.choices],
                widget=forms.RadioSelect,
                **common,
            )
        case QType.MULTI:
            return UniqueMultipleChoiceField(
                choices=[(c.code, c.label) for c in question.choices],
                widget=forms.CheckboxSelectMultiple,
                **_with_messages(common, invalid_choice="Please choose from the list."),
            )
        case QType.INT if question.choices:
            return forms.TypedChoiceField(
                choices=[(c.code, c.label) for c in question.choices],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        case QType.INT:
            return forms.IntegerField(
                min_value=None if question.min is None else int(question.min),
                max_value=None if question.max is None else int(question.max),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                **_with_messages(common, invalid="Please enter a whole number."),
            )
        case QType.DECIMAL:
            return forms.DecimalField(
                min_value=question.min,
                max_value=question.max,
                max_digits=6,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                **_with_messages(common, invalid=NUMBER_FORMAT),
            )
        case QType.DATE:
            return DateField(not_future=question.not_future, **common)
        case QType.MONTH:
            return MonthField(not_future=question.not_future, **common)
        case QType.TEXT:
            field_class = forms.EmailField if question.format == "email" else forms.CharField
            validators = [PRINTABLE_VALIDATOR]
            if question.format == "phone":
                validators.append(PHONE_VALIDATOR)
            widget = (
                forms.Textarea(attrs={"rows": 3})
                if question.multiline
                else forms.EmailInput()
                if question.format == "email"
                else forms.TextInput(attrs={"type": "tel"})
                if question.format == "phone"
                else forms.TextInput()
            )
            field = field_class(
                max_length=question.text_max_length, widget=widget, validators=validators, **common
            )
            if question.format == "email":
                field.error_messages["invalid"] = (
                    "Please enter an e-mail address like name@example.com."
                )
                field.validators = [
                    v for v in field.validators if not isinstance(v, EmailValidator)
                ]
                field.validators.append(EmailValidator(field.error_messages["invalid"]))
            return field
    raise ValueError(f"no field for {question.type}")  # pragma: no cover


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *, not_future: bool = False, **kwargs):
        self.not_future = not_future
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        # Merged, not set by default: make_field always passes its own "required" message.
        kwargs["error_messages"] = {
            "invalid": "Please give a date like 1988-04-02 (year-month-day).",
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and value.year < 1900:
            raise forms.ValidationError("Please check the year.")
        if value and self.not_future and value > timezone.localdate():
            raise forms.ValidationError("This date is in the future. Please check it.")
        return value


_form_classes: dict[tuple[str, str], type[StepForm]] = {}


def step_form_class(step: Step, version: str = "1") -> type[StepForm]:
    key = (version, step.id)
    if key not in _form_classes:
        name = "".join(part.title() for part in step.id.split("_")) + "StepForm"
        _form_classes[key] = type(name, (StepForm,), {"step": step})
    return _form_classes[key]
