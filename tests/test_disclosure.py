"""Disclosure control: small counts are hidden, and the attacker cannot work them out from the totals.

The attacker here is the test's own: it writes every published sum as a linear equation,
treats each hidden cell as an unknown of zero or more, and asks scipy's linear programming
for the smallest and largest value each hidden cell can take. A hidden cell is recovered
when the two are equal.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from saferplaces.disclosure import SMALLEST_PUBLISHED_COUNT, Relation, is_small, suppress
from saferplaces.errors import InputError


def attack(
    published: dict[str, int | None], sums: list[tuple[str, list[str]]]
) -> dict[str, tuple[float, float]]:
    """The range of each hidden cell given every published cell and sum (the attacker's linear programmes)."""
    hidden = sorted(c for c, v in published.items() if v is None)
    col = {c: i for i, c in enumerate(hidden)}
    a, b = [], []
    for total, parts in sums:
        row, rhs = np.zeros(len(hidden)), 0.0
        for cell, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if published[cell] is None:
                row[col[cell]] += sign
            else:
                rhs -= sign * published[cell]
        if row.any():
            a.append(row)
            b.append(rhs)
    out = {}
    for cell in hidden:
        c = np.zeros(len(hidden))
        c[col[cell]] = 1
        lo = linprog(c, A_eq=np.array(a) if a else None, b_eq=np.array(b) if b else None, bounds=(0, None))
        hi = linprog(-c, A_eq=np.array(a) if a else None, b_eq=np.array(b) if b else None, bounds=(0, None))
        out[cell] = (lo.fun, -hi.fun if hi.status == 0 else float("inf"))
    return out


def two_way(table: list[list[int]]) -> tuple[dict[str, int], list[tuple[str, list[str]]]]:
    """A table with row totals, column totals and a grand total, as cells and sums."""
    cells: dict[str, int] = {}
    sums: list[tuple[str, list[str]]] = []
    rows, cols = len(table), len(table[0])
    for i in range(rows):
        for j in range(cols):
            cells[f"r{i}c{j}"] = table[i][j]
        cells[f"r{i}"] = sum(table[i])
        sums.append((f"r{i}", [f"r{i}c{j}" for j in range(cols)]))
    for j in range(cols):
        cells[f"c{j}"] = sum(table[i][j] for i in range(rows))
        sums.append((f"c{j}", [f"r{i}c{j}" for i in range(rows)]))
    cells["all"] = sum(map(sum, table))
    sums.append(("all", [f"r{i}" for i in range(rows)]))
    sums.append(("all", [f"c{j}" for j in range(cols)]))
    return cells, sums


def relations(sums: list[tuple[str, list[str]]]) -> list[Relation]:
    return [Relation(total, tuple(parts)) for total, parts in sums]


def test_the_threshold_hides_one_to_four_and_publishes_zero_and_five():
    assert SMALLEST_PUBLISHED_COUNT == 5
    assert [is_small(n) for n in range(7)] == [False, True, True, True, True, False, False]


def test_a_lone_small_cell_in_a_row_takes_a_second_cell_with_it():
    # worked by hand: 3 + 10 + 12 = 25; publishing 10, 12 and 25 would give away the 3
    t = suppress({"a": 3, "b": 10, "c": 12, "total": 25}, [Relation("total", ("a", "b", "c"))])
    assert t.primary == {"a"}
    assert t.secondary == {"b"}  # the smallest other part, not the total
    assert t.published == {"a": None, "b": None, "c": 12, "total": 25}


def test_a_table_without_small_counts_is_published_whole():
    cells, sums = two_way([[10, 20], [30, 0]])
    t = suppress(cells, relations(sums))
    assert t.suppressed == frozenset()
    assert t.published == cells


def test_a_two_way_table_hides_a_rectangle():
    # one small cell in a 3 x 3 table: the least a safe pattern hides is four cells in a rectangle
    cells, sums = two_way([[2, 40, 50], [30, 60, 70], [80, 90, 100]])
    t = suppress(cells, relations(sums))
    assert t.primary == {"r0c0"}
    assert len(t.suppressed) == 4
    assert {"r0", "c0", "all"}.isdisjoint(t.suppressed)  # the totals stay published
    ranges = attack(dict(t.published), sums)
    assert all(hi - lo >= 1 for lo, hi in ranges.values()), ranges


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 30), min_size=cols, max_size=cols), min_size=2, max_size=5
        )
    )
)
def test_the_attacker_recovers_no_hidden_cell(table):
    cells, sums = two_way(table)
    t = suppress(cells, relations(sums))
    published = dict(t.published)
    assert all(v is None or not is_small(v) for v in published.values())
    assert t.primary == {c for c, v in cells.items() if 0 < v < 5}
    for cell, (lo, hi) in attack(published, sums).items():
        assert hi - lo >= 1 - 1e-9, f"{cell} is pinned to {lo} in {table}"


def test_a_hidden_zero_is_checked_by_its_bounds():
    # the only cell that can go with the 2 in its row is a zero: hiding it protects nothing by itself
    cells, sums = two_way([[2, 0], [9, 9]])
    t = suppress(cells, relations(sums))
    ranges = attack(dict(t.published), sums)
    assert ranges and all(hi - lo >= 1 - 1e-9 for lo, hi in ranges.values())


def test_parts_that_do_not_add_up_are_refused():
    with pytest.raises(InputError, match="add up to 5, not to its count of 6"):
        suppress({"a": 2, "b": 3, "t": 6}, [Relation("t", ("a", "b"))])
    with pytest.raises(InputError, match="not a whole number"):
        suppress({"a": -1})
