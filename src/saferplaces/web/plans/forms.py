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
    completed = forms.BooleanField(required=False, label="The action is complete")


class RiskForm(forms.Form):
    """One row of the risk register."""

    risk = _text("Enter the risk", max_length=LONG_TEXT, label="Risk")
    impact = _choice(Risk.Level.choices, "Select the impact")
    likelihood = _choice(Risk.Level.choices, "Select the likelihood")
    mitigation = _text(max_length=LONG_TEXT, label="Mitigation")
    owner = _text(max_length=Risk._meta.get_field("owner").max_length, label="Owner")
    review_date = DateInputField(label="Review date", required=False)
    status = _choice(Risk.Status.choices, "Select whether the risk is open or closed")
    #: Not required: a form posted without it leaves the risk's choice as it was (new risks: published).
    mitigation_visibility = forms.ChoiceField(
        choices=[("public", "Published with the plan"), ("internal", "Internal: the partnership only")],
        required=False,
        error_messages={"invalid_choice": "Select who may read the mitigation"},
    )

    FIELDS = ("risk", "impact", "likelihood", "mitigation", "owner", "review_date", "status")
    #: The register's wording, which freezes with a published plan (its readings do not).
    WORDING = ("risk", "mitigation", "owner")

    def __init__(self, *args: Any, frozen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frozen = frozen
        for name in self.WORDING if frozen else ():
            # A disabled field keeps its starting value whatever is posted.
            self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, risk: Risk) -> dict[str, Any]:
        """The form's starting values from a risk in the register."""
        initial = {name: getattr(risk, name) for name in cls.FIELDS}
        initial["mitigation_visibility"] = "internal" if risk.mitigation_internal else "public"
        return initial

    def apply(self, risk: Risk) -> Risk:
        """Copy the cleaned values onto ``risk`` (not saved)."""
        for name in self.FIELDS:
            setattr(risk, name, self.cleaned_data[name])
        chosen = self.cleaned_data.get("mitigation_visibility")
        if chosen:
            risk.mitigation_internal = chosen == "internal"
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


class VersionForm(forms.Form):
    """A refresh or next year's plan: its name, what changed, and each priority carried over or retired."""

    label = _text("Enter a name for the version", max_length=200, label="Name of the version")
    what_changed = _text(max_length=LONG_TEXT, label="What changed")

    def __init__(self, *args: Any, priorities: list[Priority], refresh: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.priorities = priorities
        if refresh:
            self.fields["what_changed"].required = True
            self.fields["what_changed"].error_messages["required"] = "Enter what changed"
        for priority in priorities:
            self.fields[f"keep_{priority.pk}"] = _choice(
                [("carry", "Carry it over"), ("retire", "Retire it")],
                f"Select whether to carry over or retire {priority.title}"[:300],
            )
            self.fields[f"reason_{priority.pk}"] = _text(max_length=LONG_TEXT, label="Reason for retiring it")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for priority in self.priorities:
            if (
                data.get(f"keep_{priority.pk}") == "retire"
                and not (data.get(f"reason_{priority.pk}") or "").strip()
            ):
                self.add_error(f"reason_{priority.pk}", f"Enter why {priority.title} is retired"[:300])
        return data

    def retired(self) -> dict[int, str]:
        """The priorities to retire, by id, with their reasons."""
        return {
            p.pk: self.cleaned_data[f"reason_{p.pk}"].strip()
            for p in self.priorities
            if self.cleaned_data.get(f"keep_{p.pk}") == "retire"
        }


class PublishForm(forms.Form):
    """The board decision a plan version is published on."""

    decision_text = _text("Enter the board decision", max_length=LONG_TEXT, label="Board decision")
    decision_date = DateInputField(
        label="Date of the decision", required_message="Enter the date of the decision", past_only=True
    )
