"""Money: funding streams, commissioned projects and their quarterly returns."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan, Priority, Retirable
from saferplaces.web.validation import LONG_TEXT, NOT_NEGATIVE, PLAUSIBLE_DATE


class FundingStream(Retirable):
    """A source of money a partnership receives, such as a PCC locality fund."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="funding_streams")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="funding")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=300)
    amount_text = models.CharField(
        max_length=200, blank=True, help_text="As written, such as circa £100,000."
    )
    amount_low = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    amount_high = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    frequency = models.CharField(max_length=100, blank=True, help_text="For example, each year.")

    class Meta:
        ordering = ["partnership", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Project(Retirable):
    """A commissioned project: who delivers it, with what money, towards which priority."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="projects")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    funding_stream = models.ForeignKey(
        FundingStream, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    order = models.PositiveIntegerField(default=0)
    reference = models.CharField(
        max_length=50, blank=True, help_text="As the plan numbers it, such as Project 3."
    )
    name = models.CharField(max_length=300)
    provider = models.CharField(max_length=300, blank=True)
    provider_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="provided_projects",
        help_text="The provider's accounts, which may submit this project's returns.",
    )
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    contract_start = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    contract_end = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    budget = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    output_targets = models.TextField(max_length=LONG_TEXT, blank=True)
    outcomes = models.JSONField(default=list, blank=True, help_text="Reported outcomes, one string each.")
    outcome_table = models.JSONField(
        default=dict, blank=True, help_text="A reported table: caption, headers and rows."
    )

    class Meta:
        ordering = ["partnership", "order", "id"]

    def __str__(self) -> str:
        return self.name


class QuarterlyReturn(models.Model):
    """A provider's return for one quarter: outputs, outcomes, whether targets were met, a narrative."""

    class TargetsMet(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="returns")
    period = models.CharField(max_length=50, help_text="For example, 2024/25 Q1.")
    due_date = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    submitted_on = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    outputs = models.TextField(max_length=LONG_TEXT, blank=True)
    outcomes = models.TextField(max_length=LONG_TEXT, blank=True)
    targets_met = models.CharField(
        max_length=10,
        choices=TargetsMet.choices,
        blank=True,
        help_text="Whether the quarter's output targets were met; blank on older returns.",
    )
    narrative = models.TextField(max_length=LONG_TEXT, blank=True)
    spend = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text="Money spent in the quarter, in pounds; blank when not reported.",
    )

    class Meta:
        ordering = ["project", "period"]
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="one_return_per_period")]

    def __str__(self) -> str:
        return f"{self.project}: {self.period}"
