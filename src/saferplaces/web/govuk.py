"""Django forms the GOV.UK way: the date input field, and the error summary's links.

GOV.UK asks for a date as three boxes (day, month, year) named ``NAME-day``,
``NAME-month`` and ``NAME-year``; :class:`DateInputField` reads and checks them
with the Design System's error wording. :func:`error_summary` lists a form's
errors in field order, each linked to the box to fix (for a date, the first box
in error), as ``govukErrorSummary`` wants them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from saferplaces.web.validation import EARLIEST_DATE, LATEST_DATE

PARTS = ("day", "month", "year")


class DateInputWidget(forms.Widget):
    """Reads the three boxes of a GOV.UK date input as a (day, month, year) tuple of strings."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str, str]:
        day, month, year = (str(data.get(f"{name}-{part}", "")).strip() for part in PARTS)
        return day, month, year

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in PARTS)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{words[0]} and {words[1]}"


class DateInputField(forms.Field):
    """A date from a GOV.UK date input, with the Design System's error messages.

    Parameters
    ----------
    label
        The field's name as errors begin it, such as "Date of update".
    required_message
        The error when all three boxes are empty and the date is required,
        such as "Enter the date of the update".
    past_only
        Refuse a date after today ("... must be today or in the past").
    """

    widget = DateInputWidget

    def __init__(self, *, label: str, required_message: str = "", past_only: bool = False, **kwargs: Any):
        self.past_only = past_only
        super().__init__(label=label, error_messages={"required": required_message}, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date) or value is None:
            return value
        parts = dict(zip(PARTS, value, strict=True))
        if not any(parts.values()):
            return None
        missing = [part for part in PARTS if not parts[part]]
        if missing:
            raise ValidationError(
                f"{self.label} must include a {_join(missing)}", code="incomplete", params={"parts": missing}
            )
        try:
            day, month, year = (int(parts[part]) for part in PARTS)
            if len(parts["year"]) != 4:
                raise ValueError(parts["year"])
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(
                f"{self.label} must be a real date", code="invalid", params={"parts": list(PARTS)}
            ) from None

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(
                f"{self.label} must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}",
                code="implausible",
                params={"parts": ["year"]},
            )
        if value is not None and self.past_only and value > timezone.localdate():
            raise ValidationError(
                f"{self.label} must be today or in the past", code="future", params={"parts": list(PARTS)}
            )


def parts_in_error(form: forms.BaseForm, name: str) -> list[str]:
    """The boxes of date field ``name`` to mark in error (all three when the whole date is wrong)."""
    errors = form.errors.as_data().get(name, []) if form.is_bound else []
    for error in errors:
        if error.params and "parts" in error.params:
            return list(error.params["parts"])
    return list(PARTS) if errors else []


def date_values(form: forms.BaseForm, name: str) -> dict[str, str]:
    """What to show in each box of date field ``name``: what was typed, or the initial date."""
    value = form[name].value()
    if isinstance(value, dt.date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    if isinstance(value, tuple | list):
        return dict(zip(PARTS, value, strict=True))
    return dict.fromkeys(PARTS, "")


def date_items(form: forms.BaseForm, name: str) -> list[dict[str, str]]:
    """The ``items`` for ``govukDateInput``: each box's value, width and error class."""
    values = date_values(form, name)
    wrong = parts_in_error(form, name)
    return [
        {
            "name": part,
            "value": values[part],
            "classes": ("govuk-input--width-4" if part == "year" else "govuk-input--width-2")
            + (" govuk-input--error" if part in wrong else ""),
        }
        for part in PARTS
    ]


def field_id(form: forms.BaseForm, name: str) -> str:
    """The id of the element an error on field ``name`` links to."""
    if isinstance(form.fields[name], DateInputField):
        return f"{name}-{(parts_in_error(form, name) or ['day'])[0]}"
    return name


def error_summary(form: forms.BaseForm) -> list[dict[str, str]]:
    """Each error of ``form`` as ``{"text", "href"}``, in field order, for ``govukErrorSummary``."""
    items = [{"text": str(error), "href": f"#{next(iter(form.fields))}"} for error in form.non_field_errors()]
    for name in form.fields:
        for error in form.errors.get(name, []):
            items.append({"text": str(error), "href": f"#{field_id(form, name)}"})
    return items


def error_message(form: forms.BaseForm, name: str) -> dict[str, str] | None:
    """The ``errorMessage`` parameter for field ``name``'s GOV.UK macro: its first error, or None."""
    errors = form.errors.get(name) if form.is_bound else None
    return {"text": str(errors[0])} if errors else None
