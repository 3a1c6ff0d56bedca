"""Command: quality."""

from __future__ import annotations

import json

import click

from saferplaces.cli.common import console, emit, format_option, open_store, store_option
from saferplaces.data.areas import resolve_area
from saferplaces.data.periods import parse_period
from saferplaces.data.quality import quality_report


@click.command("quality")
@click.option("--area", default=None, help="A force, CSP, district or ward. Default: everything held.")
@click.option("--period", default=None, help="Default: every month held. Same forms as 'counts'.")
@click.option(
    "--detail/--no-detail", default=True, show_default=True, help="Show the rows behind each warning."
)
@format_option
@store_option
def quality_command(
    area: str | None, period: str | None, detail: bool, output_format: str, store_dir: str | None
) -> None:
    """Check the data: missing months, rows without location, unknown LSOAs and more.

    Reports force-months missing in the period, rows without location, LSOAs in
    no lookup, duplicate Crime IDs, breaks in a series, and rows outside the
    force area.

    \b
    Example:
      saferplaces quality
      saferplaces quality --area Stafford --period 2025 --format json
    """
    store = open_store(store_dir).snapshot()  # one state of the store for the whole command
    con = store.connect()
    the_area = resolve_area(con, area) if area else None
    report = quality_report(store, the_area, parse_period(period) if period else None)
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
        return
    rows = [(c.check, c.status, c.count, c.summary) for c in report.checks]
    where = the_area.label if the_area else "everything held"
    emit(
        ("check", "status", "count", "summary"),
        rows,
        output_format,
        title=f"Data quality: {where}, {report.period.label}",
    )
    if detail and output_format == "table":
        for c in report.checks:
            if c.status == "warning" and c.rows:
                emit(c.columns, c.rows[:20], "table", title=f"{c.check} (first 20)")
        for line in report.assumptions:
            console.print(f"[dim]Note:[/dim] {line}", highlight=False)


COMMANDS = [quality_command]
