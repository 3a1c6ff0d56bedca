"""Targets and indicators, with their baselines and values by period."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from saferplaces.errors import InputError
from saferplaces.indicators import IndicatorQuery, validate_query
from saferplaces.web.plans.models import (
    FrozenWithPlan,
    LiveWithPlan,
    Plan,
    Priority,
    Retirable,
    carried_from_field,
    guard_deletes,
)
from saferplaces.web.validation import LONG_TEXT, NOT_NEGATIVE


def shown_number(value: Any, percentage: bool = False) -> str:
    """'150', '12.5', '1,234' and '40%': a figure as a reader reads it, not '150.000'."""
    figure = float(value)
    text = f"{int(figure):,}" if figure.is_integer() else f"{figure:,.1f}"
    return text + ("%" if percentage else "")


PERCENT_UNITS = {"%", "percent", "per cent", "percentage"}


def infer_kind(unit: str, source: str, query: dict[str, Any] | None = None) -> str:
    """A target's kind from what older records hold: a store query's measure, a survey, or the unit.

    Used for targets saved without a kind (the seed plans, and targets made before kinds
    existed); a unit such as "per 1,000" is a rate, "%" a percentage, anything else a count.
    """
    if query:
        return Target.Kind.RATE if query.get("measure") == "rate" else Target.Kind.COUNT
    if source == Target.Source.SURVEY:
        return Target.Kind.SURVEY
    text = unit.strip().casefold()
    if text in PERCENT_UNITS:
        return Target.Kind.PERCENTAGE
    if "per 1,000" in text or "per 1000" in text or "rate" in text:
        return Target.Kind.RATE
    return Target.Kind.COUNT


class Target(FrozenWithPlan, Retirable):
    """A target or indicator in a plan: what is measured, which way is better, and the baseline.

    Its values come from one of three sources: typed in by hand (the plan's own
    figures), a survey (a percentage with its sample size), or a query on the
    data store (``query``: area, crime types, grain and measure; see
    :func:`saferplaces.indicators.validate_query`).
    """

    class Direction(models.TextChoices):
        INCREASE = "increase", "Increase"
        REDUCE = "reduce", "Reduce"

    class Kind(models.TextChoices):
        COUNT = "count", "Count"
        RATE = "rate", "Rate per 1,000 people"
        PERCENTAGE = "percentage", "Percentage"
        SURVEY = "survey", "Survey percentage, with its sample size"
        STANDARDISED = "standardised", "Age-standardised rate, with its limits and events"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        SURVEY = "survey", "Survey"
        STORE = "store", "Data store query"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    order = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=50, blank=True, help_text="For example, incidents or percent.")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        blank=True,
        help_text="What the figures are: it decides the test (docs/web-targets.md). Inferred when blank.",
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    baseline_value = models.DecimalField(
        max_digits=14, decimal_places=3, null=True, blank=True, validators=NOT_NEGATIVE
    )
    baseline_text = models.CharField(
        max_length=200, blank=True, help_text="The baseline as the plan writes it, such as 81% after dark."
    )
    baseline_period = models.CharField(max_length=50, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    query = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'For a data store query, such as {"area": "E07000193", "crime_types": ["Anti-social behaviour"], '
            '"grain": "financial-year", "measure": "count"}. Crime types may be "all".'
        ),
    )
    carried_from = carried_from_field(
        "The target of the previous version this one rolls on, with a new baseline period."
    )

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.description

    def entered_values(self) -> list[TargetValue]:
        """The values the plan or a person gave (not those computed from the store), in order.

        Uses the prefetched ``values`` when there are any, so pages listing many targets
        make one query.
        """
        return [v for v in self.values.all() if v.source == TargetValue.Source.ENTERED]

    @property
    def is_store_query(self) -> bool:
        return self.source == self.Source.STORE

    @property
    def is_percentage(self) -> bool:
        """True for a percentage or a survey percentage."""
        return (self.kind or self.inferred_kind()) in {self.Kind.PERCENTAGE, self.Kind.SURVEY}

    @property
    def baseline_words(self) -> str:
        """The baseline for the partners' page: the plan's own words, else the number, with its
        period unless the words already name it ("150 cases in 2024/25", not "... (2024/25)")."""
        text = self.baseline_text or (
            shown_number(self.baseline_value, self.is_percentage) if self.baseline_value is not None else ""
        )
        if not text:
            return "Not given"
        period = self.baseline_period
        return f"{text} ({period})" if period and period not in text else text

    def inferred_kind(self) -> str:
        """The kind a target saved without one is given: from its query, source and unit."""
        return infer_kind(self.unit, self.source, self.query if self.is_store_query else None)

    def indicator_query(self) -> IndicatorQuery | None:
        """The store query, or None when the target is not one."""
        return validate_query(self.query) if self.is_store_query else None

    def _checked_query(self) -> dict[str, Any]:
        if not self.is_store_query:
            if self.query:
                raise ValidationError(
                    {"query": "Remove the query, or choose a data store query as the source."}
                )
            return {}
        try:
            return validate_query(self.query).to_dict()
        except InputError as exc:
            raise ValidationError({"query": str(exc)}) from None

    def clean(self) -> None:
        """Check the query: its shape, and that its area is one we know; and that the plan is not frozen."""
        super().clean()
        self.query = self._checked_query()
        if self.is_store_query:
            import duckdb

            from saferplaces.data.areas import resolve_area
            from saferplaces.data.geography import install_reference_tables

            con = duckdb.connect()
            try:
                install_reference_tables(con)
                resolve_area(con, self.query["area"])
            except InputError as exc:
                raise ValidationError({"query": str(exc)}) from None
            finally:
                con.close()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Never store a query that could not be read back (the area is checked in clean()).
        self.query = self._checked_query()
        if self.is_store_query or not self.kind:
            self.kind = self.inferred_kind()
        super().save(*args, **kwargs)


class TargetValue(LiveWithPlan):
    """A target's value for one period (a year, a quarter or a month).

    ``source`` keeps figures people entered (including the plan's own) apart
    from figures computed from the data store: a period may have one of each,
    and a refresh from the store never changes an entered figure.
    """

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered"
        COMPUTED = "computed", "Computed from the data store"

    PLAN_PATH = "target__plan"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    order = models.PositiveIntegerField(default=0)
    period = models.CharField(max_length=50, help_text="For example, 2018/19 or 2024/25 Q1.")
    value = models.DecimalField(
        max_digits=14, decimal_places=3, null=True, blank=True, validators=NOT_NEGATIVE
    )
    trend = models.CharField(max_length=100, blank=True)
    note = models.TextField(max_length=LONG_TEXT, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    numerator = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a survey: the number who gave the answer counted."
    )
    sample_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a survey: the number who answered."
    )
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "For a computed value: the count, months held and, for a rate, population and interval; for a "
            "standardised rate: its lower and upper 95% limits and the number of events."
        ),
    )
    store_snapshot_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a computed value: the data store snapshot it was counted from."
    )

    class Meta:
        ordering = ["target", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period", "source"], name="one_value_per_period"),
            models.CheckConstraint(
                condition=models.Q(numerator__isnull=True)
                | models.Q(sample_size__isnull=True)
                | models.Q(numerator__lte=models.F("sample_size")),
                name="numerator_within_sample",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.period}"

    def owning_plan(self) -> Plan | None:
        return self.target.plan if self.target_id else None

    def clean(self) -> None:
        if (self.numerator is None) != (self.sample_size is None):
            raise ValidationError("Give both the number counted and the sample size, or neither.")
        if self.sample_size is not None and self.sample_size == 0:
            raise ValidationError({"sample_size": "The sample size must be more than 0."})
        if self.numerator is not None and self.sample_size is not None and self.numerator > self.sample_size:
            raise ValidationError({"numerator": "The number counted must be no more than the sample size."})


guard_deletes(Target, TargetValue)
