"""Binding values into DuckDB SQL as literals.

DuckDB's Python client imports pandas (when installed) the first time a query is
given parameters, which costs seconds on every command. Values here are bound as
properly quoted SQL literals instead; only ``str``, numbers, ``bool``, ``None``
and sequences of them are accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb


def literal(value: Any) -> str:
    """Return ``value`` as a DuckDB SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"cannot bind {type(value).__name__} into SQL")


def literal_list(values: Iterable[Any]) -> str:
    """Any iterable of values as a DuckDB list literal."""
    return literal(list(values))


def bind(sql: str, params: Sequence[Any] | None) -> str:
    """Replace each ``?`` in ``sql`` with the next value of ``params`` as a literal."""
    if not params:
        return sql
    pieces = sql.split("?")
    if len(pieces) - 1 != len(params):
        raise ValueError(f"{len(pieces) - 1} placeholders but {len(params)} values")
    out = [pieces[0]]
    for value, piece in zip(params, pieces[1:], strict=True):
        out.append(literal(value))
        out.append(piece)
    return "".join(out)


def run(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql`` with ``params`` bound as literals; returns the connection to fetch from."""
    return con.execute(bind(sql, params))
