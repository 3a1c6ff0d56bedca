"""docs/cli.md is generated from the commands' help and must match it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_is_up_to_date():
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == module.render(), "Run .venv/bin/python scripts/cli_docs.py to update docs/cli.md"


def test_every_command_in_the_reference_has_an_example():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sections = text.split("\n## ")[1:]
    assert sections
    for section in sections:
        body = section.split("```")[1]
        is_group = "Commands:" in body
        assert is_group or "Example:" in body, section.splitlines()[0]
