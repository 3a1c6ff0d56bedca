"""``saferplaces serve``: migrates, optionally loads the seed plans, then runs the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saferplaces.cli import commands_web


def test_serve_migrates_seeds_and_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))  # restored afterwards; serve sets it
    result = CliRunner().invoke(
        commands_web.serve_command, ["--port", "8123", "--seed-plans", "--store", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert [c[0][0] for c in calls] == ["migrate", "load_seed_plans", "runserver"]
    assert calls[-1][0][1] == "127.0.0.1:8123"
    assert "Safer Places is at http://localhost:8123/" in result.output
    assert "createsuperuser" in result.output


def test_serve_help_has_an_example() -> None:
    result = CliRunner().invoke(commands_web.serve_command, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--seed-plans" in result.output
