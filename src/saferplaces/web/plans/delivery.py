"""The delivery plan table as rows: one per action, for the page and its CSV and XLSX exports."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from saferplaces.web.plans.models import Action, Plan, ProgressUpdate
from saferplaces.web.tables import write_csv


@dataclass(frozen=True)
class DeliveryRow:
    """One action as the delivery plan table shows it."""

    action: Action
    latest: ProgressUpdate | None
    overdue: bool

    def values(self) -> list[object]:
        """The row's cells for an export, in :data:`EXPORT_HEADERS` order (dates as dates)."""
        a, latest = self.action, self.latest
        return [
            a.priority.title,
            a.action,
            a.outcome,
            a.data_measure,
            a.lead_organisation.name if a.lead_organisation else "",
            a.lead_officer,
            a.board.name if a.board else "",
            a.due_date,
            a.get_rag_display() if a.rag else "",
            latest.date if latest else None,
            latest.text if latest else "",
            latest.author if latest else "",
        ]


#: The exports' header row.
EXPORT_HEADERS = (
    "Priority",
    "Action",
    "Intended outcome",
    "Data measure",
    "Lead organisation",
    "Lead officer",
    "Board",
    "Due date",
    "RAG status",
    "Latest update date",
    "Latest update",
    "Latest update by",
)
_DATE_COLUMNS = {EXPORT_HEADERS.index("Due date"), EXPORT_HEADERS.index("Latest update date")}


def plan_actions(plan: Plan) -> QuerySet[Action]:
    """Every action in ``plan``, in plan order, with what the table needs fetched with it."""
    return (
        Action.objects.filter(priority__plan=plan)
        .select_related("priority__plan__partnership", "lead_organisation", "board")
        .prefetch_related(Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-date", "-id")))
        .order_by("priority__order", "priority_id", "order", "id")
    )


def delivery_rows(actions: QuerySet[Action], today: dt.date) -> list[DeliveryRow]:
    """A row per action, with its latest update (latest date, then latest entered)."""
    rows = []
    for action in actions:
        updates = list(action.updates.all())
        overdue = action.due_date is not None and action.due_date < today
        rows.append(DeliveryRow(action, updates[0] if updates else None, overdue))
    return rows


def rows_csv(rows: list[DeliveryRow]) -> bytes:
    """The rows as CSV with a header row; dates as YYYY-MM-DD (see :func:`write_csv`)."""
    return write_csv(EXPORT_HEADERS, [row.values() for row in rows])


def rows_xlsx(rows: list[DeliveryRow], title: str) -> bytes:
    """The rows as an Excel workbook: a bold, frozen header row, dates stored as dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Delivery plan"
    sheet.append(EXPORT_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row.values())
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                # openpyxl takes text starting "=" for a formula; partners' words stay words.
                cell.data_type = "s"
    for column in _DATE_COLUMNS:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "d mmm yyyy"
    for column_cells in sheet.columns:
        letter = column_cells[0].column_letter
        index = column_cells[0].column - 1
        sheet.column_dimensions[letter].width = 14 if index in _DATE_COLUMNS else 40
        for cell in column_cells[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
