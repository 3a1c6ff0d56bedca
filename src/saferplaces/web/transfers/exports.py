"""Exports: a plan's actions, targets or risks as a CSV or XLSX file, one row per record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saferplaces.web.plans.models import Plan
from saferplaces.web.tables import write_csv, write_xlsx
from saferplaces.web.transfers.kinds import Kind

#: The formats an export comes in, with their content types.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ID_WIDTH = 8


@dataclass(frozen=True)
class Export:
    """What an export holds: the header, the rows (Python values, None for blank) and column widths."""

    header: list[str]
    rows: list[list[Any]]
    widths: list[int]


def export_rows(kind: Kind, plan: Plan) -> Export:
    """The plan's records of ``kind`` as rows, ``id`` first, in the plan's order."""
    columns = kind.export_columns(plan)
    return Export(
        header=["id"] + [column.header for column in columns],
        rows=[[obj.pk] + [column.export(obj) for column in columns] for obj in kind.records(plan)],
        widths=[ID_WIDTH] + [column.width for column in columns],
    )


def export_file(kind: Kind, plan: Plan, fmt: str) -> bytes:
    """The export as the bytes of a CSV (UTF-8 with a byte order mark) or XLSX file."""
    table = export_rows(kind, plan)
    if fmt == "csv":
        return write_csv(table.header, table.rows)
    if fmt == "xlsx":
        return write_xlsx(kind.name, table.header, table.rows, table.widths)
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")


def export_name(kind: Kind, plan: Plan, fmt: str) -> str:
    """The export's file name: partnership, plan and kind, such as lichfield-2022-2025-actions.xlsx."""
    return f"{plan.partnership.slug}-{plan.slug}-{kind.name}.{fmt}"
