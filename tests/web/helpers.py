"""Shared by the edit pages' tests: one user per persona, and checks of forms and tables.

The personas follow test_permissions.py. Each test module says which action a lead officer
leads and which project a provider provides; here every persona gets its role in
``partnership`` (the other administrator in ``other``).
"""

from __future__ import annotations

import re

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
#: The personas to whom a partnership's drafts do not exist (404).
OUTSIDERS = {"other partnership's administrator", "anonymous"}


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


def edit_status(persona: str, allowed: set[str], *, draft: bool = False) -> int:
    """The status an edit page answers ``persona`` with, when only ``allowed`` may use it."""
    if draft and persona in OUTSIDERS:
        return 404
    if persona in allowed:
        return 200
    return 302 if persona == "anonymous" else 403  # anonymous users are sent to sign in


def captions(html: str) -> list[str]:
    """The text of each table caption on the page, in order."""
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<caption[^>]*>(.*?)</caption>", html, re.S)]


def assert_form_error(html: str, message: str, href: str) -> None:
    """The error is in the summary above the h1, linked to ``href``, and shown by its field."""
    summary = html[html.index("govuk-error-summary") : html.index("</h1>")]
    assert "There is a problem" in summary
    assert f'<a href="{href}">{message}</a>' in summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html


def keep_test_connection():  # noqa: ANN201
    """While the worker runs inside a test, keep the test's database connection open.

    The worker recycles database connections between tasks (close_old_connections), as a
    long-running process should. Inside a test the connection holds the test's transaction, and
    on PostgreSQL closing it ends the test's connection; Django's own test client stops the same
    recycling for requests in the same way.
    """
    from unittest.mock import patch

    return patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_tasks() -> None:
    """Run every background task waiting, as ``saferplaces worker --batch`` does, then return."""
    from django.core.management import call_command

    with keep_test_connection():
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0.1, verbosity=0)
