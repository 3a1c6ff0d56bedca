"""`ingest --force`: reading one force's files out of a national police.uk archive or folder.

The other force's file in these tests is not a CSV at all, so an import that read it would be
refused: a passing test shows it was passed over unread.
"""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from saferplaces.cli.main import cli
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, InputError
from tests.conftest import tree_digest
from tests.data.store_helpers import small_month, small_outcomes

NOT_A_CSV = b"\x00\x01 this is not a police.uk file \xff\xfe"


def national(tmp_path):
    """A folder laid out as a national archive: two forces' files for January 2025."""
    folder = tmp_path / "national" / "2025-01"
    small_month(folder, "2025-01", 40)
    small_outcomes(folder, "2025-01", 5)
    (folder / "2025-01-west-midlands-street.csv").write_bytes(NOT_A_CSV)
    (folder / "2025-01-west-midlands-outcomes.csv").write_bytes(NOT_A_CSV)
    return folder.parent


def zipped(folder, tmp_path):
    archive = tmp_path / "2025-01.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*.csv")):
            zf.write(path, str(path.relative_to(folder)))
    return archive


@pytest.mark.parametrize("layout", ["folder", "zip"])
def test_only_the_chosen_forces_files_are_read(tmp_path, layout):
    folder = national(tmp_path)
    source = folder if layout == "folder" else zipped(folder, tmp_path)
    store = Store(tmp_path / "store")
    with pytest.raises(DataFormatError):  # without the filter the other force's file is read
        ingest([source], store)
    result = ingest([source], store, forces=["Staffordshire Police"])
    con = store.connect()
    assert con.execute("select distinct force from crimes").fetchall() == [("staffordshire",)]
    assert con.execute("select count(*) from crimes").fetchone()[0] == 40
    assert con.execute("select count(*) from outcomes").fetchone()[0] == 5
    assert (
        "2 police.uk files for other forces were passed over unread (--force staffordshire)." in result.notes
    )


def test_a_force_with_no_files_given_is_refused_and_the_store_is_unchanged(tmp_path):
    folder = national(tmp_path)
    store = Store(tmp_path / "store")
    ingest([small_month(tmp_path / "jan", "2025-01", 10)], store)
    before = tree_digest(store.root)
    with pytest.raises(InputError) as refused:
        ingest([folder], store, forces=["west-yorkshire"])
    assert refused.value.problem == (
        "None of the files given is for the force chosen with --force (west-yorkshire); "
        "4 police.uk files for other forces were passed over."
    )
    assert refused.value.action.startswith("Check the force's police.uk name")
    with pytest.raises(InputError, match="is not a police.uk force"):
        ingest([folder], store, forces=["Staffordshire Constabulary"])
    assert tree_digest(store.root) == before


def test_the_command_takes_force_more_than_once(tmp_path):
    folder = national(tmp_path)
    store = tmp_path / "store"
    done = CliRunner().invoke(
        cli, ["ingest", str(zipped(folder, tmp_path)), "--force", "staffordshire", "--store", str(store)]
    )
    assert done.exit_code == 0, done.output
    assert "2 police.uk files for other forces were passed over unread" in done.output
    assert "2 force-month(s) added" in done.output  # street and outcomes
    again = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(folder),
            "--force",
            "staffordshire",
            "--force",
            "west-midlands",
            "--store",
            str(store),
        ],
    )
    # now it reads the broken file, and refuses it
    assert isinstance(again.exception, DataFormatError) and "west-midlands" in str(again.exception)
