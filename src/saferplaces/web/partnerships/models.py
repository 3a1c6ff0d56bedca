"""Partnerships, their member organisations, boards and people."""

from __future__ import annotations

from django.db import models

from saferplaces.web.validation import LONG_TEXT


class Organisation(models.Model):
    """A body that takes part in partnerships: a council, the police, a charity."""

    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """A district or borough Community Safety Partnership, or a county partnership over them."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "District or borough partnership"
        COUNTY = "county", "County partnership"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area_name = models.CharField(max_length=200, help_text="The area it serves, such as East Staffordshire.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The county partnership whose agreement sits over this partnership's plan.",
    )
    description = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An organisation's membership of a partnership, with what it contributes."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    contribution = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="What the partnership can expect from this member."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class Board(models.Model):
    """A governance board or group that oversees part of a partnership's work."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=300)
    description = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="unique_board_name")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A named person in a partnership: a chair, a lead officer."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )

    class Meta:
        ordering = ["partnership", "name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name
