"""The three kinds of record a plan imports and exports: actions, targets and risks.

Each kind names its records in a plan, its columns (after the ``id`` column every
file starts with), and how a new record is made and placed in order.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models import Max, QuerySet

from saferplaces.indicators import parse_period_label
from saferplaces.web.partnerships.models import Organisation
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Plan, Risk
from saferplaces.web.transfers.columns import (
    ChoiceColumn,
    Column,
    DateColumn,
    NameColumn,
    NumberColumn,
    export_number,
    parse_number,
)

#: Column names that read as a period of a target: 2024, 2024/25, 2024-25, 2024/25 Q1, Q1 2024/25.
PERIOD = re.compile(r"^(?:Q[1-4] )?[0-9]{4}(?:[/-][0-9]{2}|[/-][0-9]{4})?(?: Q[1-4])?$", re.IGNORECASE)
_YEARS = re.compile(r"([0-9]{4})[/-]([0-9]{2}|[0-9]{4})(?![0-9])")


def is_period(header: str) -> bool:
    """True when a column name is a period: of the forms of :data:`PERIOD`, the second year of
    a pair the year after the first (2024/25, 2024-2025; not 2025-13 or 2024/27), or a month
    such as 2025-03."""
    if not PERIOD.match(header):
        return False
    pair = _YEARS.search(header)
    if pair is None or parse_period_label(header) is not None:
        return True
    first, second = int(pair[1]), int(pair[2])
    return second == first + 1 if len(pair[2]) == 4 else second == (first + 1) % 100


def next_order(records: QuerySet[Any]) -> int:
    """One more than the highest ``order`` among ``records`` (1 when there are none)."""
    return (records.aggregate(top=Max("order"))["top"] or 0) + 1


def _priority_column(plan: Plan, *, required: bool) -> NameColumn:
    return NameColumn(
        "Priority",
        "priority",
        list(plan.priorities.all()),
        name_of="title",
        where="a priority of this plan",
        none_hint="Add the plan's priorities first.",
        required=required,
        width=30,
    )


class Kind:
    """What a kind of record needs for import and export; subclasses fill it in.

    Attributes
    ----------
    name
        The kind as URLs and files name it: "actions".
    label
        The kind for people, as a radio label: "Actions".
    noun
        One record: "action".
    article
        One record with its article: "an action".
    main
        The header of the column that says what a record is, used to label it.
    """

    name = ""
    label = ""
    noun = ""
    article = ""
    main = ""

    def records(self, plan: Plan) -> QuerySet[Any]:
        """The plan's records of this kind, in the plan's order."""
        raise NotImplementedError

    def columns(self, plan: Plan) -> list[Column]:
        """The columns every file of this kind has, after ``id``."""
        raise NotImplementedError

    def export_columns(self, plan: Plan) -> list[Column]:
        """The columns an export writes, after ``id``: :meth:`columns` and any the plan adds."""
        return self.columns(plan)

    def extra_column(self, plan: Plan, header: str) -> Column | None:
        """A column an import may have beyond :meth:`columns`, or None when ``header`` is unknown."""
        return None

    def new(self, plan: Plan) -> models.Model:
        """A new, unsaved record of the plan, before its columns are assigned."""
        raise NotImplementedError

    def place(self, obj: models.Model, stored: models.Model | None) -> None:
        """Give a new record (``stored`` None) the next ``order``; subclasses may move changed ones."""
        if stored is None:
            obj.order = next_order(self.records(self.plan_of(obj)))

    def plan_of(self, obj: models.Model) -> Plan:
        return obj.plan


class Actions(Kind):
    name, label, noun, article, main = (
        "actions",
        "Actions (the delivery plan)",
        "action",
        "an action",
        "Action",
    )

    def records(self, plan: Plan) -> QuerySet[Action]:
        return (
            Action.objects.filter(priority__plan=plan)
            .select_related("priority", "lead_organisation", "board")
            .order_by("priority__order", "priority__id", "order", "id")
        )

    def columns(self, plan: Plan) -> list[Column]:
        partnership = plan.partnership
        organisations = Organisation.objects.filter(
            models.Q(memberships__partnership=partnership) | models.Q(actions__priority__plan=plan)
        ).distinct()
        return [
            _priority_column(plan, required=True),
            Column("Action", "action", width=60),
            Column("Intended outcome", "outcome", width=50),
            Column("Data measure", "data_measure", width=40),
            NameColumn(
                "Lead organisation",
                "lead_organisation",
                list(organisations.order_by("name")),
                where="a member organisation of the partnership",
                none_hint="Leave it blank, or add the organisation to the partnership's members first.",
                width=30,
            ),
            Column("Lead officer", "lead_officer", max_length=200, width=25),
            NameColumn(
                "Board",
                "board",
                list(partnership.boards.all()),
                where="a board of the partnership",
                none_hint="Leave it blank, or add the board to the partnership first.",
                width=30,
            ),
            DateColumn("Due date", "due_date", width=12),
            ChoiceColumn("RAG status", "rag", Action.Rag, "a RAG status", width=12),
        ]

    def new(self, plan: Plan) -> Action:
        return Action()

    def place(self, obj: models.Model, stored: models.Model | None) -> None:
        # A new action, or one moved to another priority, goes to the end of its priority's list.
        if stored is None or stored.priority_id != obj.priority_id:
            obj.order = next_order(Action.objects.filter(priority_id=obj.priority_id))

    def plan_of(self, obj: models.Model) -> Plan:
        return obj.priority.plan


class PeriodColumn(Column):
    """A target's value for one period (2024/25), held in a :class:`TargetValue`.

    A blank cell clears the value of a period the target has and adds nothing to one it
    has not; the period's trend and note are kept.
    """

    def __init__(self, period: str) -> None:
        super().__init__(period, "values", width=10)

    def _stored(self, obj: models.Model) -> TargetValue | None:
        if obj.pk is None:
            return None
        return next((v for v in obj.entered_values() if v.period == self.header), None)

    def export(self, obj: models.Model) -> Any:
        stored = self._stored(obj)
        return export_number(stored.value) if stored else None

    def current(self, obj: models.Model) -> Any:
        stored = self._stored(obj)
        return stored.value if stored else None

    def parse(self, text: str) -> Any:
        return parse_number(text)

    def assign(self, obj: models.Model, value: Any) -> None:
        """Nothing on the target itself: :meth:`after_save` saves the period's value."""

    def after_save(self, obj: models.Model, value: Any, save: Any) -> None:
        stored = TargetValue.objects.filter(
            target=obj, period=self.header, source=TargetValue.Source.ENTERED
        ).first()
        if stored is None:
            if value is None:
                return
            stored = TargetValue(target=obj, period=self.header, order=next_order(obj.values.all()))
        elif stored.value == value:
            return
        stored.value = value
        save(stored)


class Targets(Kind):
    name, label, noun, article, main = "targets", "Targets and their values", "target", "a target", "Target"

    def records(self, plan: Plan) -> QuerySet[Target]:
        return plan.targets.select_related("priority").prefetch_related("values").order_by("order", "id")

    def periods(self, plan: Plan) -> list[str]:
        """The plan's period labels, in the order its targets list them."""
        periods: list[str] = []
        for target in self.records(plan):
            for value in target.entered_values():
                if value.period not in periods:
                    periods.append(value.period)
        return periods

    def columns(self, plan: Plan) -> list[Column]:
        return [
            _priority_column(plan, required=False),
            Column("Target", "description", required=True, max_length=300, width=50),
            Column("Unit", "unit", max_length=50, width=12),
            ChoiceColumn("Direction", "direction", Target.Direction, "a direction", width=12),
            NumberColumn("Baseline", "baseline_value", width=12),
            Column("Baseline as written", "baseline_text", max_length=200, width=20),
            Column("Baseline period", "baseline_period", max_length=50, width=15),
        ]

    def export_columns(self, plan: Plan) -> list[Column]:
        return self.columns(plan) + [PeriodColumn(period) for period in self.periods(plan)]

    def extra_column(self, plan: Plan, header: str) -> Column | None:
        if is_period(header) or header in self.periods(plan):
            return PeriodColumn(header)
        return None

    def new(self, plan: Plan) -> Target:
        return Target(plan=plan)


class Risks(Kind):
    name, label, noun, article, main = "risks", "Risks (the risk register)", "risk", "a risk", "Risk"

    def records(self, plan: Plan) -> QuerySet[Risk]:
        return plan.risks.order_by("order", "id")

    def columns(self, plan: Plan) -> list[Column]:
        return [
            Column("Risk", "risk", required=True, width=50),
            ChoiceColumn("Impact", "impact", Risk.Level, "an impact", required=True, width=10),
            ChoiceColumn("Likelihood", "likelihood", Risk.Level, "a likelihood", required=True, width=12),
            Column("Mitigation", "mitigation", width=60),
            Column("Owner", "owner", max_length=200, width=25),
            DateColumn("Review date", "review_date", width=12),
            ChoiceColumn("Status", "status", Risk.Status, "a status", width=10),
        ]

    def new(self, plan: Plan) -> Risk:
        return Risk(plan=plan)


#: Every kind, by the name URLs and forms use.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (Actions(), Targets(), Risks())}
