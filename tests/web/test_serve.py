"""``saferplaces serve``: migrates, optionally loads the seed plans, then runs the server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saferplaces.cli import commands_web


def test_serve_dev_migrates_seeds_and_runs_the_development_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))  # restored afterwards; serve sets it
    result = CliRunner().invoke(
        commands_web.serve_command, ["--port", "8123", "--seed-plans", "--dev", "--store", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert [c[0][0] for c in calls] == ["migrate", "load_seed_plans", "runserver"]
    assert calls[-1][0][1] == "127.0.0.1:8123"
    assert "Safer Places is at http://localhost:8123/" in result.output
    assert "saferplaces createuser NAME --superuser" in result.output


def test_serve_runs_gunicorn_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from saferplaces.web import server

    calls: list[tuple[Any, ...]] = []
    served: list[server.ServerPlan] = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(server, "serve", served.append)
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))
    result = CliRunner().invoke(commands_web.serve_command, ["--port", "8124", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [c[0][0] for c in calls] == ["migrate"]
    (plan,) = served
    assert (plan.server, plan.host, plan.port) == ("gunicorn", "127.0.0.1", 8124)
    assert plan.workers == server.fitted_workers()
    assert f"Note: {plan.workers} workers of 4 threads, fitted to the" in result.output


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (4, 9), (32, 9)])
def test_workers_are_fitted_to_the_processors(cpus: int, workers: int) -> None:
    from saferplaces.web.server import fitted_workers

    assert fitted_workers(cpus) == workers


def test_serve_help_has_an_example() -> None:
    result = CliRunner().invoke(commands_web.serve_command, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--seed-plans" in result.output


@pytest.mark.django_db
def test_createuser_makes_an_account_with_roles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from django.contrib.auth.models import User

    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)  # the test DB is ready
    result = CliRunner().invoke(
        commands_web.createuser_command,
        ["jo", "--role", "lichfield:lead_officer", "--role", "lichfield:analyst"],
        input="a long password 123\na long password 123\n",
    )
    assert result.exit_code == 0, result.output
    assert "Made the account 'jo' with 2 role(s)." in result.output
    user = User.objects.get(username="jo")
    assert sorted(user.roles.values_list("name", flat=True)) == ["analyst", "lead_officer"]
    assert user.check_password("a long password 123")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["x", "--role", "nowhere:analyst", "--password", "a long password 123"],
            "There is no partnership 'nowhere'.",
        ),
        (
            ["x", "--role", "staffordshire:chief", "--password", "a long password 123"],
            "There is no role 'chief'.",
        ),
        (["x", "--password", "short"], "This password is too short."),
    ],
)
def test_createuser_refuses_bad_input_and_saves_nothing(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    from django.contrib.auth.models import User

    from saferplaces.errors import InputError
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    result = CliRunner().invoke(commands_web.createuser_command, args)
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_demo_accounts_one_per_role_with_a_password_made_here(tmp_path: Path) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from saferplaces.web.demo_accounts import PASSWORD_FILE, ensure_demo_accounts
    from saferplaces.web.plans.models import Action
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    accounts, password = ensure_demo_accounts(tmp_path)
    assert len(password) >= 12
    kept = tmp_path / PASSWORD_FILE
    assert f"password: {password}" in kept.read_text() and oct(kept.stat().st_mode & 0o777) == "0o600"
    again, same = ensure_demo_accounts(tmp_path)  # a second run reuses the password and changes nothing
    assert same == password and [a.username for a in again] == [a.username for a in accounts]
    assert ensure_demo_accounts(tmp_path / "other")[1] != password  # another store, another password
    ensure_demo_accounts(tmp_path)
    lead = User.objects.get(username="demo-lead")
    assert Action.objects.filter(lead_user=lead).count() == 3
    assert set(lead.roles.values_list("partnership__slug", "name")) == {("lichfield", "lead_officer")}
    assert User.objects.get(username="demo-board").roles.count() == 4
    # The provider has a seed project with contract dates, so a return can be submitted at once.
    provider = User.objects.get(username="demo-provider")
    project = provider.provided_projects.get()
    assert project.contract_start is not None and project.contract_start <= dt.date.today()
    client = Client()
    client.force_login(provider)
    page = client.get(f"/partnerships/east-staffordshire/projects/{project.pk}/returns/new/")
    assert page.status_code == 200 and 'name="period"' in page.content.decode()
    client = Client()
    response = client.post("/sign-in/", {"username": "demo-admin", "password": password})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert not User.objects.get(username="demo-admin").is_superuser


def test_serve_prints_the_demo_accounts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from saferplaces.web.demo_accounts import ACCOUNTS

    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr(
        "saferplaces.web.demo_accounts.ensure_demo_accounts", lambda store: (list(ACCOUNTS), "pw-made-here")
    )
    # The demo's assessment builds (#10) are queued in the database, which this test does not set up.
    monkeypatch.setattr("saferplaces.web.assessments.demo.queue_demo_assessments", lambda: ["a job"])
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))
    result = CliRunner().invoke(
        commands_web.serve_command, ["--demo-accounts", "--dev", "--store", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "password pw-made-here" in result.output
    assert "demo-lead" in result.output and "Lead officer" in result.output
    assert "The worker is building the Lichfield and Stafford 2025 assessments" in result.output


def test_waitress_serves_where_gunicorn_cannot_be_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from saferplaces.web.server import THREADS, plan_server

    monkeypatch.setitem(sys.modules, "gunicorn", None)  # import gunicorn now raises ImportError
    plan = plan_server("127.0.0.1", 8125, workers=2)
    assert plan.server == "waitress"
    assert plan.assumptions == (
        f"Gunicorn cannot run here, so waitress serves the app, with {THREADS} threads per worker.",
    )


def test_warm_up_loads_the_url_table_and_every_template_and_empties_the_public_cache() -> None:
    from django.core.cache import caches
    from django.template import engines
    from django.urls import get_resolver

    from saferplaces.web.server import warm_up

    caches["public"].set("made-by-the-code-before", "an old page")
    warm_up()
    assert caches["public"].get("made-by-the-code-before") is None
    assert get_resolver()._populated
    env = engines["jinja2"].env
    held = {key[1] for key in env.cache.keys()}
    assert {"public/home.html", "base.html", "public/progress.html"} <= held
