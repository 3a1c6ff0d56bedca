"""Targets and indicators, with their baselines and values by period."""

from __future__ import annotations

from django.db import models

from saferplaces.web.plans.models import Plan, Priority


class Target(models.Model):
    """A target or indicator in a plan: what is measured, which way is better, and the baseline."""

    class Direction(models.TextChoices):
        INCREASE = "increase", "Increase"
        REDUCE = "reduce", "Reduce"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    order = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=50, blank=True, help_text="For example, incidents or percent.")
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    baseline_text = models.CharField(
        max_length=200, blank=True, help_text="The baseline as the plan writes it, such as 81% after dark."
    )
    baseline_period = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.description


class TargetValue(models.Model):
    """A target's value and trend for one period (a year or a quarter)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    order = models.PositiveIntegerField(default=0)
    period = models.CharField(max_length=50, help_text="For example, 2018/19 or 2024/25 Q1.")
    value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    trend = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["target", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["target", "period"], name="one_value_per_period")]

    def __str__(self) -> str:
        return f"{self.target}: {self.period}"
