"""One user per persona for the edit pages' permission tests (the set-up of test_permissions.py).

Each test module says which action a lead officer leads and which project a provider
provides; here every persona gets its role in ``partnership`` (the other administrator
in ``other``).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership

ROLES = {
    "administrator": Role.Name.ADMINISTRATOR,
    "analyst": Role.Name.ANALYST,
    "lead officer of the action": Role.Name.LEAD_OFFICER,
    "other lead officer": Role.Name.LEAD_OFFICER,
    "provider of the project": Role.Name.PROVIDER,
    "other provider": Role.Name.PROVIDER,
    "board member": Role.Name.BOARD_MEMBER,
}
PERSONAS = [*ROLES, "other partnership's administrator", "anonymous"]


def make_personas(partnership: Partnership, other: Partnership) -> dict[str, User | None]:
    """A user per persona (None for anonymous); the administrator has a full name, the rest do not."""
    users: dict[str, User | None] = {"anonymous": None}
    for persona in PERSONAS[:-1]:
        username = persona.replace(" ", "-").replace("'", "")
        users[persona] = User.objects.create_user(username=username, password="x")
    users["administrator"].first_name, users["administrator"].last_name = "Ada", "Admin"
    users["administrator"].save()
    for persona, role in ROLES.items():
        Role.objects.create(user=users[persona], partnership=partnership, name=role)
    Role.objects.create(
        user=users["other partnership's administrator"], partnership=other, name=Role.Name.ADMINISTRATOR
    )
    return users


def client_as(users: dict[str, User | None], persona: str) -> Client:
    """A test client signed in as ``persona`` (not signed in for anonymous)."""
    client = Client()
    if users[persona] is not None:
        client.force_login(users[persona])
    return client
