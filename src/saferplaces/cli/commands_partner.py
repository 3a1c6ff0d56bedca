"""Commands over partner extracts: extract ingest, extract list, synth."""

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
from saferplaces.data.partner import ingest_extract, list_extracts
from saferplaces.data.synth import synthesise_extract


@click.group("extract")
def extract_group() -> None:
    """Load and list partner extracts (local police or partner CSV files).

    A partner extract adds what police.uk lacks: flags such as domestic-related,
    and pseudonymised victim, offender and location identifiers. The format is in
    docs/partner-extract.md. Extracts stay in the partner-only store.

    \b
    Example:
      saferplaces extract ingest police-2025.csv --name police-2025
      saferplaces extract list
    """


@extract_group.command("ingest")
@click.argument("path", type=click.Path())
@click.option(
    "--name", required=True, help="The extract's name in the store: lower-case letters, digits, - and _."
)
@store_option
def extract_ingest_command(path: str, name: str, store_dir: str | None) -> None:
    """Load a partner extract CSV (plain or .gz) into the store as NAME.

    The file is checked first: every error names the line, the column and the
    bad value, and leaves the store exactly as it was. Coordinates are placed in
    LSOAs; every row is mapped to ward, district, CSP and force. Loading the same
    file again changes nothing; a different file under the same name replaces it.

    \b
    Example:
      saferplaces extract ingest police-2025.csv --name police-2025
      saferplaces extract ingest extract-synthetic.csv.gz --name demo --store ./store
    """
    store = open_store(store_dir)
    with stopping_leaves_store_unchanged(), progress_bar() as report:
        result = ingest_extract(path, store, name, progress=report)
    for line in result.messages():
        console.print(line, highlight=False)
    say_assumptions(result.assumptions, "table")


@extract_group.command("list")
@format_option
@store_option
def extract_list_command(output_format: str, store_dir: str | None) -> None:
    """List the partner extracts held in the store.

    \b
    Example:
      saferplaces extract list
      saferplaces extract list --format csv --store ./store
    """
    rows = [
        (e.name, e.source, e.rows, "yes" if e.synthetic else "no", e.ingested_at)
        for e in list_extracts(open_store(store_dir))
    ]
    if not rows and output_format == "table":
        console.print(
            "The store holds no partner extracts. Load one with "
            "'saferplaces extract ingest FILE --name NAME'.",
            highlight=False,
        )
        return
    emit(
        ("name", "source", "rows", "synthetic", "ingested_at"), rows, output_format, title="Partner extracts"
    )


@click.command("synth")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Output file: .csv, .csv.gz or .parquet, with 'synthetic' in its name.",
)
@click.option(
    "--area", default=None, help="Calibrate on this force, CSP, district or ward. Default: all data held."
)
@click.option("--from", "start", default=None, metavar="YYYY-MM", help="First month.")
@click.option(
    "--to",
    "end",
    default=None,
    metavar="YYYY-MM",
    help="Last month. Default: the 12 months to the latest month held.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Random seed: the same seed gives the same file, byte for byte.",
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=float,
    help="Multiply the real volumes (100 gives a benchmark-sized file).",
)
@click.option(
    "--location",
    type=click.Choice(("lsoa", "wgs84", "bng")),
    default="lsoa",
    show_default=True,
    help="Location columns: lsoa_code, longitude/latitude or easting/northing.",
)
@store_option
def synth_command(
    out_path: str,
    area: str | None,
    start: str | None,
    end: str | None,
    seed: int,
    scale: float,
    location: str,
    store_dir: str | None,
) -> None:
    """Write a synthetic partner extract calibrated on the police.uk data in the store.

    Volumes follow the real counts by LSOA, month and crime type, with the real
    seasonal pattern; repeat victims, offenders and places, flags (domestic,
    alcohol, hate, VAWG, youth) and victim details are drawn at documented
    rates. Every row has synthetic=true. For demos, tests and benchmarks only.

    \b
    Example:
      saferplaces synth --out extract-synthetic.csv.gz
      saferplaces synth --out stafford-synthetic.csv --area Stafford --from 2025-01 --to 2025-12
      saferplaces synth --out bench-synthetic.parquet --scale 100 --seed 7
    """
    store = open_store(store_dir)
    with progress_bar() as report:
        result = synthesise_extract(
            store,
            out_path,
            start=start,
            end=end,
            area=area,
            seed=seed,
            scale=scale,
            location=location,
            progress=report,
        )
    console.print(
        f"Wrote {result.rows:,} synthetic rows for {result.area_label}, {result.start} to "
        f"{result.end}, to {result.path} in {result.seconds:.1f} s "
        f"({result.rows_per_second:,.0f} rows a second).",
        highlight=False,
    )
    say_assumptions(result.assumptions, "table")


COMMANDS = [extract_group, synth_command]
