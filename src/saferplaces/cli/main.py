"""The `saferplaces` command: thin commands over the library."""

from __future__ import annotations

import os
import sys

import click

from saferplaces import __version__
from saferplaces.cli.common import fail
from saferplaces.errors import SaferPlacesError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


COMMAND_MODULES = (
    "saferplaces.cli.commands_data",
    "saferplaces.cli.commands_quality",
    "saferplaces.cli.commands_download",
    "saferplaces.cli.commands_partner",
    "saferplaces.cli.commands_assess",
    "saferplaces.cli.commands_web",
    "saferplaces.cli.commands_worker",
)


def _register() -> None:
    import importlib

    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            cli.add_command(command)


_register()


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
