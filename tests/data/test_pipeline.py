"""The one import pipeline (issue #13): police.uk files and partner extracts share its steps.

What each source checks is tested in test_ingest*.py and test_partner*.py; here, that the
shared steps behave alike for both: the same refusal of a file without CSV headings, nothing left
in the store's work folder after a refused import of either, and one plain message when the
disk fills part-way.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.partner import ingest_extract
from saferplaces.data.pipeline import run_import
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, StoreError
from tests.conftest import month_file


def _import_both(path: Path, store: Store) -> list[str]:
    """The messages of a police.uk import and a partner import of ``path``, both refused."""
    messages = []
    for load in (lambda: ingest([path], store), lambda: ingest_extract(path, store, "partner")):
        with pytest.raises(DataFormatError) as refused:
            load()
        messages.append(str(refused.value))
    return messages


def test_both_sources_refuse_a_file_without_csv_headings_with_the_same_sentence(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    ingest([month_file("2025-01")], store)
    before = (store.root / "manifest.json").read_bytes()
    blank = tmp_path / "2025-02-staffordshire-street.csv"
    blank.write_text("\n1,2025-02\n", encoding="utf-8")
    police, partner = _import_both(blank, store)
    first = "The file 2025-02-staffordshire-street.csv is empty."
    assert police.startswith(first) and partner.startswith(first)
    # Neither changed the store nor left anything in its work folder.
    assert (store.root / "manifest.json").read_bytes() == before
    assert not (store.root / ".work").exists()


def test_a_full_disk_part_way_is_one_plain_message_and_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    ingest([month_file("2025-01")], store)
    before = json.loads((store.root / "manifest.json").read_text())
    seen: list[Path] = []

    def body(work: Path) -> None:
        seen.append(work)
        (work / "staged.parquet").write_bytes(b"half written")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StoreError) as refused:
        run_import(store, "test", body)
    assert "Free some disk space" in str(refused.value)
    assert seen and seen[0].parent == store.root / ".work"
    assert not seen[0].exists() and not (store.root / ".work").exists()
    assert json.loads((store.root / "manifest.json").read_text()) == before
