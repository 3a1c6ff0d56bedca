"""A progress callback the library reports to; the CLI draws it as a rich progress bar."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called as ``progress(step, done, total)`` while long work runs."""

    def __call__(self, step: str, done: float, total: float) -> None: ...


def no_progress(step: str, done: float, total: float) -> None:
    """The default: report nothing."""
