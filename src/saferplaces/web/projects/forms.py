"""The quarterly return form, with GOV.UK error wording."""

from __future__ import annotations

from django import forms

from saferplaces.web.projects.models import QuarterlyReturn
from saferplaces.web.projects.quarters import Quarter
from saferplaces.web.validation import LONG_TEXT, too_long


class ReturnForm(forms.Form):
    """A provider's return for one quarter not yet returned."""

    period = forms.ChoiceField(
        error_messages={"required": "Select the quarter", "invalid_choice": "Select the quarter"}
    )
    outputs = forms.CharField(
        max_length=LONG_TEXT,
        error_messages={"required": "Enter the outputs delivered", "max_length": too_long("Outputs")},
    )
    outcomes = forms.CharField(
        required=False, max_length=LONG_TEXT, error_messages={"max_length": too_long("Outcomes")}
    )
    targets_met = forms.ChoiceField(
        choices=QuarterlyReturn.TargetsMet.choices,
        error_messages={
            "required": "Select whether the output targets were met",
            "invalid_choice": "Select whether the output targets were met",
        },
    )
    narrative = forms.CharField(
        required=False, max_length=LONG_TEXT, error_messages={"max_length": too_long("Narrative")}
    )
    spend = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": "Spend must be an amount in pounds, like 2500 or 2500.50",
            "min_value": "Spend must be 0 or more",
            "max_digits": "Spend must be less than £10,000,000,000",
            "max_decimal_places": "Spend must have no more than 2 decimal places",
        },
    )

    def __init__(self, quarters: list[Quarter], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {q.label: q for q in quarters}
        self.fields["period"].choices = [(q.label, q.label) for q in quarters]
