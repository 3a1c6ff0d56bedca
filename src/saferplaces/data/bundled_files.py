"""Where the bundled real data lives inside the installed package.

The files are copied from the project's shared data by ``scripts/bundle_data.py``;
``bundled/SOURCES.md`` gives their origin and the Open Government Licence credits.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right 2025."
)


def bundled_dir() -> Path:
    """Return the folder of bundled data files."""
    return Path(str(resources.files("saferplaces.data") / "bundled"))


def bundled(relative: str) -> Path:
    """Return the path of one bundled file, e.g. ``"geography/lookups/..."``."""
    path = bundled_dir() / relative
    if not path.exists():  # pragma: no cover - a packaging fault, not a user error
        raise FileNotFoundError(path)
    return path


def police_uk_months() -> list[Path]:
    """Return the bundled police.uk street-level files, oldest month first."""
    return sorted((bundled_dir() / "police_uk" / "street").glob("*-street.csv.gz"))
