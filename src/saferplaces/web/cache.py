"""Keeping what does not change between writes: rendered page fragments and computed values.

Every saved or deleted record of the partnership data moves a *data generation* stamp on,
once its transaction commits; a cached value is kept under the generation it was made in
and today's date, so a write, or midnight, makes every cached value stale at once. The stamp
is a file's modification time in the store folder, so every worker process of the server
sees a write made by any of them (one machine; see docs/deploy.md). Values are kept in each
process, at most :data:`MAX_ENTRIES`, the least recently used dropped first.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from jinja2 import nodes
from jinja2.ext import Extension

T = TypeVar("T")

#: The most values one process keeps.
MAX_ENTRIES = 512
#: The apps whose records pages show; a write to any of them makes every cached value stale.
DATA_APPS = frozenset(
    {
        "auth",
        "accounts",
        "partnerships",
        "plans",
        "performance",
        "projects",
        "audit",
        "transfers",
        "public",
        "assessments",
    }
)

_values: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_lock = threading.Lock()
_local_generation = 0


def _stamp() -> Path | None:
    return getattr(settings, "SAFERPLACES_CACHE_STAMP", None)


def generation() -> tuple[int, int]:
    """The data generation: writes seen by this process, and the stamp file's time (all processes)."""
    stamp = _stamp()
    try:
        shared = os.stat(stamp).st_mtime_ns if stamp else 0
    except FileNotFoundError:
        shared = 0
    return _local_generation, shared


def shared_generation() -> int:
    """The data generation as every process of the server sees it (for a cache they share).

    The stamp file's time when there is one; without one (the tests' one process) the writes
    this process has seen.
    """
    local, shared = generation()
    return shared if _stamp() else local


def bump() -> None:
    """Make every cached value stale, in this process and (through the stamp file) in the others."""
    global _local_generation
    with _lock:
        _local_generation += 1
        _values.clear()
    stamp = _stamp()
    if stamp:
        try:
            old = os.stat(stamp).st_mtime_ns
        except FileNotFoundError:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
            old = 0
        new = max(time.time_ns(), old + 1)
        os.utime(stamp, ns=(new, new))


def cached(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """The value under ``key`` for the current data generation and date, computed once."""
    full = (generation(), dt.date.today(), *key)
    with _lock:
        if full in _values:
            _values.move_to_end(full)
            return _values[full]
    value = compute()
    with _lock:
        _values[full] = value
        while len(_values) > MAX_ENTRIES:
            _values.popitem(last=False)
    return value


def data_changed(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: a record of the partnership data was saved or deleted (or its links changed)."""
    if sender._meta.app_label in DATA_APPS:
        bump()  # at once, for this process (and a test's transaction that never commits)
        transaction.on_commit(bump)  # again once committed: another worker may have cached meanwhile


class FragmentCacheExtension(Extension):
    """``{% cache "name", key, ... %}...{% endcache %}``: render the body once per data generation.

    Only for markup that is the same for everyone allowed to see it: no user, form, message
    or CSRF token inside.
    """

    tags = {"cache"}

    def parse(self, parser: Any) -> nodes.Node:
        lineno = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_render", [nodes.List(parts)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, parts: list[Any], caller: Callable[[], str]) -> str:
        return cached(("fragment", *parts), caller)
