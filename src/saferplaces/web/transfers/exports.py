"""Exports: a plan's actions, targets or risks as a CSV or XLSX file, one row per record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saferplaces.web.plans.models import Action, Plan, Risk
from saferplaces.web.plans.privacy import blank_private
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


def export_rows(kind: Kind, plan: Plan, *, public: bool = False) -> Export:
    """The plan's records of ``kind`` as rows, ``id`` first, in the plan's order.

    With ``public``, without what only the partnership may read (:mod:`saferplaces.web.plans.privacy`).
    """
    columns = kind.export_columns(plan)
    records = list(kind.records(plan))
    blank_private(
        public,
        risks=[r for r in records if isinstance(r, Risk)],
        actions=[a for a in records if isinstance(a, Action)],
        values=[v for t in records if hasattr(t, "entered_values") for v in t.values.all()],
    )
    return Export(
        header=["id"] + [column.header for column in columns],
        rows=[[obj.pk] + [column.export(obj) for column in columns] for obj in records],
        widths=[ID_WIDTH] + [column.width for column in columns],
    )


def export_file(kind: Kind, plan: Plan, fmt: str, *, public: bool = False) -> bytes:
    """The export as the bytes of a CSV (UTF-8 with a byte order mark) or XLSX file."""
    table = export_rows(kind, plan, public=public)
    if fmt == "csv":
        return write_csv(table.header, table.rows)
    if fmt == "xlsx":
        return write_xlsx(kind.name, table.header, table.rows, table.widths)
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")


def export_name(kind: Kind, plan: Plan, fmt: str) -> str:
    """The export's file name: partnership, plan and kind, such as lichfield-2022-2025-actions.xlsx."""
    return f"{plan.partnership.slug}-{plan.slug}-{kind.name}.{fmt}"
