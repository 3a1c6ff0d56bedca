"""The `saferplaces` command."""

from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """Safer Places: data-led community safety for partnerships."""


def main() -> None:
    cli()
