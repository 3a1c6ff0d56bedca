"""Commands over the data store: ingest, areas, counts, quality, demo."""

from __future__ import annotations

import click

from saferplaces.cli.common import (
    console,
    emit,
    format_option,
    open_store,
    progress_bar,
    say_assumptions,
    stopping_leaves_store_unchanged,
    store_option,
)
from saferplaces.data.areas import areas_within, resolve_area
from saferplaces.data.counts import BY_CHOICES, counts
from saferplaces.data.ingest import ingest
from saferplaces.data.periods import parse_period
from saferplaces.data.population import population
from saferplaces.data.summary import store_summary


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--force",
    "forces",
    multiple=True,
    help="Read only this police.uk force's files (slug or name; give it again for more). "
    "For the national archive, which holds every force.",
)
@store_option
def ingest_command(paths: tuple[str, ...], forces: tuple[str, ...], store_dir: str | None) -> None:
    """Load police.uk street-level and outcomes files into the store.

    PATHS are CSV files (plain or gzip), folders of them, or the zip archives
    data.police.uk hands out; what a file is comes from its first bytes, not its
    name. An import is all or nothing: if any file is bad, the store is left
    exactly as it was. Ingesting the same file twice changes nothing; a different
    file for a force and month already held replaces it. The summary names the
    force-months added and replaced. Files whose name and rows disagree (month or
    force), months before December 2010 or after this month, and compressed files
    beyond the size limits are refused; see docs/data-store.md, "Input checks".
    With --force, files of other forces are passed over unread.

    \b
    Example:
      saferplaces ingest 2025-01-staffordshire-street.csv.gz
      saferplaces ingest ~/Downloads/police-data/ --store ./store
      saferplaces ingest ~/Downloads/2025-12.zip --force staffordshire
    """
    store = open_store(store_dir)
    with stopping_leaves_store_unchanged(), progress_bar() as report:
        result = ingest(paths, store, progress=report, forces=forces)
    for line in result.messages():
        console.print(line, highlight=False)
    console.print(
        f"Read {result.files} file(s) into {store.root}: {result.count('added')} force-month(s) "
        f"added, {result.count('replaced')} replaced, {result.count('unchanged')} unchanged; "
        f"{result.rows_written:,} rows written.",
        highlight=False,
    )


@click.command("areas")
@click.option("--within", default=None, help="List the areas inside this force, CSP or district.")
@click.option("--year", default=2025, show_default=True, type=int, help="Population year.")
@format_option
@store_option
def areas_command(within: str | None, year: int, output_format: str, store_dir: str | None) -> None:
    """List police force areas, CSPs, districts and wards, with codes and populations.

    Without --within, lists the police force areas of England and Wales. Areas can be
    named by code or by name.

    \b
    Example:
      saferplaces areas
      saferplaces areas --within E23000015
      saferplaces areas --within Stafford --format csv
    """
    con = open_store(store_dir).connect()
    parent = resolve_area(con, within) if within else None
    rows, notes = [], set()
    for area in areas_within(con, parent):
        try:
            pop = population(con, area, year)
            value, pop_year, estimate = pop.value, pop.year, pop.estimate
        except Exception:  # noqa: BLE001 - an area without an estimate still lists
            value, pop_year, estimate = None, None, ""
        if pop_year and pop_year != year:
            which = "nearest earlier" if pop_year < year else "earliest"
            notes.add(
                f"Populations for {area.level}s use the {which} estimate held, ONS {estimate}: "
                f"none is for {year}."
            )
        rows.append(
            (
                area.level,
                area.code,
                area.name,
                area.parent_code or "",
                area.parent_name or "",
                value if value is not None else "",
                pop_year or "",
            )
        )
    title = f"Areas within {parent.label}" if parent else "Police force areas"
    emit(
        ("level", "code", "name", "parent_code", "parent_name", "population", "population_year"),
        rows,
        output_format,
        title=title,
    )
    say_assumptions(sorted(notes), output_format)


@click.command("counts")
@click.option("--area", required=True, help="A force, CSP, district or ward, by code or name.")
@click.option("--period", required=True, help="2025, 2024/25, 2025-01..2025-04, 2025-03 or 12m-to-2025-11.")
@click.option("--by", "by", type=click.Choice(BY_CHOICES), default="crime-type", show_default=True)
@format_option
@store_option
def counts_command(area: str, period: str, by: str, output_format: str, store_dir: str | None) -> None:
    """Count crimes and ASB in the store for an area and period.

    ASB is counted as the crime type "Anti-social behaviour". Rows are placed by
    where they happened (their LSOA).

    \b
    Example:
      saferplaces counts --area Stafford --period 2025 --by crime-type --format csv
      saferplaces counts --area E23000015 --period 12m-to-2025-11 --by month
    """
    store = open_store(store_dir).snapshot()  # one state of the store for the whole command
    con = store.connect()
    the_area = resolve_area(con, area)
    the_period = parse_period(period)
    result = counts(store, con, the_area, the_period, by)
    emit(
        result.columns,
        result.rows,
        output_format,
        title=f"{the_area.label}, {the_period.label}: {result.total:,} in all",
        extra={
            "area": {"code": the_area.code, "name": the_area.name, "level": the_area.level},
            "period": {"start": the_period.start, "end": the_period.end, "label": the_period.label},
            "total": result.total,
            "snapshot_id": store.id,
            "assumptions": list(result.assumptions),
        },
    )
    say_assumptions(result.assumptions, output_format)


@click.command("demo")
@click.option(
    "--reports",
    "reports_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder for the Stafford assessment. Default: 'reports' in the store folder.",
)
@click.option(
    "--assessment/--no-assessment",
    default=True,
    show_default=True,
    help="Also build the Stafford 2025 strategic assessment.",
)
@store_option
def demo_command(reports_dir: str | None, assessment: bool, store_dir: str | None) -> None:
    """Load the bundled Staffordshire data, summarise the store and build an assessment.

    The bundled data are the 22 months of Staffordshire Police street-level
    crime and ASB shipped with Safer Places (see SOURCES.md). The demo then
    builds the strategic assessment for Stafford, calendar year 2025, in HTML,
    PDF, DOCX, XLSX and JSON.

    \b
    Example:
      saferplaces demo
      saferplaces demo --store /tmp/demo-store --no-assessment
    """
    from saferplaces.data.bundled_files import ATTRIBUTION, police_uk_months

    store = open_store(store_dir)
    with stopping_leaves_store_unchanged(), progress_bar() as report:
        result = ingest([str(p) for p in police_uk_months()], store, progress=report)
    console.print(
        f"Loaded {result.files} months of bundled police.uk data into {store.root} "
        f"({result.count('added')} added, {result.count('replaced')} replaced, "
        f"{result.count('unchanged')} already held).",
        highlight=False,
    )
    summary = store_summary(store)
    for block in summary.blocks:
        emit(block.columns, block.rows, "table", title=block.title)
    say_assumptions(summary.assumptions, "table")
    if assessment:
        from pathlib import Path

        from saferplaces.assessment.build import build_assessment
        from saferplaces.reports.documents import write_assessment

        out = Path(reports_dir) if reports_dir else store.root / "reports" / "stafford-2025"
        with progress_bar() as report:
            report("Building the Stafford assessment", 0, 1)
            built = build_assessment(store, "Stafford", "2025")
            report("Building the Stafford assessment", 1, 1)
            paths = write_assessment(built, out, progress=report)
        console.print(
            f"Strategic assessment for Stafford, calendar year 2025: "
            f"{paths[0].parent}/assessment.{{html,pdf,docx,xlsx,json}}",
            highlight=False,
        )
    console.print(f"[dim]{ATTRIBUTION}[/dim]", highlight=False)


COMMANDS = [ingest_command, areas_command, counts_command, demo_command]
