"""The form to add or correct a target's value, by hand or from a survey, with GOV.UK wording."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from saferplaces.indicators import parse_period_label
from saferplaces.web.performance.models import Target


class TargetValueForm(forms.Form):
    """A period and either a value, or the number counted and the sample size of a survey."""

    period = forms.CharField(max_length=50, error_messages={"required": "Enter a period"})
    value = forms.DecimalField(
        required=False,
        max_digits=14,
        decimal_places=3,
        error_messages={
            "invalid": "Value must be a number, like 3502 or 81.5",
            "max_digits": "Value must be less than 100,000,000,000",
            "max_decimal_places": "Value must have no more than 3 decimal places",
            "max_whole_digits": "Value must be less than 100,000,000,000",
            "min_value": "Value must be 0 or more",
        },
        min_value=0,
    )
    numerator = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={
            "invalid": "Number who gave the answer must be a whole number, like 812",
            "min_value": "Number who gave the answer must be 0 or more",
        },
    )
    sample_size = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Sample size must be a whole number, like 1000",
            "min_value": "Sample size must be 1 or more",
        },
    )
    lower = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        error_messages={
            "invalid": "Lower limit must be a number, like 50.2",
            "min_value": "Lower limit must be 0 or more",
            "max_decimal_places": "Lower limit must have no more than 3 decimal places",
        },
    )
    upper = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        error_messages={
            "invalid": "Upper limit must be a number, like 71.9",
            "min_value": "Upper limit must be 0 or more",
            "max_decimal_places": "Upper limit must have no more than 3 decimal places",
        },
    )
    events = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={
            "invalid": "Number of events must be a whole number, like 130",
            "min_value": "Number of events must be 0 or more",
        },
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "Note must be 1,000 characters or fewer"},
    )

    def __init__(self, *args: Any, target: Target, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target

    def clean_period(self) -> str:
        text = self.cleaned_data["period"]
        span = parse_period_label(text)
        if span is None:
            raise forms.ValidationError("Enter the period like 2024/25, 2024/25 Q1 or March 2025")
        return span.label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if any(
            name in self.errors for name in ("value", "numerator", "sample_size", "lower", "upper", "events")
        ):
            return data
        if self.target.kind == Target.Kind.STANDARDISED:
            return self._clean_standardised(data)
        value, numerator, size = data.get("value"), data.get("numerator"), data.get("sample_size")
        survey = numerator is not None or size is not None
        if survey:
            if value is not None:
                self.add_error("value", "Enter a value, or a number and sample size, not both")
            if numerator is None:
                self.add_error("numerator", "Enter the number who gave the answer")
            if size is None:
                self.add_error("sample_size", "Enter the sample size")
            if numerator is not None and size is not None and numerator > size:
                self.add_error("numerator", "Number who gave the answer must be no more than the sample size")
        elif self.target.source == Target.Source.SURVEY or self.target.kind == Target.Kind.SURVEY:
            self.add_error("numerator", "Enter the number who gave the answer")
            self.add_error("sample_size", "Enter the sample size")
        elif value is None:
            self.add_error("value", "Enter a value, or a number and sample size")
        elif self.target.kind == Target.Kind.COUNT and value != value.to_integral_value():
            self.add_error("value", "Value must be a whole number, like 3502, because the target is a count")
        elif self.target.is_percentage and value > 100:
            self.add_error("value", "Value must be 100 or less, because the target is a percentage")
        if not self.errors and survey:
            data["value"] = (Decimal(100) * numerator / size).quantize(Decimal("0.001"))
        return data

    def _clean_standardised(self, data: dict[str, Any]) -> dict[str, Any]:
        """A standardised rate needs its value, both 95% limits and the number of events."""
        value, lower, upper = data.get("value"), data.get("lower"), data.get("upper")
        if data.get("numerator") is not None or data.get("sample_size") is not None:
            self.add_error(
                "numerator", "Leave the survey result blank, because the target is a standardised rate"
            )
        for name, text, given in (
            ("value", "Enter the standardised rate", value),
            ("lower", "Enter the lower 95% limit", lower),
            ("upper", "Enter the upper 95% limit", upper),
            ("events", "Enter the number of events", data.get("events")),
        ):
            if given is None:
                self.add_error(name, text)
        if value is not None and lower is not None and upper is not None and not lower <= value <= upper:
            self.add_error("lower", "Lower limit must be no more than the rate, and the upper limit no less")
        return data
