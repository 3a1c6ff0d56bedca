"""The parts of a plan partnership administrators manage in the app, and the forms for each.

Each :class:`Section` names a kind of record (priorities, places, actions, targets,
risks, funding streams, projects), the records of it in a plan (retired ones
included: they can be reinstated), the model form that edits one, and how a new
one is attached to the plan. The views in :mod:`saferplaces.web.plans.manage_views`
are written once for every section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db import models

from saferplaces.web.accounts.models import Role
from saferplaces.web.govuk import DateInputField
from saferplaces.web.partnerships.models import Board, Organisation
from saferplaces.web.performance.models import Target
from saferplaces.web.plans.models import Action, Plan, Priority, PriorityPlace, Risk
from saferplaces.web.projects.models import FundingStream, Project
from saferplaces.web.validation import LONG_TEXT, too_long


class LinesField(forms.CharField):
    """A list of strings edited as a text box, one item a line (reasons, aims)."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        if isinstance(text, list):
            return text
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        # The length limit applies to the text as typed, not to the list.
        super().run_validators("\n".join(value) if isinstance(value, list) else value)


def _article(label: str) -> str:
    return label[0].lower() + label[1:]


def govuk_messages(form: forms.BaseForm) -> None:
    """Give every field of ``form`` GOV.UK error wording built from its label."""
    for field in form.fields.values():
        label = str(field.label or "")
        chooser = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
        messages = {
            "required": f"{'Select' if chooser else 'Enter'} {_article(label)}",
            "invalid_choice": f"Select {_article(label)} from the list",
            "invalid": f"{label} must be a number, like 1500"
            if isinstance(field, forms.DecimalField | forms.IntegerField)
            else f"Enter a real {_article(label)}",
            "min_value": f"{label} must be 0 or more",
            "max_digits": f"{label} is too large",
            "max_whole_digits": f"{label} is too large",
            "max_decimal_places": f"{label} has too many decimal places",
        }
        if getattr(field, "max_length", None):
            messages["max_length"] = too_long(label, field.max_length)
        if isinstance(field, DateInputField):
            messages = {"required": f"Enter {_article(label)}"}
        field.error_messages.update(messages)


class PlanRecordForm(forms.ModelForm):
    """A model form over one plan record: GOV.UK dates, lists as lines, labels and wording."""

    #: Labels for the fields, as the page shows them and the error messages begin.
    LABELS: dict[str, str] = {}
    #: Hints under the labels.
    HINTS: dict[str, str] = {}
    #: Fields that are lists of strings, edited one item a line.
    LINES: tuple[str, ...] = ()

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        for name in list(self.fields):
            model_field = self._meta.model._meta.get_field(name)
            label = self.LABELS.get(name, str(model_field.verbose_name).capitalize())
            if name in self.LINES:
                self.fields[name] = LinesField(
                    required=False, max_length=LONG_TEXT, initial=self.fields[name].initial
                )
            elif isinstance(model_field, models.DateField):
                self.fields[name] = DateInputField(label=label, required=not model_field.blank)
                self.fields[name].validators = list(model_field.validators)
            self.fields[name].label = label
            self.fields[name].help_text = self.HINTS.get(name, "")
        self.limit_choices()
        govuk_messages(self)

    def limit_choices(self) -> None:
        """Narrow the choices of related records to the plan's own."""

    def users_with_roles(self, *names: str) -> models.QuerySet[User]:
        roles = Role.objects.filter(partnership=self.plan.partnership)
        if names:
            roles = roles.filter(name__in=names)
        return User.objects.filter(is_active=True, pk__in=roles.values("user")).order_by("username")


def _plan_priorities(plan: Plan) -> models.QuerySet[Priority]:
    return Priority.objects.filter(plan=plan).order_by("order", "id")


class PriorityForm(PlanRecordForm):
    LABELS = {"title": "Title", "kind": "Kind", "reasons": "Reasons for selection", "aims": "Aims"}
    HINTS = {
        "reasons": "Why the partnership chose it. One reason a line.",
        "aims": "What the partnership means to achieve. One aim a line.",
        "evidence": "The assessment finding or table the priority rests on.",
    }
    LINES = ("reasons", "aims")

    class Meta:
        model = Priority
        fields = ["title", "kind", "description", "reasons", "aims", "evidence"]


class PlaceForm(PlanRecordForm):
    LABELS = {"name": "Name", "area_type": "Type of area", "priority_type": "Priority type"}
    HINTS = {"priority_type": "For example, High, force-wide.", "rationale": "Why the place is a priority."}

    class Meta:
        model = PriorityPlace
        fields = ["name", "area_type", "district", "priority_type", "rationale"]


class ActionForm(PlanRecordForm):
    LABELS = {
        "priority": "Priority",
        "action": "Action",
        "outcome": "Outcome",
        "data_measure": "Data measure",
        "lead_organisation": "Lead organisation",
        "lead_officer": "Lead officer as the plan names them",
        "lead_user": "Lead officer's account",
        "board": "Board",
        "due_date": "Due date",
        "rag": "RAG status",
    }
    HINTS = {
        "outcome": "What will be different when the action is done.",
        "data_measure": "The figure that will show it.",
        "lead_user": "The account of the person who records progress on this action.",
        "lead_officer": "A name or a role, such as Community Safety Manager.",
    }

    class Meta:
        model = Action
        fields = [
            "priority",
            "action",
            "outcome",
            "data_measure",
            "lead_organisation",
            "lead_officer",
            "lead_user",
            "board",
            "due_date",
            "rag",
        ]

    def limit_choices(self) -> None:
        self.fields["priority"].queryset = _plan_priorities(self.plan)
        self.fields["lead_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["lead_user"].queryset = self.users_with_roles()
        self.fields["board"].queryset = Board.objects.filter(partnership=self.plan.partnership)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Blank is allowed in the model (seed rows transcribed without one), not in a new edit.
        self.fields["action"].required = True
        self.fields["action"].error_messages["required"] = "Enter the action"


class TargetForm(PlanRecordForm):
    LABELS = {
        "description": "Description",
        "kind": "What the figures are",
        "baseline_value": "Baseline value",
        "baseline_text": "Baseline as the plan writes it",
        "baseline_period": "Baseline period",
    }
    HINTS = {
        "kind": "It decides the test: a count gets the exact test of two counts, a survey percentage the "
        "test of two proportions; a rate or a percentage without its sample gets no significance test.",
        "unit": "For example, incidents, per 1,000 residents or %.",
        "baseline_period": "For example, 2018/19.",
    }

    class Meta:
        model = Target
        fields = [
            "priority",
            "description",
            "kind",
            "unit",
            "direction",
            "baseline_value",
            "baseline_text",
            "baseline_period",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = True
        self.fields["kind"].choices = Target.Kind.choices
        self.fields["kind"].error_messages["required"] = "Select what the figures are"

    def limit_choices(self) -> None:
        self.fields["priority"].queryset = _plan_priorities(self.plan)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value, kind = data.get("baseline_value"), data.get("kind")
        if value is not None and kind == Target.Kind.COUNT and value != value.to_integral_value():
            self.add_error("baseline_value", "Baseline value must be a whole number, because it is a count")
        if value is not None and kind in {Target.Kind.PERCENTAGE, Target.Kind.SURVEY} and value > 100:
            self.add_error("baseline_value", "Baseline value must be 100 or less, because it is a percentage")
        return data


class RiskRecordForm(PlanRecordForm):
    class Meta:
        model = Risk
        fields = ["risk"]


class FundingForm(PlanRecordForm):
    LABELS = {
        "name": "Name",
        "amount_text": "Amount as written",
        "amount_low": "Amount in pounds (lowest)",
        "amount_high": "Amount in pounds (highest)",
        "frequency": "How often",
    }
    HINTS = {"amount_text": "For example, circa £100,000.", "frequency": "For example, each year."}

    class Meta:
        model = FundingStream
        fields = ["name", "amount_text", "amount_low", "amount_high", "frequency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("amount_low"), data.get("amount_high")
        if low is not None and high is not None and high < low:
            self.add_error("amount_high", "Amount in pounds (highest) must be no less than the lowest amount")
        return data


class ProjectForm(PlanRecordForm):
    LABELS = {
        "reference": "Reference",
        "name": "Name",
        "priority": "Priority",
        "funding_stream": "Funding stream",
        "provider": "Provider",
        "provider_users": "Provider accounts",
        "contract_start": "Contract start date",
        "contract_end": "Contract end date",
        "budget": "Budget in pounds",
        "output_targets": "Output targets",
    }
    HINTS = {
        "reference": "As the plan numbers it, such as Project 3.",
        "provider": "The organisation that delivers it.",
        "provider_users": "The accounts that submit the project's quarterly returns "
        "(users with the provider role in this partnership).",
        "contract_start": "Quarterly returns are due for each quarter of the contract. For example, 1 4 2025",
    }

    class Meta:
        model = Project
        fields = [
            "reference",
            "name",
            "priority",
            "funding_stream",
            "provider",
            "provider_users",
            "description",
            "contract_start",
            "contract_end",
            "budget",
            "output_targets",
        ]
        widgets = {"provider_users": forms.CheckboxSelectMultiple}

    def limit_choices(self) -> None:
        self.fields["priority"].queryset = _plan_priorities(self.plan)
        self.fields["funding_stream"].queryset = FundingStream.objects.filter(
            partnership=self.plan.partnership
        )
        self.fields["provider_users"].queryset = self.users_with_roles(Role.Name.PROVIDER)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", "Contract end date must be after the contract start date")
        return data


@dataclass(frozen=True)
class Section:
    """One kind of record a plan holds, as the manage pages handle it.

    Attributes
    ----------
    slug, noun, plural
        Its address part ("actions"), and its names ("action", "Actions").
    form
        The model form that adds or changes one.
    records
        Every record of the plan, retired ones included, in order.
    attach
        Sets what a new record belongs to (its plan, or partnership and plan).
    group
        What ordering is within: records move up and down among those of the same group.
    edit_url_name
        A page of its own that edits a record, instead of the generic form (the risk register's).
    """

    slug: str
    noun: str
    plural: str
    form: type[PlanRecordForm]
    records: Callable[[Plan], models.QuerySet]
    attach: Callable[[models.Model, Plan], None]
    group: Callable[[models.Model], object] = lambda obj: None
    edit_url_name: str = ""

    @property
    def model(self) -> type[models.Model]:
        return self.form._meta.model


def _set_plan(obj: models.Model, plan: Plan) -> None:
    obj.plan = plan


def _set_partnership_and_plan(obj: models.Model, plan: Plan) -> None:
    obj.partnership = plan.partnership
    obj.plan = plan


SECTIONS: dict[str, Section] = {
    section.slug: section
    for section in (
        Section(
            "priorities",
            "priority",
            "Priorities",
            PriorityForm,
            lambda plan: Priority.all_objects.filter(plan=plan),
            _set_plan,
        ),
        Section(
            "places",
            "place",
            "Priority places",
            PlaceForm,
            lambda plan: PriorityPlace.all_objects.filter(plan=plan),
            _set_plan,
        ),
        Section(
            "actions",
            "action",
            "Actions",
            ActionForm,
            lambda plan: (
                Action.all_objects.filter(priority__plan=plan)
                .select_related("priority")
                .order_by("priority__order", "priority_id", "order", "id")
            ),
            lambda obj, plan: None,
            group=lambda obj: obj.priority_id,
        ),
        Section(
            "targets",
            "target",
            "Targets",
            TargetForm,
            lambda plan: Target.all_objects.filter(plan=plan),
            _set_plan,
        ),
        Section(
            "risks",
            "risk",
            "Risks",
            RiskRecordForm,
            lambda plan: Risk.all_objects.filter(plan=plan),
            _set_plan,
            edit_url_name="risk-edit",
        ),
        Section(
            "funding",
            "funding stream",
            "Funding streams",
            FundingForm,
            lambda plan: FundingStream.all_objects.filter(plan=plan),
            _set_partnership_and_plan,
        ),
        Section(
            "projects",
            "project",
            "Projects",
            ProjectForm,
            lambda plan: Project.all_objects.filter(plan=plan),
            _set_partnership_and_plan,
        ),
    )
}


#: The sections a published version freezes (funding streams and projects carry on: money is live).
FROZEN_SECTIONS = frozenset({"priorities", "places", "actions", "targets", "risks"})


def field_specs(form: forms.BaseForm) -> list[dict[str, Any]]:
    """What the generic form page needs to draw each field with the right GOV.UK component."""
    specs = []
    for name, field in form.fields.items():
        bound = form[name]
        spec: dict[str, Any] = {
            "name": name,
            "label": str(field.label),
            "hint": str(field.help_text or ""),
            "optional": not field.required,
        }
        if isinstance(field, DateInputField):
            spec["kind"] = "date"
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            current = {str(v) for v in (bound.value() or [])}
            spec["kind"] = "checkboxes"
            spec["choices"] = [(str(v), str(t), str(v) in current) for v, t in field.choices]
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            current = "" if bound.value() is None else str(bound.value())
            choices = [(str(v), str(t)) for v, t in field.choices if str(v) != ""]
            spec["kind"] = "radios" if len(choices) <= 5 else "select"
            if spec["kind"] == "select":
                choices = [("", "Not chosen" if not field.required else "Choose")] + choices
            spec["choices"] = [(v, t, v == current) for v, t in choices]
        elif isinstance(field.widget, forms.Textarea):
            spec["kind"] = "textarea"
            spec["value"] = field.prepare_value(bound.value()) or ""
        else:
            spec["kind"] = "number" if isinstance(field, forms.DecimalField | forms.IntegerField) else "input"
            spec["value"] = "" if bound.value() is None else str(bound.value())
        specs.append(spec)
    return specs
