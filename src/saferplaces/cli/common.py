"""What every command shares: the store option, output formats, progress bars and errors."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from saferplaces.data.store import Store
from saferplaces.data.store_location import resolve_store_dir
from saferplaces.reports.csv_cells import write_safe_csv

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

FORMATS = ("table", "csv", "json")


def store_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--store DIR`` (else $SAFERPLACES_HOME, else a per-user folder)."""
    return click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Folder of the data store. Default: $SAFERPLACES_HOME, else a per-user data folder.",
    )(func)


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="How to print the result.",
    )(func)


def open_store(store_dir: str | None) -> Store:
    return Store(resolve_store_dir(store_dir))


@contextmanager
def progress_bar() -> Iterator[Callable[[str, float, float], None]]:
    """A rich progress bar on stderr, fed by the library's progress callback."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def report(step: str, done: float, total: float) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total or 1)
        bar.update(tasks[step], completed=done, total=total or 1)

    with bar:
        yield report


def emit(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    output_format: str,
    title: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Print rows as a table, CSV or JSON (JSON carries ``extra`` beside the rows)."""
    if output_format == "csv":
        buffer = io.StringIO()
        write_safe_csv(buffer, columns, rows)  # text starting like a formula goes behind an apostrophe
        click.echo(buffer.getvalue(), nl=False)
    elif output_format == "json":
        payload = dict(extra or {})
        payload["rows"] = [dict(zip(columns, r, strict=True)) for r in rows]
        click.echo(json.dumps(payload, indent=2, default=str))
    else:
        table = Table(title=title, title_justify="left")
        for col in columns:
            numeric = bool(rows) and all(isinstance(r[columns.index(col)], int | float) for r in rows)
            table.add_column(col.replace("_", " "), justify="right" if numeric else "left")
        # a count reads 1,234; a year (a column named "year" or "..._year") reads 2021
        grouped = [not (c == "year" or c.endswith("_year")) for c in columns]
        for row in rows:
            table.add_row(
                *[
                    f"{v:,}" if group and isinstance(v, int) and not isinstance(v, bool) else str(v)
                    for v, group in zip(row, grouped, strict=True)
                ]
            )
        console.print(table)


def say_assumptions(assumptions: Sequence[str], output_format: str) -> None:
    """Print the stated assumptions (to stderr for csv/json so the data stays clean)."""
    if not assumptions:
        return
    target = console if output_format == "table" else err_console
    for line in assumptions:
        target.print(f"[dim]Note:[/dim] {line}", highlight=False)


#: What Ctrl+C during an import prints (exit status 130, as shells use for SIGINT).
STOPPED_UNCHANGED = "Stopped; the store is unchanged."


@contextmanager
def stopping_leaves_store_unchanged() -> Iterator[None]:
    """Turn Ctrl+C during an import into one line saying the store is unchanged, and exit 130.

    Imports are all or nothing: an interrupted one leaves the store as it was.
    """
    try:
        yield
    except KeyboardInterrupt:
        click.echo(STOPPED_UNCHANGED, err=True)  # not an error: the user asked to stop
        sys.exit(130)


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    sys.exit(code)
