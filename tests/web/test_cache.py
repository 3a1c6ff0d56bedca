"""Caching what does not change between writes (issue #13): fragments and values go stale on a write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client, override_settings

from saferplaces.web import cache
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.plans.models import Plan, Risk
from saferplaces.web.seeds import load_seed_plans

PLAN = "/partnerships/east-staffordshire/plans/{}/"


def test_a_value_is_computed_once_per_generation() -> None:
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.cached(("test", 1), compute) == 1
    assert cache.cached(("test", 1), compute) == 1
    cache.bump()
    assert cache.cached(("test", 1), compute) == 2


def test_the_stamp_file_carries_a_write_to_other_processes(tmp_path: Path) -> None:
    stamp = tmp_path / "store" / ".web-generation"
    with override_settings(SAFERPLACES_CACHE_STAMP=stamp):
        calls = []
        value = lambda: calls.append(1) or len(calls)  # noqa: E731
        cache.bump()  # makes the file
        assert stamp.is_file()
        assert cache.cached(("shared",), value) == 1
        assert cache.cached(("shared",), value) == 1
        # Another worker's write moves the file's time on; this process has seen no write itself.
        later = os.stat(stamp).st_mtime_ns + 1_000
        os.utime(stamp, ns=(later, later))
        assert cache.cached(("shared",), value) == 2


def test_at_most_max_entries_are_kept() -> None:
    cache.bump()
    for i in range(cache.MAX_ENTRIES + 10):
        cache.cached(("many", i), lambda i=i: i)
    assert len(cache._values) == cache.MAX_ENTRIES


@pytest.mark.django_db
def test_the_plan_page_shows_a_change_at_once() -> None:
    load_seed_plans()
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    client = Client()
    url = PLAN.format(plan.slug)
    risk = Risk.objects.filter(plan=plan).first()
    assert risk.risk in client.get(url).content.decode()
    # A save through the ORM (as forms and the admin do).
    risk.risk = "A risk renamed after the page was cached"
    risk.save()
    assert "A risk renamed after the page was cached" in client.get(url).content.decode()
    # A bulk update sends no signal; the audit entry every change writes makes the page fresh.
    Risk.objects.filter(pk=risk.pk).update(risk="Renamed by a bulk update")
    assert "Renamed by a bulk update" not in client.get(url).content.decode()  # the cache is used
    AuditEntry.objects.create(kind="changed", model="plans.risk", object_id=str(risk.pk), object_repr="r")
    assert "Renamed by a bulk update" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_cached_plan_page_keeps_what_differs_by_user() -> None:
    from django.contrib.auth.models import User

    from saferplaces.web.accounts.models import Role

    load_seed_plans()
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    url = PLAN.format(plan.slug)
    admin = User.objects.create_user("admin")
    Role.objects.create(user=admin, partnership=plan.partnership, name=Role.Name.ADMINISTRATOR)
    signed_in = Client()
    signed_in.force_login(admin)
    anonymous = Client().get(url).content.decode()  # fills the cache
    page = signed_in.get(url).content.decode()
    assert "add a risk</a>" in page and "add a risk</a>" not in anonymous
    assert "Signed in as admin" in page and "Signed in as" not in anonymous

    # Whoever fills the cache first, the manage link shows to administrators only (#13).
    board = User.objects.create_user("board")
    Role.objects.create(user=board, partnership=plan.partnership, name=Role.Name.BOARD_MEMBER)
    as_board = Client()
    as_board.force_login(board)
    manage = "Manage the plan</a>"
    for first in (signed_in, as_board, Client()):
        cache.bump()
        first.get(url)  # fills the cache
        assert manage in signed_in.get(url).content.decode()
        assert manage not in as_board.get(url).content.decode()
        assert manage not in Client().get(url).content.decode()
