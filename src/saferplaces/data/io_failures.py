"""Plain messages for what stops an import from outside the file: disk, permissions, Ctrl+C.

An import turns the operating system's and DuckDB's errors into one of these, so that a
full disk says "free some disk space" instead of blaming the file, and Ctrl+C during a
DuckDB query stops the import like Ctrl+C anywhere else.
"""

from __future__ import annotations

import errno

import duckdb

from saferplaces.errors import SaferPlacesError, StoreError, example

_DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DISK_FULL_WORDS = (
    "no space left on device",
    "disk is full",
    "disk full",
    "not enough space",
    "quota exceeded",
)
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def is_interrupt(exc: BaseException) -> bool:
    """True for Ctrl+C, whether Python or DuckDB (which reports "Query interrupted") caught it."""
    if isinstance(exc, KeyboardInterrupt | duckdb.InterruptException):
        return True
    return isinstance(exc, RuntimeError | duckdb.Error) and "interrupted" in str(exc).lower()


def is_disk_full(exc: BaseException) -> bool:
    """True when the error says the disk (or the user's quota) is full."""
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
        return True
    text = str(exc).lower()
    return isinstance(exc, OSError | duckdb.Error) and any(w in text for w in _DISK_FULL_WORDS)


def disk_full() -> StoreError:
    return StoreError(
        "There is not enough disk space to finish the import; nothing was changed.",
        "Free some disk space and run the import again.",
    )


def import_failure(exc: BaseException, what: str = "file") -> BaseException:
    """The error to raise for an OSError or DuckDB error that stopped an import.

    Parameters
    ----------
    exc
        What was caught.
    what
        "file" or "files": what the import was reading, for the fallback message.

    Returns
    -------
    BaseException
        ``KeyboardInterrupt`` for Ctrl+C; otherwise a :class:`StoreError` with one sentence
        on what is wrong and one on what to do.
    """
    if isinstance(exc, SaferPlacesError):
        return exc
    if is_interrupt(exc):
        return KeyboardInterrupt()
    if is_disk_full(exc):
        return disk_full()
    if isinstance(exc, OSError) and exc.errno in _DENIED_ERRNOS:
        where = f" {exc.filename}" if exc.filename else ""
        reason = "the disk is read-only" if exc.errno == errno.EROFS else "permission denied"
        return StoreError(
            f"The import could not read or write{where} ({reason}); nothing was changed.",
            "Choose a store folder you can write to (--store or SAFERPLACES_HOME) and files you "
            "can read, then run the import again.",
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        return StoreError(
            "The import ran out of memory; nothing was changed.",
            "Import fewer files at once, or close other programs, and run the import again.",
        )
    if isinstance(exc, OSError):
        return StoreError(
            f"The import stopped because a {what} could not be read or written "
            f"({exc.strerror or exc}); nothing was changed.",
            "Check the disk the store and the files are on, then run the import again.",
        )
    # DuckDB's messages run over many lines (the options it read with): the first line, shortened
    said = example(str(exc).strip().split("\n", 1)[0], 200)
    return StoreError(
        f"The import stopped because the database reported a problem ({said}); nothing was changed.",
        "Run the import again; if it happens again, report it with the file that caused it.",
    )
