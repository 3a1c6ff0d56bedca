"""The command line loads only the module of the command it runs (issue #9)."""

from __future__ import annotations

import importlib
import subprocess
import sys

from saferplaces.cli.main import COMMANDS


def test_every_command_of_every_module_is_listed_by_name() -> None:
    modules = sorted(set(COMMANDS.values()))
    defined = {c.name: m for m in modules for c in importlib.import_module(m).COMMANDS}
    assert defined == COMMANDS


def test_running_one_command_imports_no_other_commands_module() -> None:
    code = (
        "import sys\n"
        "from saferplaces.cli.main import cli\n"
        "try:\n"
        "    cli.main(['assess', '--help'], standalone_mode=False)\n"
        "finally:\n"
        "    print(sorted(m for m in sys.modules if m.startswith('saferplaces.cli.commands_')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['saferplaces.cli.commands_assess']"
    assert "Build a strategic assessment" in done.stdout
