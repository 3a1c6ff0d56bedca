"""scripts/bootstrap.sh turns SAFERPLACES_EXTRAS into --extra flags, and works without it (./run demo)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import ROOT


def _extras_block() -> str:
    text = (ROOT / "scripts" / "bootstrap.sh").read_text()
    block = re.search(r"^extras=\(\)\n.*?^done\n", text, re.S | re.M)
    assert block, "bootstrap.sh no longer builds the extras list"
    return block.group(0)


@pytest.mark.parametrize(
    ("value", "flags"),
    [
        (None, ""),
        ("", ""),
        ("server", "--extra server"),
        ("server,postgres", "--extra server --extra postgres"),
    ],
)
def test_extras_under_set_u(value: str | None, flags: str) -> None:
    env = {"PATH": "/usr/bin:/bin"} | ({} if value is None else {"SAFERPLACES_EXTRAS": value})
    script = "set -euo pipefail\n" + _extras_block() + 'echo "${extras[*]}"\n'
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == flags
