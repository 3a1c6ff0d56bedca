"""Commands: download police.uk data from data.police.uk into the store."""

from __future__ import annotations

import click

from saferplaces.cli.common import (
    console,
    open_store,
    progress_bar,
    say_assumptions,
    stopping_leaves_store_unchanged,
    store_option,
)
from saferplaces.data.download import BASE_URL_ENV, DEFAULT_BASE_URL, download_police_uk
from saferplaces.data.ons_population import BASE_URL_ENV as ONS_BASE_URL_ENV
from saferplaces.data.ons_population import DEFAULT_BASE_URL as ONS_DEFAULT_BASE_URL


@click.group("download")
def download_group() -> None:
    """Download published data and load it into the store.

    \b
    Example:
      saferplaces download police-uk --force staffordshire --from 2025-01 --to 2025-12
      saferplaces download ons-population
    """


@download_group.command("police-uk")
@click.option(
    "--force",
    "force",
    required=True,
    help="The police.uk force, e.g. staffordshire or 'Staffordshire Police'.",
)
@click.option("--from", "start", required=True, metavar="YYYY-MM", help="First month to fetch.")
@click.option("--to", "end", required=True, metavar="YYYY-MM", help="Last month to fetch.")
@store_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also keep the downloaded CSV files in this folder, under their police.uk names.",
)
@click.option(
    "--no-ingest", is_flag=True, default=False, help="Only download to --out; leave the store alone."
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help=f"Address of data.police.uk or a mirror. Default: ${BASE_URL_ENV}, else {DEFAULT_BASE_URL}.",
)
def police_uk_command(
    force: str,
    start: str,
    end: str,
    store_dir: str | None,
    out_dir: str | None,
    no_ingest: bool,
    base_url: str | None,
) -> None:
    """Fetch a force's street-level and outcomes files from data.police.uk and load them.

    Downloads the fewest monthly archives of data.police.uk that hold the months
    (each archive holds 36 months of every force, about 2 GB), keeps only the
    force's files for the months asked for, and loads them in one all-or-nothing
    import. If anything fails, the store is left exactly as it was. Months already
    held unchanged are left alone; months police.uk has revised are replaced.

    \b
    Example:
      saferplaces download police-uk --force staffordshire --from 2025-01 --to 2025-12
      saferplaces download police-uk --force west-midlands --from 2024-04 --to 2025-03 --store ./store
      saferplaces download police-uk --force staffordshire --from 2025-01 --to 2025-03 \\
          --out ./police-uk --no-ingest
    """
    store = None if no_ingest else open_store(store_dir)
    with stopping_leaves_store_unchanged(), progress_bar() as report:
        result = download_police_uk(
            force,
            start,
            end,
            store,
            out=out_dir,
            ingest_files=not no_ingest,
            base_url=base_url,
            progress=report,
        )
    console.print(
        f"Downloaded {result.bytes_downloaded / 1e6:,.1f} MB from "
        f"{len(result.archives)} archive(s): {result.count('street')} street-level and "
        f"{result.count('outcomes')} outcomes file(s) for {result.force}, "
        f"{result.months[0]} to {result.months[-1]}.",
        highlight=False,
    )
    if result.saved:
        console.print(f"Saved {len(result.saved)} file(s) in {result.saved[0].parent}.", highlight=False)
    if result.ingest is not None and store is not None:
        ingested = result.ingest
        for line in ingested.messages():
            console.print(line, highlight=False)
        console.print(
            f"Loaded them into {store.root}: {ingested.count('added')} force-month(s) added, "
            f"{ingested.count('replaced')} replaced, {ingested.count('unchanged')} unchanged; "
            f"{ingested.rows_written:,} rows written.",
            highlight=False,
        )
    say_assumptions(result.assumptions, "table")


@download_group.command("ons-population")
@store_option
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help=f"Address of Nomis or a mirror. Default: ${ONS_BASE_URL_ENV}, else {ONS_DEFAULT_BASE_URL}.",
)
@click.option("--no-wards", is_flag=True, help="Fetch the district estimates only.")
def ons_population_command(store_dir: str | None, base_url: str | None, no_wards: bool) -> None:
    """Fetch the latest ONS mid-year population estimates for districts and wards into the store.

    Asks Nomis (ONS's service for population statistics) for the newest mid-year
    estimates of every district in England and Wales, and of the wards of the police
    force areas the store holds, by sex and single year of age, checks them (every age
    and sex of every area, males and females adding up), and commits them to the store
    with a record of their source, as a new snapshot. Assessments of a period then use
    the newest estimate held for it and name it. ONS publishes ward estimates on 2022
    wards: a 2024 ward with the same code uses them, and the command names every ward
    that does not (those keep the bundled estimates). A failed or stopped download
    leaves what was held before.

    \b
    Example:
      saferplaces download ons-population
      saferplaces download ons-population --store ./store --no-wards
    """
    from saferplaces.data.ons_population import download_ons_population

    store = open_store(store_dir)
    with stopping_leaves_store_unchanged(), progress_bar() as report:
        result = download_ons_population(
            store, base_url=base_url, wards={} if no_wards else None, progress=report
        )
    console.print(
        f"Downloaded the ONS mid-{result.year} population estimates for {result.districts} "
        f"district(s), {result.persons:,} residents in all, by sex and single year of age "
        f"({result.bytes_downloaded / 1e6:,.1f} MB).",
        highlight=False,
    )
    console.print(f"Saved {result.table}.", highlight=False)
    if result.ward_table is not None:
        asked = len(result.wards_matched) + len(result.wards_unmatched)
        console.print(
            f"Downloaded the ONS mid-{result.ward_year} ward estimates: {len(result.wards_matched)} "
            f"of the {asked} wards held match and use them. Saved {result.ward_table}.",
            highlight=False,
        )
    say_assumptions(result.assumptions, "table")


COMMANDS = [download_group]
