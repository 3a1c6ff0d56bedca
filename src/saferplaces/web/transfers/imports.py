"""Imports: check a table of rows against a plan, then apply the changes in one transaction.

:func:`check_table` reads every row before anything is saved and returns a
:class:`Check`: either the problems (each with its row and column) or the records
the import adds and changes. :func:`apply_check` saves a check with no problems,
recording each created or changed record in the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from openpyxl.utils import get_column_letter

from saferplaces.errors import example
from saferplaces.web.audit.trail import audited_save
from saferplaces.web.plans.models import Plan
from saferplaces.web.tables import Table
from saferplaces.web.transfers.columns import CellError, Column, normal_name
from saferplaces.web.transfers.kinds import KINDS, Kind

#: The row number of a table's first row under the header, as a spreadsheet shows it.
FIRST_ROW = 2
#: An id cell: ASCII digits, few enough to be a database id.
_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import, with where it is.

    Attributes
    ----------
    message
        What is wrong and what to do, in two sentences.
    row
        The spreadsheet row (1 is the header), or None for the whole file.
    column
        The column's name, or "" when the problem is with the row or file.
    """

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Row {self.row}" if self.row else "", self.column) if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Change:
    """One field an import changes, as the check page shows it ("" for blank)."""

    column: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    """A row that adds or changes a record.

    Attributes
    ----------
    row
        The spreadsheet row it came from.
    record
        The record it changes, or None when it adds one.
    label
        Which record, for people: "Risk 12: Crime increases" or "New risk: Loss of funding".
    changes
        The fields that change (for a new record, those with a value).
    values
        Each column with the value the row gives it.
    """

    row: int
    record: models.Model | None
    label: str
    changes: tuple[Change, ...]
    values: tuple[tuple[Column, Any], ...] = field(repr=False, compare=False)

    @property
    def record_id(self) -> int | None:
        return self.record.pk if self.record is not None else None


@dataclass(frozen=True)
class Check:
    """What an import would do: problems, or the rows it adds and changes.

    Attributes
    ----------
    kind
        The kind of record the file holds.
    plan
        The plan it goes into.
    problems
        Everything wrong with the file, in row order; the import saves nothing while there are any.
    added
        Rows that add a record.
    changed
        Rows that change a record.
    unchanged
        How many rows match their record exactly.
    """

    kind: Kind
    plan: Plan
    problems: tuple[Problem, ...] = ()
    added: tuple[RowChange, ...] = ()
    changed: tuple[RowChange, ...] = ()
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def digest(self) -> str:
        """A fingerprint of the changes, to tell whether the plan moved on between check and confirm."""
        data = [
            [rc.row, rc.record_id, [[c.column, c.before, c.after] for c in rc.changes]]
            for rc in self.added + self.changed
        ]
        text = json.dumps([self.kind.name, self.plan.pk, self.unchanged, data], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _match_header(kind: Kind, plan: Plan, table: Table) -> tuple[dict[int, Column | None], list[Problem]]:
    """Which column each position holds (None for ``id``), and the header's problems."""
    fixed = kind.columns(plan)
    known: dict[str, Column | None] = {"id": None} | {normal_name(c.header): c for c in fixed}
    expected = ", ".join(["id"] + [c.header for c in fixed])
    positions: dict[int, Column | None] = {}
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for index, header in enumerate(table.header):
        letter = get_column_letter(index + 1)
        if not header:
            filled = next((n for n, row in enumerate(table.rows, FIRST_ROW) if row[index]), None)
            if filled is not None:
                problems.append(
                    Problem(
                        f"Column {letter} has no name but row {filled} has a value in it. "
                        "Give the column one of the export's names, or delete it.",
                        1,
                    )
                )
            continue
        key = normal_name(header)
        if key in seen:
            problems.append(
                Problem(
                    f"There are two '{example(header)}' columns. Delete one of them.", 1, f"column {letter}"
                )
            )
            continue
        seen[key] = header
        if key in known:
            positions[index] = known[key]
            continue
        extra = kind.extra_column(plan, header)
        if extra is None:
            problems.append(
                Problem(
                    f"'{example(header)}' is not a column of a file of {kind.name}. "
                    f"Delete it, or rename it to one of: {expected}.",
                    1,
                    f"column {letter}",
                )
            )
        else:
            positions[index] = extra
    for name in known:
        if name not in seen:
            header = "id" if known[name] is None else known[name].header
            problems.append(
                Problem(
                    f"The file has no '{header}' column. "
                    f"Use the columns of an export of {kind.name}: {expected}.",
                    1,
                )
            )
    return positions, problems


def _other_kind(kind: Kind, plan: Plan, table: Table) -> Kind | None:
    """The kind the file's header belongs to, when it is another kind than the one chosen."""
    headers = {normal_name(h) for h in table.header if h}
    if {normal_name(c.header) for c in kind.columns(plan)} <= headers:
        return None
    for other in KINDS.values():
        if other is not kind and {normal_name(c.header) for c in other.columns(plan)} <= headers:
            return other
    return None


def check_table(kind: Kind, plan: Plan, table: Table) -> Check:
    """Check every row of ``table`` as ``kind`` records of ``plan``, saving nothing.

    Rows with an ``id`` of one of the plan's records change it; rows with a blank ``id``
    add a record; blank rows are skipped.

    Returns
    -------
    Check
        The problems, or the rows that add and change records.
    """
    other = _other_kind(kind, plan, table)
    if other is not None:
        problem = Problem(
            f"The file holds {other.name}, not {kind.name}. Select '{other.label}' as what the file holds, "
            f"or choose a file of {kind.name}."
        )
        return Check(kind, plan, problems=(problem,))
    positions, problems = _match_header(kind, plan, table)
    if problems:
        return Check(kind, plan, problems=tuple(problems))
    id_at = next(index for index, column in positions.items() if column is None)
    columns = [(index, column) for index, column in positions.items() if column is not None]
    existing = {obj.pk: obj for obj in kind.records(plan)}
    first_row: dict[int, int] = {}
    added: list[RowChange] = []
    changed: list[RowChange] = []
    unchanged = 0
    for number, row in enumerate(table.rows, FIRST_ROW):
        if not any(row):
            continue
        row_problems: list[Problem] = []
        record = None
        text = row[id_at]
        if text:
            # ASCII digits only: str.isdigit() also passes "²", which int() refuses.
            if not _ID.fullmatch(text):
                row_problems.append(
                    Problem(
                        f"'{example(text)}' is not an id. Leave the id blank to add a new {kind.noun}, "
                        "or copy the id from an export of this plan.",
                        number,
                        "id",
                    )
                )
            elif int(text) in first_row:
                row_problems.append(
                    Problem(
                        f"{int(text)} is also the id on row {first_row[int(text)]}. "
                        f"Each {kind.noun} can be on one row only; delete one of the rows.",
                        number,
                        "id",
                    )
                )
            elif int(text) not in existing:
                row_problems.append(
                    Problem(
                        f"{int(text)} is not the id of {kind.article} in this plan. "
                        f"Leave the id blank to add a new {kind.noun}, "
                        "or copy the id from an export of this plan.",
                        number,
                        "id",
                    )
                )
            else:
                record = existing[int(text)]
                first_row[record.pk] = number
        values: list[tuple[Column, Any]] = []
        for index, column in columns:
            try:
                values.append((column, column.parse(row[index])))
            except CellError as error:
                row_problems.append(Problem(str(error), number, column.header))
        if row_problems:
            problems.extend(row_problems)
            continue
        if record is None:
            main = next((value for column, value in values if column.header == kind.main), "")
            added.append(
                RowChange(
                    row=number,
                    record=None,
                    label=f"New {kind.noun}: {_short(main)}" if main else f"New {kind.noun}",
                    changes=tuple(
                        Change(column.header, "", column.display(value))
                        for column, value in values
                        if value not in ("", None)
                    ),
                    values=tuple(values),
                )
            )
            continue
        changes = tuple(
            Change(column.header, column.display(column.current(record)), column.display(value))
            for column, value in values
            if not column.same(column.current(record), value)
        )
        if not changes:
            unchanged += 1
            continue
        changed.append(
            RowChange(
                row=number,
                record=record,
                label=f"{kind.noun.capitalize()} {record.pk}: {_short(str(record))}",
                changes=changes,
                values=tuple(values),
            )
        )
    if not problems and not (added or changed or unchanged):
        problems.append(
            Problem(
                f"The file has no rows under its header. Add a row for each {kind.noun}, "
                "or choose another file."
            )
        )
    if problems:
        return Check(kind, plan, problems=tuple(problems))
    return Check(kind, plan, added=tuple(added), changed=tuple(changed), unchanged=unchanged)


def apply_check(check: Check, user: AbstractBaseUser | AnonymousUser | None, *, via: str) -> int:
    """Save the records a check adds and changes, all in one transaction, each one audited.

    Parameters
    ----------
    check
        A check with no problems, made in the same transaction (see :func:`check_and_apply`).
    user
        Who is importing, for the audit trail.
    via
        Where the change came from, for the audit trail: "import risks.xlsx".

    Returns
    -------
    int
        How many records were saved, counting target values.
    """
    if not check.ok:
        raise ValueError("A check with problems cannot be applied.")

    saved = 0

    def save(obj: models.Model) -> None:
        nonlocal saved
        if audited_save(user, obj, via=via) is not None:
            saved += 1

    with transaction.atomic():
        for row in sorted(check.added + check.changed, key=lambda row: row.row):
            stored = row.record
            obj = (
                check.kind.new(check.plan)
                if stored is None
                else type(stored)._default_manager.get(pk=stored.pk)
            )
            for column, value in row.values:
                # Only what differs: 966 and the stored 966.000 are one value, not a change to record.
                if stored is None or not column.same(column.current(obj), value):
                    column.assign(obj, value)
            check.kind.place(obj, stored)
            save(obj)
            for column, value in row.values:
                column.after_save(obj, value, save)
    return saved


def check_and_apply(
    kind: Kind,
    plan: Plan,
    table: Table,
    user: AbstractBaseUser | AnonymousUser | None,
    *,
    via: str,
    expected: str | None = None,
) -> tuple[Check, bool]:
    """Check ``table`` again and, when it has no problems and its digest is ``expected``, apply it.

    The check and the saving share one transaction, so the changes saved are the ones checked.

    Returns
    -------
    (Check, bool)
        The fresh check, and True when it was applied.
    """
    with transaction.atomic():
        check = check_table(kind, plan, table)
        if not check.ok or (expected is not None and check.digest != expected):
            return check, False
        apply_check(check, user, via=via)
        return check, True
