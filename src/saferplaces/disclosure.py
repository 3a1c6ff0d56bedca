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
from saferplaces.wording import counted

try:  # the registry of analytic defaults (saferplaces.defaults) holds the threshold where it exists
    from saferplaces.defaults import DEFAULTS as _DEFAULTS

    _THRESHOLD = int(_DEFAULTS.suppression_threshold)
except ImportError:  # a tree without the registry: the same value
    _THRESHOLD = 5

#: Counts from 1 up to (not including) this number are never published.
SMALLEST_PUBLISHED_COUNT = _THRESHOLD

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


def _matrix(
    published: Mapping[str, int | None], relations: Sequence[Relation]
) -> tuple[list[str], np.ndarray]:
    """The relations as equations in the suppressed cells only (published cells are constants)."""
    unknown = sorted(c for c, v in published.items() if v is None)
    index = {c: i for i, c in enumerate(unknown)}
    rows = []
    for r in relations:
        row = np.zeros(len(unknown))
        for cell, sign in ((r.total, 1.0), *((p, -1.0) for p in r.parts)):
            if published[cell] is None:
                row[index[cell]] += sign
        if row.any():
            rows.append(row)
    return unknown, (np.array(rows) if rows else np.zeros((0, len(unknown))))


def _pinned(
    published: Mapping[str, int | None], relations: Sequence[Relation], cells: Mapping[str, int]
) -> list[str]:
    """Suppressed cells whose value the published cells and relations fix.

    A suppressed cell with a count of one or more can move both ways, keeping every count
    at zero or more, exactly when some solution of the relations' homogeneous equations
    moves it: when its column of the null space is not zero. A suppressed zero sits on its
    lower bound, so it is checked with the attacker's linear programmes instead.
    """
    unknown, a = _matrix(published, relations)
    if not unknown:
        return []
    if a.shape[0] == 0:
        free = np.ones(len(unknown), dtype=bool)
    else:
        _, singular, vt = np.linalg.svd(a, full_matrices=True)
        rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0.0))).sum())
        null = vt[rank:]
        free = np.abs(null).max(axis=0) > 1e-9 if null.size else np.zeros(len(unknown), dtype=bool)
    pinned = [c for c, ok in zip(unknown, free, strict=True) if not ok]
    zeros = [c for c, ok in zip(unknown, free, strict=True) if ok and cells[c] == 0]
    if zeros:
        ranges = feasible_ranges(published, relations)
        pinned += [c for c in zeros if ranges[c][1] - ranges[c][0] < 1 - 1e-9]
    return sorted(pinned)


def _lone(published: Mapping[str, int | None], relations: Sequence[Relation]) -> list[Relation]:
    """Relations with exactly one suppressed member: that member is their difference."""
    return [r for r in relations if sum(published[c] is None for c in (r.total, *r.parts)) == 1]


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

    def complement(candidates: list[str]) -> None:
        open_ = [c for c in candidates if published[c] is not None]
        if not open_:  # every neighbour is suppressed yet the cell is pinned: widen the search
            open_ = [c for c in published if published[c] is not None]
        choice = min(open_, key=lambda c: (c in totals, cells[c] == 0, cells[c], c))
        published[choice] = None
        secondary.add(choice)

    # first the quick rule: no relation may have a single hidden member ...
    while primary and (lone := _lone(published, relations)):
        r = lone[0]
        complement([c for c in (r.total, *r.parts) if published[c] is not None])
    # ... then the full check, on every relation at once
    while primary and (pinned := _pinned(published, relations, cells)):
        complement(sorted(neighbours[pinned[0]]))
    assumptions = (f"Counts of 1 to {threshold - 1} are not published; they show as '{SUPPRESSED_TEXT}'.",)
    if secondary:
        assumptions += (
            f"{counted(len(secondary), 'other count')} "
            f"{'is' if len(secondary) == 1 else 'are'} not shown either, so that the hidden counts "
            "cannot be worked out from the totals.",
        )
    return SuppressedTable(published, primary, frozenset(secondary), assumptions)
