"""The formats an assessment is written in, and reading them from ``--format``.

Apart from ``reports.documents`` so that a command can read its formats before it loads
anything slow (issue #9).
"""

from __future__ import annotations

from saferplaces.errors import InputError

FORMATS = ("html", "pdf", "docx", "xlsx", "json")


def parse_formats(text: str) -> list[str]:
    """'html,pdf' -> ['html', 'pdf'], refusing unknown formats."""
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(
            f"--format '{text}' names a format we cannot write.",
            "Use any of " + ", ".join(FORMATS) + ", separated by commas.",
        )
    return wanted
