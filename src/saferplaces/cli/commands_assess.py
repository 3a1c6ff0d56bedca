"""Command: assess."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.cli.common import console, open_store, progress_bar, say_assumptions, store_option


@click.command("assess")
@click.option(
    "--area",
    required=True,
    help="A force, CSP, district or ward, by code or name; or 'all' for every district "
    "of the forces held, each in its own folder.",
)
@click.option(
    "--period",
    default=None,
    help="2025, 2024/25, 2025-01..2025-04, 2025-03 or 12m-to-2025-11. Default: the latest 12 months held.",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Assess a period the store holds only in part; every figure then names the months held.",
)
@click.option(
    "--compare",
    default="previous",
    show_default=True,
    type=click.Choice(["previous", "none"]),
    help="'previous' compares with the same months a year earlier.",
)
@click.option(
    "--out",
    "out_dir",
    default="assessment",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the reports into.",
)
@click.option(
    "--format",
    "formats",
    default="html,pdf,docx,xlsx,json",
    show_default=True,
    help="Which files to write, separated by commas.",
)
@click.option(
    "--extract",
    default=None,
    help="A partner extract for the people section: a CSV file, or the name of one held.",
)
@click.option(
    "--weights",
    default=None,
    type=click.Path(dir_okay=False),
    help="A TOML file of priority-scoring weights (default: the bundled weights).",
)
@store_option
def assess_command(
    area: str,
    period: str | None,
    allow_partial: bool,
    compare: str,
    out_dir: str,
    formats: str,
    extract: str | None,
    weights: str | None,
    store_dir: str | None,
) -> None:
    """Build a strategic assessment for an area and period, as HTML, PDF, DOCX, XLSX and JSON.

    The assessment holds volumes and rates with confidence intervals, change on the
    same months a year earlier (tested on the monthly counts, adjusted across crime
    types, and set against the rest of the force), comparison with the force area, wards on
    a funnel plot, monthly control charts, concentration, harm, scored candidate
    priorities and plain-English findings, with every assumption stated.

    A period the store holds only in part (such as 2024 when only January to April
    are held) is refused unless --allow-partial is given.

    \b
    Example:
      saferplaces assess --area Stafford --out out/
      saferplaces assess --area Stafford --period 2025 --out out/
      saferplaces assess --area Lichfield --period 2024 --allow-partial
      saferplaces assess --area E23000015 --period 2025 --format html,json
      saferplaces assess --area Stafford --period 2025 --extract police-2025.csv
      saferplaces assess --area all --period 2025 --format html,pdf --out reports/
    """
    from saferplaces.reports.formats import parse_formats

    wanted = parse_formats(formats)
    if area.strip().lower() == "all":
        _assess_all(
            open_store(store_dir), period, compare, Path(out_dir), wanted, extract, weights, allow_partial
        )
        return
    with progress_bar() as report:
        from saferplaces.assessment.build import build_assessment
        from saferplaces.reports.documents import write_assessment

        store = open_store(store_dir)
        report("Building the assessment", 0, 1)
        assessment = build_assessment(
            store,
            area,
            period,
            compare=compare,
            weights_path=weights,
            extract=extract,
            allow_partial=allow_partial,
        )
        report("Building the assessment", 1, 1)
        paths = write_assessment(assessment, Path(out_dir), wanted, progress=report)
    console.print(
        f"Strategic assessment for {assessment.area.name}, {assessment.period.label}:", highlight=False
    )
    for finding in assessment.findings[:4]:
        console.print(f"  - {finding.text}", highlight=False)
    for path in paths:
        console.print(f"Wrote {path}", highlight=False)
    say_assumptions(assessment.assumptions[:3], "table")


def _assess_all(
    store,
    period: str | None,
    compare: str,
    out: Path,
    wanted: list[str],
    extract: str | None,
    weights: str | None,
    allow_partial: bool = False,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from saferplaces.assessment.build import build_assessments
    from saferplaces.data.areas import areas_within, resolve_area
    from saferplaces.data.sql import run
    from saferplaces.reports.documents import write_assessment

    con = store.connect()
    forces = [
        r[0]
        for r in run(
            con,
            "select distinct f.pfa_code from forces f where f.force in (select unnest(?))",
            [sorted(store.force_months())],
        ).fetchall()
        if r[0]
    ]
    districts = [
        a for code in forces for a in areas_within(con, resolve_area(con, code)) if a.level == "district"
    ]
    con.close()
    if not districts:
        from saferplaces.errors import InputError

        raise InputError(
            "The store holds no police.uk data, so there are no districts to assess.",
            "Run 'saferplaces demo' or 'saferplaces ingest' first.",
        )
    # every district is built from one count of the store's rows; each PDF and the Word file's
    # pictures are made on threads beside that district's other files
    with progress_bar() as report, ThreadPoolExecutor(max_workers=2, thread_name_prefix="typst") as pool:
        built_all = build_assessments(
            store,
            districts,
            period,
            compare=compare,
            weights_path=weights,
            extract=extract,
            allow_partial=allow_partial,
        )
        report("Assessing every district", 0, len(districts))
        for i, built in enumerate(built_all):
            folder = out / built.area.name.lower().replace(" ", "-")
            write_assessment(built, folder, wanted, pool=pool)
            console.print(f"Wrote {built.area.name}: {folder}", highlight=False)
            report("Assessing every district", i + 1, len(districts))


COMMANDS = [assess_command]
