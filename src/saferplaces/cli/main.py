"""The `saferplaces` command: thin commands over the library."""

from __future__ import annotations

import os
import sys

import click

from saferplaces import __version__
from saferplaces.cli.common import fail
from saferplaces.errors import SaferPlacesError

#: Each command's name and the module that defines it. A run imports only the module of the
#: command it runs (the others load duckdb, requests, Django ...), so that a cold
#: ``saferplaces assess`` pays for no other command's imports (issue #9); ``--help`` loads them all.
COMMANDS = {
    "ingest": "saferplaces.cli.commands_data",
    "areas": "saferplaces.cli.commands_data",
    "counts": "saferplaces.cli.commands_data",
    "demo": "saferplaces.cli.commands_data",
    "quality": "saferplaces.cli.commands_quality",
    "download": "saferplaces.cli.commands_download",
    "extract": "saferplaces.cli.commands_partner",
    "synth": "saferplaces.cli.commands_partner",
    "assess": "saferplaces.cli.commands_assess",
    "serve": "saferplaces.cli.commands_web",
    "createuser": "saferplaces.cli.commands_web",
    "backup": "saferplaces.cli.commands_web",
    "restore": "saferplaces.cli.commands_web",
    "worker": "saferplaces.cli.commands_worker",
}


class _LazyCommands(click.Group):
    """A group whose commands are imported when asked for, by name (see ``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        import importlib

        found = {c.name: c for c in importlib.import_module(module).COMMANDS}
        return found[cmd_name]


@click.group(
    cls=_LazyCommands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="saferplaces")
def cli() -> None:
    """Safer Places: data-led community safety for partnerships.

    Load police.uk and partner data, count and check it, and build the evidence a
    Community Safety Partnership chooses its priorities from.

    \b
    Example:
      saferplaces demo
      saferplaces counts --area Stafford --period 2025 --by crime-type
    """


def main() -> None:
    """Run the CLI; a SaferPlacesError becomes one line on stderr and a non-zero exit."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        fail("Stopped.", 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SaferPlacesError as exc:
        fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        fail("Stopped; nothing was changed.", 130)
    except Exception as exc:  # noqa: BLE001 - users never see a traceback
        if os.environ.get("SAFERPLACES_DEBUG"):
            raise
        fail(
            f"Something unexpected went wrong ({type(exc).__name__}: {exc}). "
            "Run again with SAFERPLACES_DEBUG=1 and report what it prints.",
            70,
        )
    else:
        sys.exit(0)
