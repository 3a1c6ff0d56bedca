"""One error hierarchy for the whole library.

Every error carries two sentences: what is wrong and what to do. The CLI prints
them on one line and exits non-zero; the web shows them in the GOV.UK error
summary. Users never see a traceback.
"""

from __future__ import annotations


class SaferPlacesError(Exception):
    """Base of every error Safer Places raises on purpose.

    Parameters
    ----------
    problem
        One sentence on what is wrong, naming the input and the bad value.
    action
        One sentence on what the user should do about it.
    """

    exit_code = 1

    def __init__(self, problem: str, action: str = "") -> None:
        self.problem = problem.strip()
        self.action = action.strip()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.problem} {self.action}".strip()

    def __str__(self) -> str:
        return self.message


class InputError(SaferPlacesError, ValueError):
    """An argument or option has a value that is not allowed."""

    exit_code = 2


class DataFormatError(SaferPlacesError):
    """A file is not in the format we expected (columns, encoding, compression)."""

    exit_code = 3


class StoreError(SaferPlacesError):
    """The data store cannot be read or written."""

    exit_code = 4


class DownloadError(SaferPlacesError):
    """A download from data.police.uk failed."""

    exit_code = 5


class AreaNotFoundError(InputError):
    """An area was named that no lookup knows."""


#: The most characters of a bad value an error message repeats.
EXAMPLE_CHARS = 60


def example(value: object, limit: int = EXAMPLE_CHARS) -> str:
    """A bad value as an error message may show it: control characters (line breaks, escape
    codes, NUL) written as escapes, so the message stays one plain line, and at most ``limit``
    characters, so a huge cell cannot make a huge message."""
    text = "" if value is None else str(value)
    shown = "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({len(text):,} characters)"
