"""Accounts for trying the application on one's own machine: one per role, with a password made here.

There is no password in the code. The first run makes a random one and keeps it in
``demo-accounts.txt`` in the store folder (readable by its owner only); later runs
reuse it. Only ``saferplaces serve --demo-accounts`` (which ``./run demo`` uses) calls
this; a real deployment makes its accounts with ``saferplaces createuser``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Action
from saferplaces.web.projects.models import Project

#: The file in the store folder that keeps the demo password.
PASSWORD_FILE = "demo-accounts.txt"

#: How many of Lichfield's actions the demo lead officer leads (those with no lead account yet).
LED_ACTIONS = 3


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    partnerships: tuple[str, ...]  # slugs; () means every partnership
    what_to_try: str


ACCOUNTS = (
    DemoAccount("demo-admin", Role.Name.ADMINISTRATOR, (), "change risks, import and export, see every page"),
    DemoAccount("demo-analyst", Role.Name.ANALYST, (), "add target values and refresh them from the data"),
    DemoAccount("demo-lead", Role.Name.LEAD_OFFICER, ("lichfield",), "update the first Lichfield actions"),
    DemoAccount(
        "demo-provider",
        Role.Name.PROVIDER,
        ("east-staffordshire",),
        "submit a quarterly return for East Staffordshire's Albion 2 Engage",
    ),
    DemoAccount("demo-board", Role.Name.BOARD_MEMBER, (), "read everything, change nothing"),
    DemoAccount("demo-chair", Role.Name.CHAIR, (), "sign off a draft board pack"),
)

#: The seed project the demo provider provides, and whose contract the demo dates.
PROVIDED_PROJECT = ("east-staffordshire", "Albion 2 Engage")


def _provide_project(provider: User, today: dt.date) -> None:
    """Attach the demo provider to a seed project whose contract runs from last April for two years.

    The seed plans give no contract dates; with these, the quarters from last April to now are
    open for returns at once. Dates a partnership set are left as they are.
    """
    slug, name = PROVIDED_PROJECT
    project = Project.objects.filter(partnership__slug=slug, name=name).first()
    if project is None:
        return
    project.provider_users.add(provider)
    if project.contract_start is None and project.contract_end is None:
        first_april = dt.date(today.year - (1 if today.month >= 4 else 2), 4, 1)
        project.contract_start = first_april
        project.contract_end = dt.date(first_april.year + 2, 3, 31)
        project.save(update_fields=["contract_start", "contract_end"])


def _password(store_dir: Path) -> str:
    path = store_dir / PASSWORD_FILE
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("password: "):
                return line.removeprefix("password: ").strip()
    password = secrets.token_urlsafe(12)
    store_dir.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(
        "Safer Places demo accounts, for this machine only.\n"
        f"usernames: {', '.join(a.username for a in ACCOUNTS)}\n"
        f"password: {password}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return password


@transaction.atomic
def ensure_demo_accounts(store_dir: Path) -> tuple[list[DemoAccount], str]:
    """Make or update an account per role in the seed partnerships; return them and the password."""
    password = _password(store_dir)
    slugs = list(Partnership.objects.values_list("slug", flat=True))
    for account in ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.set_password(password)
        user.save()
        for slug in account.partnerships or slugs:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is not None:
                Role.objects.get_or_create(user=user, partnership=partnership, name=account.role)
    lead = User.objects.get(username="demo-lead")
    if not Action.objects.filter(lead_user=lead).exists():
        free = Action.objects.filter(priority__plan__partnership__slug="lichfield", lead_user__isnull=True)
        for action in free.order_by("priority__order", "order", "id")[:LED_ACTIONS]:
            action.lead_user = lead
            action.save(update_fields=["lead_user"])
    _provide_project(User.objects.get(username="demo-provider"), timezone.localdate())
    return list(ACCOUNTS), password
