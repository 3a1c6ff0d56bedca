"""Command: assess."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.cli.common import console, open_store, progress_bar, say_assumptions, store_option


@click.command("assess")
@click.option("--area", required=True, help="A force, CSP, district or ward, by code or name.")
@click.option("--period", required=True,
              help="2025, 2024/25, 2025-01..2025-04, 2025-03 or 12m-to-2025-11.")
@click.option("--compare", default="previous", show_default=True,
              type=click.Choice(["previous", "none"]),
              help="'previous' compares with the same months a year earlier.")
@click.option("--out", "out_dir", default="assessment", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write the reports into.")
@click.option("--format", "formats", default="html,pdf,docx,xlsx,json", show_default=True,
              help="Which files to write, separated by commas.")
@click.option("--extract", default=None,
              help="A partner extract for the people section: a CSV file, or the name of one held.")
@click.option("--weights", default=None, type=click.Path(dir_okay=False),
              help="A TOML file of priority-scoring weights (default: the bundled weights).")
@store_option
def assess_command(area: str, period: str, compare: str, out_dir: str, formats: str,
                   extract: str | None, weights: str | None, store_dir: str | None) -> None:
    """Build a strategic assessment for an area and period, as HTML, PDF, DOCX, XLSX and JSON.

    The assessment holds volumes and rates with confidence intervals, change on a
    year earlier with its significance, comparison with the force area, wards on
    a funnel plot, monthly control charts, concentration, harm, scored candidate
    priorities and plain-English findings, with every assumption stated.

    \b
    Example:
      saferplaces assess --area Stafford --period 2025 --out out/
      saferplaces assess --area E23000015 --period 2025 --format html,json
      saferplaces assess --area Stafford --period 2025 --extract police-2025.csv
    """
    from saferplaces.assessment.build import build_assessment
    from saferplaces.reports.documents import parse_formats, write_assessment

    wanted = parse_formats(formats)
    store = open_store(store_dir)
    with progress_bar() as report:
        report("Building the assessment", 0, 1)
        assessment = build_assessment(store, area, period, compare=compare, weights_path=weights,
                                      extract=extract)
        report("Building the assessment", 1, 1)
        paths = write_assessment(assessment, Path(out_dir), wanted, progress=report)
    console.print(f"Strategic assessment for {assessment.area.name}, {assessment.period.label}:",
                  highlight=False)
    for finding in assessment.findings[:4]:
        console.print(f"  - {finding.text}", highlight=False)
    for path in paths:
        console.print(f"Wrote {path}", highlight=False)
    say_assumptions(assessment.assumptions[:3], "table")


COMMANDS = [assess_command]
