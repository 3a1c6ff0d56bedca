"""Roles: what a user may do in one partnership."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.web.partnerships.models import Partnership


class Role(models.Model):
    """A user's role in one partnership; a user may hold several, in several partnerships."""

    class Name(models.TextChoices):
        ADMINISTRATOR = "administrator", "Partnership administrator"
        ANALYST = "analyst", "Analyst"
        LEAD_OFFICER = "lead_officer", "Lead officer"
        PROVIDER = "provider", "Provider"
        BOARD_MEMBER = "board_member", "Board member"
        CHAIR = "chair", "Chair of the board"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=20, choices=Name.choices)

    class Meta:
        ordering = ["partnership", "user", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership", "name"], name="one_role_of_a_kind_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_name_display()}, {self.partnership}"
