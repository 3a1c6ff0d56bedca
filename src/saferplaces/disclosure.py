"""Disclosure control for published counts: primary and secondary cell suppression.

A published table is a set of named cells (counts) tied together by additive
relations: a total equals the sum of its parts (a ward's crimes are the sum of its
crime types; the area's crimes are the sum of its wards'). A count of 1 to 4 is
suppressed (*primary* suppression). Because the relations are published too, a
suppressed cell could be worked out from the cells around it, so further cells are
suppressed (*secondary* suppression) until no suppressed cell has a single possible
value given everything published: the attacker's best linear programme, with every
count at least zero, still leaves each suppressed cell a range of two or more whole
numbers.

Zero is published: it describes nobody. Rates, intervals and comparisons made from a
suppressed count are suppressed with it (the page says "fewer than 5" or "not shown").

The rules, and the ONS and Government Statistical Service guidance they follow, are in
``docs/disclosure-control.md``.

References
----------
Office for National Statistics (2024), Statistical Disclosure Control guidance
(Government Statistical Service); Hundepool A. et al. (2012), Statistical Disclosure
Control, Wiley, chapter 4 (cell suppression in tabular data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from saferplaces.errors import InputError

#: Counts from 1 up to (not including) this number are never published.
SMALLEST_PUBLISHED_COUNT = 5

#: What a page shows in place of a suppressed count.
SUPPRESSED_TEXT = f"fewer than {SMALLEST_PUBLISHED_COUNT}"


@dataclass(frozen=True)
class Relation:
    """``total`` is the sum of ``parts`` (cell names), and both are published."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class SuppressedTable:
    """Counts ready to publish.

    Attributes
    ----------
    published
        Each cell's count, or None where it is suppressed.
    primary
        Cells suppressed because they count 1 to 4.
    secondary
        Cells suppressed so that no primary cell can be worked out from the others.
    assumptions
        Sentences describing the rule applied.
    """

    published: Mapping[str, int | None]
    primary: frozenset[str]
    secondary: frozenset[str]
    assumptions: tuple[str, ...] = field(default=())

    @property
    def suppressed(self) -> frozenset[str]:
        return self.primary | self.secondary

    def value(self, cell: str) -> int | None:
        return self.published[cell]


def is_small(count: int, threshold: int = SMALLEST_PUBLISHED_COUNT) -> bool:
    """True for a count that must not be published (1 up to ``threshold`` - 1)."""
    return 0 < count < threshold


def _check(cells: Mapping[str, int], relations: Sequence[Relation]) -> None:
    for name, value in cells.items():
        if int(value) != value or value < 0:
            raise InputError(
                f"The count for '{name}' is {value!r}, which is not a whole number of zero or more.",
                "Give every cell of the table as a count.",
            )
    for r in relations:
        missing = [c for c in (r.total, *r.parts) if c not in cells]
        if missing:
            raise InputError(
                f"The relation for '{r.total}' names cells that are not in the table: {', '.join(missing)}.",
                "Give every cell a relation names.",
            )
        if sum(cells[p] for p in r.parts) != cells[r.total]:
            raise InputError(
                f"The parts of '{r.total}' add up to {sum(cells[p] for p in r.parts)}, "
                f"not to its count of {cells[r.total]}.",
                "Check that the total and its parts were counted from the same rows.",
            )


def feasible_ranges(
    published: Mapping[str, int | None], relations: Sequence[Relation]
) -> dict[str, tuple[float, float]]:
    """The attacker's view: the smallest and largest value each suppressed cell can take.

    Solves two linear programmes per suppressed cell: minimise and maximise it subject to
    every published relation and every count being zero or more. A cell whose range is a
    single value has been disclosed. This is what :func:`suppress` defends against, and
    what the tests use to attack the published tables.
    """
    unknown = sorted(c for c, v in published.items() if v is None)
    if not unknown:
        return {}
    index = {c: i for i, c in enumerate(unknown)}
    rows, rhs = [], []
    for r in relations:
        row = np.zeros(len(unknown))
        constant = 0.0
        for cell, sign in ((r.total, 1.0), *((p, -1.0) for p in r.parts)):
            if published[cell] is None:
                row[index[cell]] += sign
            else:
                constant += sign * float(published[cell])
        if row.any():
            rows.append(row)
            rhs.append(-constant)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    ranges: dict[str, tuple[float, float]] = {}
    for cell, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        lower = float(low.x[i]) if low.status == 0 else 0.0
        upper = float(high.x[i]) if high.status == 0 else float("inf")
        ranges[cell] = (lower, upper)
    return ranges


def _disclosed(published: Mapping[str, int | None], relations: Sequence[Relation]) -> list[str]:
    return sorted(c for c, (lo, hi) in feasible_ranges(published, relations).items() if hi - lo < 1 - 1e-9)


def suppress(
    cells: Mapping[str, int],
    relations: Sequence[Relation] = (),
    threshold: int = SMALLEST_PUBLISHED_COUNT,
) -> SuppressedTable:
    """Suppress the small counts of a table, and enough others that none can be worked out.

    Parameters
    ----------
    cells
        Every count to be published, by a name unique in the table.
    relations
        Every published sum: a total and the cells it adds up.
    threshold
        Counts from 1 to ``threshold - 1`` are suppressed.

    Returns
    -------
    SuppressedTable

    Notes
    -----
    Secondary cells are chosen greedily: for a suppressed cell whose value could be worked
    out, the smallest published count that shares a relation with it is suppressed too
    (a part before a total, so the table keeps its totals; a non-zero count before a
    zero, which protects nothing). The check is repeated until every suppressed cell has
    a range of at least two whole numbers. Greedy choice may suppress more than the
    fewest cells possible; it never suppresses too few.

    Examples
    --------
    >>> t = suppress({"a": 3, "b": 10, "c": 12, "total": 25}, [Relation("total", ("a", "b", "c"))])
    >>> sorted(t.primary), sorted(t.secondary)
    (['a'], ['b'])
    """
    _check(cells, relations)
    primary = frozenset(c for c, v in cells.items() if is_small(int(v), threshold))
    published: dict[str, int | None] = {c: (None if c in primary else int(v)) for c, v in cells.items()}
    totals = {r.total for r in relations}
    neighbours: dict[str, set[str]] = {c: set() for c in cells}
    for r in relations:
        members = (r.total, *r.parts)
        for m in members:
            neighbours[m].update(x for x in members if x != m)
    secondary: set[str] = set()
    while True:
        exposed = _disclosed(published, relations) if published and primary else []
        if not exposed:
            break
        cell = exposed[0]
        candidates = [c for c in neighbours[cell] if published[c] is not None]
        if not candidates:  # every neighbour is suppressed yet the cell is pinned: widen the search
            candidates = [c for c in published if published[c] is not None]
        choice = min(candidates, key=lambda c: (c in totals, cells[c] == 0, cells[c], c))
        published[choice] = None
        secondary.add(choice)
    assumptions = (
        f"Counts of 1 to {threshold - 1} are not published; they show as '{SUPPRESSED_TEXT}'.",
    )
    if secondary:
        assumptions += (
            f"{len(secondary)} other count(s) are not shown either, so that the hidden counts "
            "cannot be worked out from the totals.",
        )
    return SuppressedTable(published, primary, frozenset(secondary), assumptions)
