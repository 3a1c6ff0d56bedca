"""Forms partners fill in on the delivery plan and risk register pages, with GOV.UK error wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from saferplaces.web.govuk import DateInputField
from saferplaces.web.partnerships.models import Board, Organisation
from saferplaces.web.plans.models import Action, Plan, Priority, Risk
from saferplaces.web.validation import LONG_TEXT, too_long


def _choice(choices: Any, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=choices, error_messages={"required": message, "invalid_choice": message})


def _text(message: str = "", max_length: int | None = None, label: str = "") -> forms.CharField:
    errors = {"required": message} if message else {}
    if max_length:
        errors["max_length"] = too_long(label, max_length)
    return forms.CharField(required=bool(message), max_length=max_length, error_messages=errors)


class ActionUpdateForm(forms.Form):
    """A progress update on one action: its RAG status, what happened, and when."""

    rag = _choice(Action.Rag.choices, "Select a RAG status")
    text = _text("Enter a progress update", max_length=LONG_TEXT, label="Progress update")
    date = DateInputField(
        label="Date of update", required_message="Enter the date of the update", past_only=True
    )
    public_summary = _text(max_length=LONG_TEXT, label="Public summary")


class RiskForm(forms.Form):
    """One row of the risk register."""

    risk = _text("Enter the risk", max_length=LONG_TEXT, label="Risk")
    impact = _choice(Risk.Level.choices, "Select the impact")
    likelihood = _choice(Risk.Level.choices, "Select the likelihood")
    mitigation = _text(max_length=LONG_TEXT, label="Mitigation")
    owner = _text(max_length=Risk._meta.get_field("owner").max_length, label="Owner")
    review_date = DateInputField(label="Review date", required=False)
    status = _choice(Risk.Status.choices, "Select whether the risk is open or closed")

    FIELDS = ("risk", "impact", "likelihood", "mitigation", "owner", "review_date", "status")

    @classmethod
    def initial_for(cls, risk: Risk) -> dict[str, Any]:
        """The form's starting values from a risk in the register."""
        return {name: getattr(risk, name) for name in cls.FIELDS}

    def apply(self, risk: Risk) -> Risk:
        """Copy the cleaned values onto ``risk`` (not saved)."""
        for name in self.FIELDS:
            setattr(risk, name, self.cleaned_data[name])
        return risk


#: The value of the RAG filter that picks actions with no RAG status.
RAG_NOT_SET = "none"


class DeliveryFilterForm(forms.Form):
    """The delivery plan's filters, read from the page's address (a GET form).

    A value that is not one of the choices (a stale bookmark) is ignored rather than
    refused: the page then shows that filter as unset.
    """

    priority = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    lead_organisation = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    board = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    rag = forms.ChoiceField(
        required=False, choices=[("", "Any"), *Action.Rag.choices, (RAG_NOT_SET, "Not set")]
    )
    overdue = forms.BooleanField(required=False)

    def __init__(self, plan: Plan, data: Any = None) -> None:
        super().__init__(data)
        actions = Action.objects.filter(priority__plan=plan)
        priorities = Priority.objects.filter(actions__in=actions).distinct().order_by("order", "id")
        organisations = Organisation.objects.filter(actions__in=actions).distinct().order_by("name")
        boards = Board.objects.filter(actions__in=actions).distinct().order_by("name")
        self.fields["priority"].choices = [("", "Any")] + [(p.pk, p.title) for p in priorities]
        self.fields["lead_organisation"].choices = [("", "Any")] + [(o.pk, o.name) for o in organisations]
        self.fields["board"].choices = [("", "Any")] + [(b.pk, b.name) for b in boards]

    def filters(self) -> dict[str, Any]:
        """The filters that were given and are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    def apply(self, actions: QuerySet[Action], today: dt.date) -> QuerySet[Action]:
        """``actions`` narrowed by the valid filters; overdue means the due date is before ``today``."""
        chosen = self.filters()
        if "priority" in chosen:
            actions = actions.filter(priority_id=chosen["priority"])
        if "lead_organisation" in chosen:
            actions = actions.filter(lead_organisation_id=chosen["lead_organisation"])
        if "board" in chosen:
            actions = actions.filter(board_id=chosen["board"])
        if "rag" in chosen:
            actions = actions.filter(rag="" if chosen["rag"] == RAG_NOT_SET else chosen["rag"])
        if chosen.get("overdue"):
            actions = actions.filter(due_date__lt=today)
        return actions
