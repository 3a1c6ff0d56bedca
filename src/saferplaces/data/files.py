"""Small file checks shared by every import: fingerprints and whole-file gzip checks."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

from saferplaces.errors import DataFormatError

READ_CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes, whatever its name."""
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_whole_gzip(path: Path, action: str) -> None:
    """Read a gzip file to its end, so that a truncated or corrupt file fails before any import.

    Files that are not gzip pass untouched. ``action`` is the sentence telling the user what
    to do (where to get the file again).
    """
    if not is_gzip(path):
        return
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(READ_CHUNK * 8):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(
            f"The file {path.name} is a damaged or incomplete gzip file ({exc}).", action
        ) from exc
