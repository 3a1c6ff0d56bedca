"""The forms that start an assessment build and adopt a priority, with GOV.UK error wording."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from saferplaces.assessment.priorities import COMPONENT_NAMES, COMPONENTS
from saferplaces.data.periods import parse_period
from saferplaces.errors import InputError
from saferplaces.web.assessments.models import PriorityEvidence
from saferplaces.web.govuk import DateInputField
from saferplaces.web.plans.models import Plan, Priority
from saferplaces.web.validation import LONG_TEXT, too_long

#: The weights an analyst may change in the form (the two partnership inputs need a weights file).
FORM_WEIGHTS = tuple(c for c in COMPONENTS if c not in ("community_concern", "capacity"))
WEIGHT_LABELS = {
    **COMPONENT_NAMES,
    "change": "Change on a year earlier",
    "vulnerability": "Vulnerability (scored only with a partner extract)",
}


def _choice(choices: Any, message: str, required: bool = True) -> forms.ChoiceField:
    errors = {"required": message, "invalid_choice": message}
    return forms.ChoiceField(choices=choices, required=required, error_messages=errors)


class BuildForm(forms.Form):
    """Area, period and options of a new assessment."""

    area = _choice([], "Select an area")
    period = forms.CharField(max_length=40, error_messages={"required": "Enter a period"})
    compare = _choice([("previous", "previous"), ("none", "none")], "Select whether to compare")
    # the CLI's --allow-partial: a period the store holds only in part is refused unless chosen (#9)
    partial = _choice([("no", "no"), ("yes", "yes")], "Select whether to assess the months held")
    extract = _choice([], "Select a partner extract held in the store", required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], extracts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas
        self.fields["extract"].choices = [("", "None"), *((e, e) for e in extracts)]
        for name in FORM_WEIGHTS:
            label = WEIGHT_LABELS[name]
            self.fields[f"weight_{name}"] = forms.DecimalField(
                min_value=0,
                max_value=100,
                max_digits=6,
                decimal_places=2,
                error_messages={
                    "required": f"Enter a weight for {label.lower()}",
                    "invalid": f"Weight for {label.lower()} must be a number",
                    "min_value": f"Weight for {label.lower()} must be 0 or more",
                    "max_value": f"Weight for {label.lower()} must be 100 or less",
                    "max_digits": f"Weight for {label.lower()} must be a number",
                    "max_decimal_places": f"Weight for {label.lower()} must have 2 decimal places or fewer",
                },
            )

    def clean_period(self) -> str:
        text = self.cleaned_data["period"].strip()
        try:
            parse_period(text)  # the CLI's grammar and its messages
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        weights = [data.get(f"weight_{n}") for n in FORM_WEIGHTS]
        if all(w is not None for w in weights) and not any(weights):
            self.add_error(f"weight_{FORM_WEIGHTS[0]}", "Give at least one weight above 0")
        return data

    def weights(self) -> dict[str, float]:
        return {n: float(self.cleaned_data[f"weight_{n}"]) for n in FORM_WEIGHTS}


class DecisionForm(forms.Form):
    """Which plan and priority, and the board's decision; the base of both adoption forms."""

    plan = _choice([], "Select the plan")
    priority = _choice([], "Select a priority, or choose to add a new one")
    title = forms.CharField(
        required=False,
        max_length=Priority._meta.get_field("title").max_length,
        error_messages={"max_length": too_long("Title", Priority._meta.get_field("title").max_length)},
    )
    decided_on = DateInputField(
        label="Date of the board meeting",
        required_message="Enter the date of the board meeting",
        past_only=True,
    )
    minute_reference = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the minute reference",
            "max_length": too_long("Minute reference", 200),
        },
    )

    def __init__(self, *args: Any, plans: list[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = {str(p.pk): p for p in plans}
        self.fields["plan"].choices = [(k, p.title) for k, p in self.plans.items()]
        priorities = Priority.objects.filter(plan__in=plans).select_related("plan")
        self.priorities = {str(p.pk): p for p in priorities}
        self.fields["priority"].choices = [("new", "Add a new priority")] + [
            (k, f"{p.title} ({p.plan.title})") for k, p in self.priorities.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("priority")
        if chosen == "new" and not (data.get("title") or "").strip() and "title" not in self.errors:
            self.add_error("title", "Enter the title of the new priority")
        if chosen and chosen != "new" and data.get("plan"):
            if self.priorities[chosen].plan_id != self.plans[data["plan"]].pk:
                self.add_error("priority", "Select a priority in the plan you chose, or add a new one")
        return data


class AdoptForm(DecisionForm):
    """Adopt a candidate priority from an assessment."""

    candidate = _choice([], "Select a candidate priority")

    def __init__(self, *args: Any, candidates: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [(c, c) for c in candidates]


class ReasonForm(DecisionForm):
    """Adopt a priority for a reason the data cannot show."""

    reason_kind = _choice(
        [(k, v) for k, v in PriorityEvidence.Reason.choices if k != PriorityEvidence.Reason.EVIDENCE],
        "Select the kind of reason",
    )
    reason = forms.CharField(
        max_length=LONG_TEXT,
        error_messages={"required": "Enter the reason", "max_length": too_long("Reason", LONG_TEXT)},
    )


def weight_initial(weights: dict[str, float]) -> dict[str, Decimal]:
    return {f"weight_{n}": Decimal(str(weights.get(n, 0))) for n in FORM_WEIGHTS}
