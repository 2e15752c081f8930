"""Step forms built from the questionnaire definition.

One dynamic form class per step: its fields, validation and the answers it yields all come
from the definition (`intake.questionnaire`). Values leave the form in the types of the
answers document: bool, a choice code, a list of codes, int, float, "YYYY-MM-DD",
"YYYY-MM", text, or a list of {name, dose, frequency}.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict

from .questionnaire import units
from .questionnaire.answers import is_missing
from .questionnaire.display import month_words
from .questionnaire.document import (
    MED_PARTS,
    MED_ROWS_MAX,
    MUST_TICK,
    REQUIRED,
    TOO_MANY_PLACES,
    check_text,
    check_value,
)
from .questionnaire.schema import QType, Question, Section, Step

YES_NO = (("yes", "Yes"), ("no", "No"))
CHOOSE = "Please choose one of the answers shown."
NUMBER_FORMAT = "Please type a number in digits, for example 12 or 12.5."
WHOLE_NUMBER = "Please type a whole number in digits, for example 12."
DATE_FORMAT = "Please give the day, month and year as numbers, for example 15 7 1986."
MONTH_FORMAT = "Please give the month and year as numbers, for example 5 2024."
# "1,000": a thousand, or one with a decimal comma? Either reading could be wrong.
THOUSANDS = (
    "Please type the number without a comma: 1000 for one thousand, or 1.5 with a point for "
    "one and a half."
)
LB_PLACES = "Please type pounds with at most one decimal place, for example 154.5."
FULL_YEAR = "Please give the year in full, with four digits, for example 1986."
MED_ROWS_EXTRA = 3
GROUPED_TYPES = (QType.DATE, QType.MONTH, QType.INT, QType.DECIMAL)
# A number as typed: digits with one decimal point or decimal comma ("6,5" is 6.5), an
# optional sign. Nothing else is stripped to make a number ("140 lbs", "5'10", "178/108").
NUMBER_RE = re.compile(r"^([+-]?)([0-9]+)(?:[.,]([0-9]+))?$")


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class UniqueMultipleChoiceField(forms.MultipleChoiceField):
    """A box ticked is one answer: a code posted twice (a replayed or hand-made post) is kept
    once, so the answers document never holds a repeated code."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


class ChecklistBox(forms.CheckboxInput):
    """One box of a checklist (`Section.checklist`): ticked is yes. Not ticked is no only once
    the list is answered (a box ticked, or "None of these"), which `StepForm.clean` decides: here
    it is None. A page from before the checklist posted yes or no for each question: read too.
    """

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return {"on": True, "yes": True, "true": True, "no": False, "false": False}.get(
            str(data.get(name)).lower()
        )


class NoneOfTheseBox(forms.CheckboxInput):
    """A checklist's "None of these": ticked, or every box of the list posted as "no"."""

    def __init__(self, items: list[str], attrs=None):
        super().__init__(attrs)
        self.items = items  # the boxes' field names

    def value_from_datadict(self, data, files, name):
        if name in data:
            return str(data.get(name)).lower() in ("on", "yes", "true")
        return all(str(data.get(item, "")).lower() in ("no", "false") for item in self.items)


def read_number(text: str, *, whole: bool, hint: str = "") -> Decimal | None:
    """A number typed in a box, or None when the box is empty; a ValidationError saying
    what to type when it is not a number as typed (never a number made by dropping letters
    or punctuation)."""
    text = (text or "").strip()
    if not text:
        return None
    match = NUMBER_RE.match(text)
    if not match or len(text) > 12:
        raise forms.ValidationError(hint or (WHOLE_NUMBER if whole else NUMBER_FORMAT))
    sign, integer, fraction = match.groups()
    if "," in text and len(fraction) == 3:
        raise forms.ValidationError(THOUSANDS)
    if whole and fraction is not None:
        raise forms.ValidationError(hint or WHOLE_NUMBER)
    return Decimal(f"{sign}{integer}.{fraction or 0}")


class TextField(forms.CharField):
    """Free text: never cut short. No `maxlength` (a browser silently cuts pasted text to
    it); the limit is checked in `check_value` with a count, and the page's script shows a
    live count from `data-limit`."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)
        # Django's own NUL check has Django's words: `check_value` refuses every character
        # that cannot be printed, in Tandem's.
        self.validators = []
        self.widget.attrs["data-limit"] = str(limit)


class NumberField(forms.Field):
    """A number in a plain text box (inputmode for the phone's keypad): a browser's number
    box drops what it cannot read and posts nothing, without a word."""

    def __init__(self, *, whole: bool, hint: str = "", **kwargs):
        self.whole, self.hint = whole, hint
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric" if whole else "decimal"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        number = read_number(value, whole=self.whole, hint=self.hint)
        if number is None:
            return None
        if not self.whole and _places(number) > 2:
            raise forms.ValidationError(TOO_MANY_PLACES)
        return int(number) if self.whole else units.number(number)


# --- boxes in a group: day/month/year, a number and its unit ---------------------------


class PartsWidget(forms.MultiWidget):
    """Several boxes for one answer, each with its own label (GOV.UK/NHS date input); the
    question is the group's legend (templates/intake/_grouped_field.html)."""

    template_name = "intake/widgets/parts.html"
    grouped = True

    def __init__(self, parts: Sequence[tuple[str, forms.Widget, str]], decompress, compat=None):
        self.part_names = [name for name, _, _ in parts]
        self.part_labels = [label for _, _, label in parts]
        self._decompress = decompress
        self._compat = compat
        super().__init__(widgets={str(i): w for i, (_, w, _) in enumerate(parts)})

    def decompress(self, value):
        return self._decompress(value) if value not in (None, "") else [""] * len(self.widgets)

    def value_from_datadict(self, data, files, name):
        if self._compat and name in data and f"{name}_0" not in data:
            # A post made by a script or an older page: one value in the stored form
            # ("1986-07-15", "72.5"), split as the boxes would have it.
            return self._compat(data.get(name))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label, part in zip(
            context["widget"]["subwidgets"], self.part_labels, self.part_names, strict=True
        ):
            sub["part_label"] = label
            sub["part"] = part
        return context

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


def _box(width: str, numeric: bool = True) -> forms.TextInput:
    attrs = {"class": f"form-control part-{width}", "inputmode": "numeric"} if numeric else {}
    return forms.TextInput(attrs=attrs)


def _date_parts(value: str) -> list[str]:
    year, month, day = value.split("-")
    return [str(int(day)), str(int(month)), year]


def _month_parts(value: str) -> list[str]:
    year, month = value.split("-")
    return [str(int(month)), year]


def _compat_date(value: Any) -> list[str]:
    value = value if isinstance(value, str) else ""
    return (
        _date_parts(value) if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value) else [value, "", ""]
    )


def _compat_month(value: Any) -> list[str]:
    value = value if isinstance(value, str) else ""
    return _month_parts(value) if re.match(r"^[0-9]{4}-[0-9]{2}$", value) else [value, ""]


def _places(number: Decimal) -> int:
    """Decimal places typed: "72.50" has two ("NaN" and "Infinity" are refused before)."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def _whole(text: str, message: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", text):
        raise forms.ValidationError(message)
    return int(text)


def _year(text: str) -> int | None:
    year = _whole(text, FULL_YEAR)
    if year is not None and len((text or "").strip()) != 4:
        raise forms.ValidationError(FULL_YEAR)
    return year


class DatePartsField(forms.Field):
    """A date from day, month and year boxes, as "YYYY-MM-DD" (or a month from month and
    year boxes, as "YYYY-MM"). Never a box whose order depends on the browser's language."""

    def __init__(self, *, month_only: bool = False, **kwargs):
        self.month_only = month_only
        parts = [("day", _box("2"), "Day")] if not month_only else []
        parts += [("month", _box("2"), "Month"), ("year", _box("4"), "Year")]
        split = _compat_month if month_only else _compat_date
        kwargs["widget"] = PartsWidget(parts, split, split)
        super().__init__(**kwargs)

    def to_python(self, value):
        parts = list(value) if isinstance(value, list | tuple) else [value]
        parts = [(p if isinstance(p, str) else "") for p in parts]
        if not any(p.strip() for p in parts):
            return None
        fmt = MONTH_FORMAT if self.month_only else DATE_FORMAT
        if any(p.strip() and not re.fullmatch(r"[0-9]+", p.strip()) for p in parts):
            raise forms.ValidationError(fmt)
        if any(not p.strip() for p in parts):
            missing = [
                name
                for name, p in zip(
                    (["month", "year"] if self.month_only else ["day", "month", "year"]),
                    parts,
                    strict=False,
                )
                if not p.strip()
            ]
            raise forms.ValidationError(f"Please give the {' and the '.join(missing)} too.")
        *day_month, year_text = parts
        numbers = [_whole(p, fmt) for p in day_month]
        year = _year(year_text)
        month = numbers[-1] or 0
        if not 1 <= month <= 12:
            raise forms.ValidationError("Please give the month as a number from 1 to 12.")
        if self.month_only:
            return f"{year:04d}-{month:02d}"
        day = numbers[0] or 0
        try:
            date = datetime.date(year or 1, month, day)
        except ValueError:
            if not 1 <= day <= 31:
                raise forms.ValidationError(
                    "Please give the day as a number from 1 to 31."
                ) from None
            raise forms.ValidationError(
                f"{month_words(year or 1, month)} has no day {day}. Please check the date."
            ) from None
        return date.isoformat()


class UnitNumberField(forms.Field):
    """Weight in kg or lb, height in cm or feet and inches: the number typed and the unit
    chosen beside it. Cleans to (value in the stored unit, unit typed or None when it is the
    stored unit)."""

    def __init__(self, *, question: Question, unit_question: Question, **kwargs):
        self.question, self.unit_question = question, unit_question
        self.codes = [choice.code for choice in unit_question.choices]
        unit_choices = [(c.code, c.label) for c in unit_question.choices]
        select = forms.Select(choices=unit_choices, attrs={"class": "form-select part-unit"})
        whole = question.type == QType.INT
        box = _box("4") if whole else _box("5")
        if not whole:
            box.attrs["inputmode"] = "decimal"
        parts: list[tuple[str, forms.Widget, str]] = [
            ("number", box, "Centimetres" if question.unit == "cm" else "Weight"),
            ("unit", select, "Unit"),
        ]
        if self.codes == ["cm", "ft_in"]:
            parts += [("feet", _box("2"), "Feet"), ("inches", _box("2"), "Inches")]
        kwargs["widget"] = PartsWidget(parts, self._decompress, self._compat)
        super().__init__(**kwargs)

    def _blank(self) -> list[str]:
        return [""] * len(self.widget.widgets)

    def _compat(self, value: Any) -> list[str]:
        out = self._blank()
        out[0], out[1] = (value if isinstance(value, str) else ""), self.codes[0]
        return out

    def _decompress(self, pair: Any) -> list[str]:
        value, unit = pair if isinstance(pair, tuple) else (pair, None)
        out = self._blank()
        out[1] = unit or self.codes[0]
        if unit == "lb":
            out[0] = units.plain(units.kg_to_lb(value))
        elif unit == "ft_in":
            out[2], out[3] = (str(n) for n in units.cm_to_ft_in(value))
        else:
            out[0] = units.plain(value)
        return out

    def to_python(self, value):
        parts = list(value) if isinstance(value, list | tuple) else [value]
        parts = [(p if isinstance(p, str) else "") for p in parts] + self._blank()
        unit = parts[1] if parts[1] in self.codes else self.codes[0]
        hint = self.question.format_hint
        low, high = self.question.min, self.question.max
        assert low is not None and high is not None  # every measurement has its range
        typed_cm = parts[0].strip()
        said = typed_cm if len(typed_cm) <= 12 else f"{typed_cm[:12]}…"  # quoted in a message
        typed_feet = any(p.strip() for p in parts[2:4])
        if unit == "ft_in":
            if typed_cm and not typed_feet:
                raise forms.ValidationError(
                    f"You chose feet and inches but typed in the cm box: {said}. Please "
                    "type your height in the Feet and Inches boxes, or choose cm beside the box."
                )
            # The boxes of both units hold a value: which one did the partner mean? Asked,
            # never one dropped, with or without the page's script (static/js/app.js says
            # when it clears the hidden unit's boxes).
            if typed_cm:
                raise forms.ValidationError(
                    f"You chose feet and inches, and the cm box has {said} in it too. "
                    "Please clear the cm box, or choose cm beside the box and clear the Feet "
                    "and Inches boxes."
                )
            message = (
                "Please type the feet and the inches as whole numbers in their own boxes, "
                "for example 5 and 10."
            )
            feet = _whole(parts[2], message)
            inches = _whole(parts[3], message)
            if feet is None and inches is None:
                return None
            if feet is None or (inches or 0) > 11:
                raise forms.ValidationError(message)
            cm = units.ft_in_to_cm(feet, inches or 0)
            if not low <= cm <= high:
                raise forms.ValidationError(
                    "Please check your height: we take heights from 3 ft 4 in to 8 ft 2 in."
                )
            return (cm, unit)
        whole = self.question.type == QType.INT and unit == self.codes[0]
        if typed_feet and unit == self.codes[0]:
            if typed_cm:  # both units typed: asked, as for the cm box above
                raise forms.ValidationError(
                    "You chose cm, and the Feet and Inches boxes have something in them too. "
                    "Please clear the Feet and Inches boxes, or choose “feet and inches” "
                    "beside the box and clear the cm box."
                )
            raise forms.ValidationError(
                "You chose cm but typed in the Feet and Inches boxes. Please type your "
                "height in the cm box, or choose “feet and inches” beside the box."
            )
        number = read_number(parts[0], whole=whole, hint=hint)
        if number is None:
            return None
        if _places(number) > 2:
            raise forms.ValidationError(TOO_MANY_PLACES)
        if unit == "lb":
            # Stored in kg with two decimals, pounds with one decimal come back as typed
            # (154.5 lb is 70.08 kg is 154.5 lb); with two they would not (154.25 lb is
            # 69.97 kg, and so is 154.26 lb).
            if _places(number.normalize()) > 1:
                raise forms.ValidationError(LB_PLACES)
            kg = units.lb_to_kg(number)
            if not low <= kg <= high:
                least = units.kg_to_lb(low).to_integral_value(rounding="ROUND_CEILING")
                most = units.kg_to_lb(high).to_integral_value(rounding="ROUND_FLOOR")
                raise forms.ValidationError(f"Please enter a weight from {least} to {most} lb.")
            return (kg, unit)
        return (units.number(number), None)


class StepForm(forms.Form):
    """Base class of every step form; `step` is set on each generated subclass."""

    step: Step
    error_css_class = "has-error"
    required_css_class = "required"

    def __init__(self, *args, more_rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.more_rows = more_rows  # extra empty medicine rows asked for ("add more rows")
        self.med_rows: dict[str, int] = {}
        self.checklist_ids: set[str] = set()  # the questions shown as a checklist's boxes
        units_of = {q.unit_of: q for q in self.step.questions if q.unit_of}
        for question in self.step.questions:
            if question.type == QType.MEDS:
                self._add_med_rows(question)
            elif question.unit_of:
                continue  # chosen beside its number's box, part of that field
            else:
                self.fields[question.id] = make_field(question, units_of.get(question.id))
        for section in self.step.sections:
            if section.checklist:
                self._add_checklist(section)
        for field in self.fields.values():
            # Partners may share a browser: it must never offer one partner's typed answers
            # (or contact details) to the other, nor fill them in on its own.
            field.widget.attrs["autocomplete"] = "off"

    # -- checklists: yes/no questions as boxes to tick ------------------------------------

    def _add_checklist(self, section: Section) -> None:
        """Each yes/no question of the list becomes one box, and "None of these" one more."""
        for question in section.items:
            self.checklist_ids.add(question.id)
            self.fields[question.id] = forms.NullBooleanField(
                label=question.item,
                help_text=question.help,
                required=False,
                widget=ChecklistBox(),
            )
        items = [self.add_prefix(q.id) for q in section.items]
        none = forms.BooleanField(
            label=section.checklist, required=False, widget=NoneOfTheseBox(items)
        )
        # In the page's order (the error summary's): where the list is, at its first box.
        fields = list(self.fields.items())
        at = [name for name, _ in fields].index(section.items[0].id) + 1
        self.fields = dict([*fields[:at], (section.none_name, none), *fields[at:]])

    def _clean_checklists(self, cleaned: dict[str, Any]) -> None:
        """A list is answered with a box ticked or with "None of these" (not both); then each
        box not ticked is a "no". Unanswered, its questions stay unanswered."""
        for section in self.step.sections:
            if not section.checklist:
                continue
            ids = [q.id for q in section.items]
            none = bool(cleaned.get(section.none_name))
            ticked = [qid for qid in ids if cleaned.get(qid) is True]
            if none and ticked:
                self.add_error(
                    section.none_name,
                    f"“{section.none_label}” can't be combined with other answers.",
                )
            elif not none and all(cleaned.get(qid) is None for qid in ids):
                self.add_error(section.none_name, REQUIRED)
            else:
                for qid in ids:
                    if cleaned.get(qid) is None:
                        cleaned[qid] = False

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
                self.fields[f"{question.id}__{index}__{part}"] = TextField(
                    label=f"{label} {index + 1}", required=False, limit=max_length
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
            for part, _, limit in MED_PARTS:
                key = f"{question.id}__{index}__{part}"
                text = cleaned.get(key) or ""
                if key not in self.errors and (problem := check_text(text, limit)):
                    self.add_error(key, problem)

    # -- validation -----------------------------------------------------------------------

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self._clean_checklists(cleaned)
        values = self._document_values(cleaned)
        for question in self.step.questions:
            asked = question.when is None or question.when.holds(values)
            if question.type == QType.MEDS:
                if asked:
                    self._check_meds(question, cleaned)
                continue
            if not asked:
                # Not asked (hidden on the page): whatever was left in it never blocks the step.
                self.errors.pop(question.id, None)
                continue
            if question.id in self.errors or question.id in self.checklist_ids:
                continue  # a checklist's box: the list is checked as one (_clean_checklists)
            if question.unit_of:
                continue  # read and checked with its number
            value = values.get(question.id)
            if question.required and is_missing(value):
                self.add_error(question.id, REQUIRED)
            elif question.must_be_true and value is not True:
                self.add_error(question.id, MUST_TICK)
            elif not is_missing(value) and (problem := check_value(question, value)):
                # The same check, and the same words, as an imported answers document.
                self.add_error(question.id, problem)
        # With JavaScript the list is put away when the box is ticked: what is left in it is
        # not asked, as for any question whose condition does not hold.
        for question in self.step.questions:
            if question.none_for and values.get(question.id) is True and self.data.get("js") != "1":
                self._check_said_none(question, cleaned)
        for check in self.step.checks:
            # Only between answers that are themselves fine: an error already shown stays.
            if {check.first, check.second} & set(self.errors):
                continue
            if found := check.problem(values):
                self.add_error(*found)
        return cleaned

    def _check_said_none(self, question: Question, cleaned: dict[str, Any]) -> None:
        """ "I have no allergies" ticked, and allergies typed as well (on a page without
        JavaScript, both are shown): which is it? Nothing typed is dropped without a word."""
        target = self.step_question(question.none_for)
        if target.type == QType.MEDS:
            typed = bool(self._meds_value(target, cleaned))
        else:
            typed = bool((self.data.get(self.add_prefix(target.id)) or "").strip())
        if typed and question.id not in self.errors:
            self.add_error(
                question.id,
                f"You ticked “{question.label}” and also filled in the question below it. "
                "Please untick the box, or clear what is written below.",
            )
            # With the box in error the question below counts as asked again (its draft keeps
            # what was typed there): it is checked as any asked question is.
            if target.type == QType.MEDS:
                self._check_meds(target, cleaned)
            elif target.id not in self.errors and (
                problem := check_value(target, to_document_value(target, cleaned.get(target.id)))
            ):
                self.add_error(target.id, problem)

    def step_question(self, question_id: str) -> Question:
        return next(q for q in self.step.questions if q.id == question_id)

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
            if question.unit_of:
                number = cleaned.get(question.unit_of)
                if isinstance(number, tuple) and number[1] is not None:
                    values[question.id] = number[1]
                continue
            if question.id not in cleaned:
                continue
            value = cleaned[question.id]
            if isinstance(value, tuple):  # a number and the unit it was typed in
                value = value[0]
            values[question.id] = to_document_value(question, value)
        return values

    def hide_missing_answer_errors(self) -> list[str]:
        """Coming back to a step saved unfinished: a question not answered yet is no error
        until the partner presses a button again. Returns the ids of those questions; errors
        about what was typed (a date in the wrong format, say) stay."""
        # "Please answer", "tick this box", and "give both numbers, or neither" (one of a
        # pair left out) all mean an answer still to give.
        still_to_give = {
            REQUIRED,
            MUST_TICK,
            *(check.message for check in self.step.checks if check.still_to_give),
        }
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
            if question.unit_of and question.unit_of in self.errors:
                continue
            value = values[question.id]
            if is_missing(value):
                continue  # no medicine listed is no answer ("I take no medicines" is one)
            if question.type == QType.MEDS and any(
                key.startswith(f"{question.id}__") for key in self.errors
            ):
                continue
            result[question.id] = value
        return result

    @classmethod
    def field_for(cls, question: Question) -> forms.Field:
        units_of = {q.unit_of: q for q in cls.step.questions if q.unit_of}
        return make_field(question, units_of.get(question.id))

    @classmethod
    def data_from_answers(cls, answers: dict[str, Any], prefix: str) -> MultiValueDict:
        """Form data as the page would post it, from stored answers (the inverse of answers())."""
        data: MultiValueDict[str, Any] = MultiValueDict()
        for question in cls.step.questions:
            if question.id not in answers:
                continue
            value = answers[question.id]
            key = f"{prefix}-{question.id}"
            if question.unit_of:
                continue  # posted with its number
            field = cls.field_for(question) if question.type in GROUPED_TYPES else None
            if field is not None and isinstance(field.widget, PartsWidget):
                if isinstance(field, UnitNumberField):
                    unit_question = field.unit_question
                    value = (value, answers.get(unit_question.id))
                for index, part in enumerate(field.widget.decompress(value)):
                    data.setlist(f"{key}_{index}", [part])
            elif question.type == QType.MEDS:
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


def make_field(question: Question, unit_question: Question | None = None) -> forms.Field:
    """The form field for one question. Requiredness is checked in `StepForm.clean`, and
    what the answer may be (ranges, lengths, formats, dates not in the future) by
    `check_value` there: fields only read what was typed."""
    required = question.required and question.when is None
    common: dict[str, Any] = {
        "label": question.label if question.required else f"{question.label} (optional)",
        "help_text": question.help,
        "required": required,
        "error_messages": {"required": REQUIRED, "invalid_choice": CHOOSE},
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
                **_with_messages(common, invalid_choice=CHOOSE, invalid_list=CHOOSE),
            )
        case QType.INT if question.choices:
            return forms.TypedChoiceField(
                choices=[(c.code, c.label) for c in question.choices],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        case QType.INT | QType.DECIMAL if unit_question is not None:
            return UnitNumberField(question=question, unit_question=unit_question, **common)
        case QType.INT | QType.DECIMAL:
            return NumberField(
                whole=question.type == QType.INT, hint=question.format_hint, **common
            )
        case QType.DATE:
            return DatePartsField(**common)
        case QType.MONTH:
            return DatePartsField(month_only=True, **common)
        case QType.TEXT:
            widget = (
                forms.Textarea(attrs={"rows": 3})
                if question.multiline
                else forms.TextInput(attrs={"type": "email", "inputmode": "email"})
                if question.format == "email"
                else forms.TextInput(attrs={"type": "tel"})
                if question.format == "phone"
                else forms.TextInput()
            )
            return TextField(limit=question.text_max_length, widget=widget, **common)
    raise ValueError(f"no field for {question.type}")  # pragma: no cover


_form_classes: dict[tuple[str, str], type[StepForm]] = {}


def step_form_class(step: Step, version: str) -> type[StepForm]:
    """The form of `step` of questionnaire `version` (made once per version and step)."""
    key = (version, step.id)
    if key not in _form_classes:
        name = "".join(part.title() for part in step.id.split("_")) + "StepForm"
        _form_classes[key] = type(name, (StepForm,), {"step": step})
    return _form_classes[key]
