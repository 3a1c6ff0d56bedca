"""Issue 13, inputs that cannot lie: every hostile police.uk input gets its own plain refusal,
or is loaded correctly and says what it did.

The corpus is tests/fixtures/bad_inputs (made by make_bad_inputs.py beside it); ``EXPECTED``
holds the reason each entry must be refused for, so a refusal for the wrong reason fails.
Inputs that cannot be files in a repository (named pipes, devices, unreadable files, a full
disk) are made here.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from saferplaces.data.ingest import check_file_name, ingest, last_month
from saferplaces.data.input_files import Limits, read_whole, unpack_zip
from saferplaces.data.io_failures import import_failure
from saferplaces.data.policeuk_format import OUTCOME_COLUMNS
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, InputError, StoreError
from tests.conftest import FIXTURES, ROOT, month_file, raw_rows, tree_digest

CORPUS = FIXTURES / "bad_inputs"

#: The start of the refusal each corpus entry must get (after "The file NAME " or similar).
EXPECTED = {
    "2025-01-staffordshire-street-bad-coordinates.csv": "has 1 row whose coordinates are not",
    "2025-01-staffordshire-street-bad-crime-type.csv": "has 1 row whose Crime type is not",
    "2025-01-staffordshire-street-bad-encoding.csv": "has bytes that are not UTF-8 text on line 52",
    "2025-01-staffordshire-street-bad-lsoa-code.csv": "has 1 row whose LSOA code is not an ONS code "
    "like E01014210, for example 'X01029368' on line 7",
    "2025-01-staffordshire-street-bad-month.csv": "has 3 rows whose Month is not a year and month",
    "2025-01-staffordshire-street-bzip2.csv": "is compressed with bzip2, which Safer Places does not read",
    "2025-01-staffordshire-street-empty.csv": "is empty",
    "2025-01-staffordshire-street-extra-column.csv": "has unexpected 'Extra' columns",
    "2025-01-staffordshire-street-fake.csv.gz": "does not start with the police.uk column headings",
    "2025-01-staffordshire-street-gzip-bomb.csv.gz": "decompresses to over 200 times its compressed size",
    "2025-01-staffordshire-street-header-only.csv": "has a header but no rows",
    "2025-01-staffordshire-street-long-header.csv": "is longer than 64 KB, so it is not a CSV header",
    "2025-01-staffordshire-street-long-line.csv.gz": "has a line longer than 1,024 KB on line 2",
    "2025-01-staffordshire-street-missing-column.csv": "has no 'LSOA code' column",
    "2025-01-staffordshire-street-month-2009.csv": "has 2 rows whose Month is before December 2010",
    "2025-01-staffordshire-street-month-2999.csv": "has 2 rows whose Month is after the current month",
    "2025-01-staffordshire-street-not-a-csv.csv": "is a PNG image, not a CSV file",
    "2025-01-staffordshire-street-ragged-row.csv": "cannot be read as CSV on line 2",
    "2025-01-staffordshire-street-renamed-column.csv": "has no 'Crime type' column",
    "2025-01-staffordshire-street-trailing-bytes.csv.gz": "is a damaged or incomplete gzip file",
    "2025-01-staffordshire-street-truncated.csv.gz": "is a damaged or incomplete gzip file",
    "2025-01-staffordshire-street-unknown-force-name.csv": "has 1 row whose 'Falls within' is not the "
    "name of a police.uk force, for example 'Gotham Police' on line 22",
    "2025-01-staffordshire-street-xz.csv.gz": "is compressed with xz",
    "2025-01-staffordshire-street-nul-byte.csv": "holds a NUL byte (a binary zero) on line 10",
    "2025-01-staffordshire-street-cr-line-endings.csv": "ends its lines with a carriage return alone",
    "after-today": "holds the month 2999-01, which is after the current month",
    "archive-without-csv.zip": "holds no police.uk street or outcomes CSV files",
    "before-2010": "holds the month 2010-11, before December 2010",
    "broken-archive.zip": "is not a readable zip archive",
    "deflate64.zip": "compresses 2025-01/2025-01-staffordshire-street.csv with Deflate64",
    "encrypted.zip": "is protected by a password",
    "force-differs": "has 200 rows whose 'Falls within' is not the force in the file's name",
    "month-differs": "has 200 rows whose Month is not the month in the file's name, for example "
    "'2025-01' on line 2",
    "same-name-two-folders.zip": "holds two different files named 2025-01-staffordshire-street.csv",
    "unknown-force": "names the force 'gotham', which is not a police.uk force",
    "zip-bomb.zip": "decompresses to over 200 times its compressed size",
    "many-small-bombs.zip": "decompresses to over 200 times its compressed size",
    "small-bombs": "decompress to over 200 times their compressed size",
}


def corpus() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix != ".py" and p.name != "__pycache__")


def test_every_corpus_entry_has_its_expected_reason():
    assert {p.name for p in corpus()} == set(EXPECTED)


@pytest.mark.parametrize("bad", corpus(), ids=[p.name for p in corpus()])
def test_hostile_input_refused_for_its_own_reason(store, bad):
    ingest([month_file("2024-01")], store)
    before = tree_digest(store.root)
    with pytest.raises(DataFormatError) as info:
        ingest([month_file("2024-02"), bad], store)
    error = info.value
    assert EXPECTED[bad.name] in error.problem, error.message
    assert bad.name in error.problem  # names the file (or the folder or archive it is in)
    assert error.problem.endswith(".") and error.action.endswith(".") and "\n" not in error.message
    assert tree_digest(store.root) == before
    assert not (store.root / ".work").exists()


def test_the_corpus_generator_is_up_to_date(tmp_path):
    """The committed corpus is what make_bad_inputs.py writes today, and nothing else."""
    env = {**os.environ, "FIXTURES_OUT": str(tmp_path)}
    subprocess.run([sys.executable, str(CORPUS / "make_bad_inputs.py")], check=True, cwd=ROOT, env=env)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    held = sorted(p.relative_to(CORPUS) for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".py")
    held = [p for p in held if "__pycache__" not in p.parts]
    assert made == held
    for path in made:
        assert (tmp_path / path).read_bytes() == (CORPUS / path).read_bytes(), path


# -- what the path is ------------------------------------------------------------------------


def test_named_pipe_is_refused_without_reading_it(store, tmp_path):
    pipe = tmp_path / "2025-01-staffordshire-street.csv"
    os.mkfifo(pipe)  # reading it would wait for ever: the refusal must come first
    with pytest.raises(InputError, match="is a named pipe, not a file"):
        ingest([pipe], store)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "2025-02-staffordshire-street.csv")
    with pytest.raises(InputError, match="is a named pipe, not a file"):
        ingest([folder], store)
    assert not store.root.exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_device_is_refused(store, device):
    if not Path(device).exists():
        pytest.skip(f"{device} is not on this machine")
    with pytest.raises(InputError, match="is a device, not a file"):
        ingest([device], store)


@pytest.fixture
def open_dir():
    """A folder every user can reach (pytest's own are private to root)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run a process that the OS refuses files to")
    path = Path(tempfile.mkdtemp(prefix="saferplaces-nobody-"))
    path.chmod(0o777)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


def _as_nobody(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Python code as the unprivileged user 'nobody' (root reads every file regardless)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(cwd)}
    return subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=cwd,
    )


IMPORT_AS_NOBODY = """
import sys
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from saferplaces.errors import SaferPlacesError
try:
    ingest([sys.argv[1]], Store(sys.argv[2]))
except SaferPlacesError as exc:
    print(type(exc).__name__, exc.message)
"""


def test_permission_denied_has_its_own_message(open_dir):
    tmp_path = open_dir
    secret = tmp_path / "2025-01-staffordshire-street.csv"
    secret.write_bytes(gzip.decompress(month_file("2025-01").read_bytes()))
    secret.chmod(0o000)
    code = IMPORT_AS_NOBODY.replace("sys.argv[1]", repr(str(secret))).replace(
        "sys.argv[2]", repr(str(tmp_path / "store"))
    )
    out = _as_nobody(code, tmp_path)
    assert out.stdout.startswith("InputError"), out.stdout + out.stderr
    assert "cannot be read: permission denied" in out.stdout
    assert "Ask its owner for read access" in out.stdout


def test_folder_with_an_unreadable_file_or_subfolder_is_refused(open_dir):
    tmp_path = open_dir
    folder = tmp_path / "police"
    (folder / "locked").mkdir(parents=True)
    good = gzip.decompress(month_file("2025-01").read_bytes())
    (folder / "2025-01-staffordshire-street.csv").write_bytes(good)
    (folder / "locked" / "2025-02-staffordshire-street.csv").write_bytes(good)
    (folder / "locked").chmod(0o000)  # a folder that cannot be listed might hold more months
    code = IMPORT_AS_NOBODY.replace("sys.argv[1]", repr(str(folder))).replace(
        "sys.argv[2]", repr(str(tmp_path / "store"))
    )
    out = _as_nobody(code, tmp_path)
    assert out.stdout.startswith("InputError"), out.stdout + out.stderr
    assert "locked, which cannot be read: permission denied" in out.stdout
    (folder / "locked").chmod(0o755)
    (folder / "locked" / "2025-02-staffordshire-street.csv").chmod(0o000)
    out = _as_nobody(code, tmp_path)
    assert "2025-02-staffordshire-street.csv cannot be read: permission denied" in out.stdout, out.stdout


# -- what the bytes are ----------------------------------------------------------------------


def test_compression_comes_from_the_bytes_not_the_name(tmp_path):
    plain = gzip.decompress(month_file("2025-01").read_bytes())
    gz_named_csv = tmp_path / "a" / "2025-01-staffordshire-street.csv"
    csv_named_gz = tmp_path / "b" / "2025-01-staffordshire-street.csv.gz"
    zip_named_csv = tmp_path / "c" / "2025-01-staffordshire-street.csv"
    for path in (gz_named_csv, csv_named_gz, zip_named_csv):
        path.parent.mkdir()
    gz_named_csv.write_bytes(gzip.compress(plain))
    csv_named_gz.write_bytes(plain)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2025-01/2025-01-staffordshire-street.csv", plain)
    zip_named_csv.write_bytes(buffer.getvalue())
    expected = len(raw_rows("2025-01"))
    for path in (gz_named_csv, csv_named_gz, zip_named_csv):
        store = Store(path.parent / "store")
        result = ingest([path], store)
        assert result.count("added") == 1
        assert store.connect().execute("select count(*) from crimes").fetchone()[0] == expected


def test_same_file_twice_in_an_archive_is_read_once_and_said(store, tmp_path):
    plain = gzip.decompress(month_file("2025-01").read_bytes())
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2025-01/2025-01-staffordshire-street.csv", plain)
        zf.writestr("copy/2025-01-staffordshire-street.csv", plain)
    result = ingest([archive], store)
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == len(raw_rows("2025-01"))
    assert any("holds 2025-01-staffordshire-street.csv twice" in n and "read once" in n for n in result.notes)
    assert any("read once" in line for line in result.messages())


def test_same_file_by_two_paths_is_read_once(store, tmp_path):
    copy = tmp_path / "elsewhere" / month_file("2025-01").name
    copy.parent.mkdir()
    shutil.copy(month_file("2025-01"), copy)
    result = ingest([month_file("2025-01"), copy], store)
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == len(raw_rows("2025-01"))
    assert result.files == 1 and any("is the same file as" in n for n in result.notes)


def test_zip_member_paths_cannot_escape_the_work_folder(store, tmp_path):
    plain = gzip.decompress(month_file("2025-01").read_bytes())
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../../2025-01-staffordshire-street.csv", plain)
    ingest([archive], store)
    assert not (tmp_path.parent / "2025-01-staffordshire-street.csv").exists()
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == len(raw_rows("2025-01"))


def test_limits_bound_plain_gzip_and_zip_inputs(tmp_path):
    small = Limits(file_bytes=10_000, archive_bytes=15_000, ratio=1000, ratio_floor=1 << 30)
    plain = gzip.decompress(month_file("2025-01").read_bytes())
    big = tmp_path / "big.csv"
    big.write_bytes(plain[:20_000])
    with pytest.raises(DataFormatError, match="is larger than 10 KB"):
        read_whole(big, big.name, "Do.", small)
    packed = tmp_path / "big.csv.gz"
    packed.write_bytes(gzip.compress(plain[:20_000]))
    with pytest.raises(DataFormatError, match="decompresses to more than 10 KB"):
        read_whole(packed, packed.name, "Do.", small)
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/2025-01-staffordshire-street.csv", plain[:9_000])
        zf.writestr("b/2025-02-staffordshire-street.csv", plain[9_000:18_000])
    with pytest.raises(DataFormatError, match="two.zip decompresses to more than 15 KB"):
        unpack_zip(archive, archive.name, tmp_path, lambda n: True, "Do.", small)
    few = Limits(archive_files=1)
    with pytest.raises(DataFormatError, match="holds 2 files to read, more than the 1 Safer Places reads"):
        unpack_zip(archive, archive.name, tmp_path, lambda n: True, "Do.", few)


# -- what the rows say -----------------------------------------------------------------------


def test_months_after_the_current_month_depend_on_the_date_given():
    forces = {"staffordshire"}
    check_file_name("2025-06-staffordshire-street.csv", "x", forces, today=date(2025, 6, 1))
    with pytest.raises(DataFormatError, match=r"after the current month \(2025-06\)"):
        check_file_name("2025-07-staffordshire-street.csv", "x", forces, today=date(2025, 6, 30))
    with pytest.raises(DataFormatError, match="before December 2010"):
        check_file_name("2010-11-staffordshire-street.csv", "x", forces, today=date(2025, 6, 30))
    check_file_name("2010-12-staffordshire-street.csv", "x", forces, today=date(2025, 6, 30))
    assert last_month(date(2026, 1, 31)) == "2026-01"


def test_next_month_is_refused_today(store, tmp_path):
    today = date.today()
    nxt = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    month = f"{nxt.year:04d}-{nxt.month:02d}"
    text = gzip.decompress(month_file("2025-01").read_bytes()).decode()
    future = tmp_path / f"{month}-staffordshire-street.csv"
    future.write_text(text.replace(",2025-01,", f",{month},"))
    with pytest.raises(DataFormatError, match=rf"holds the month {month}, which is after the current month"):
        ingest([future], store)


def test_outcomes_file_name_force_is_checked_too(store, tmp_path):
    rows = [r for r in raw_rows("2025-01") if r["Crime ID"]][:3]
    header = ",".join(OUTCOME_COLUMNS) + "\n"
    body = "".join(
        f"{r['Crime ID']},2025-02,Staffordshire Police,Staffordshire Police,{r['Longitude']},"
        f'{r["Latitude"]},"{r["Location"]}",{r["LSOA code"]},{r["LSOA name"]},Offender given a caution\n'
        for r in rows
    )
    wrong = tmp_path / "2025-02-kent-outcomes.csv"
    wrong.write_text(header + body)
    with pytest.raises(DataFormatError, match="'Falls within' is not the force in the file's name"):
        ingest([wrong], store)


def test_summary_names_the_force_months_added_and_replaced(store, tmp_path):
    result = ingest([month_file(m) for m in ("2025-01", "2025-02", "2025-03", "2025-05")], store)
    assert result.messages()[0] == (
        "Added street-level crimes for staffordshire: 2025-01 to 2025-03, 2025-05."
    )
    lines = gzip.decompress(month_file("2025-02").read_bytes()).decode().splitlines(True)
    newer = tmp_path / "2025-02-staffordshire-street.csv"
    newer.write_text("".join(lines[:-1]))
    replaced = ingest([newer, month_file("2025-04")], store)
    assert replaced.messages()[0] == "Added street-level crimes for staffordshire: 2025-04."
    assert replaced.messages()[1].startswith("Replaced crimes for staffordshire 2025-02:")


def test_real_files_raise_no_duplicate_warnings(store):
    result = ingest([month_file("2025-01"), month_file("2025-02")], store)
    assert result.notes == ()


def test_exact_duplicate_rows_are_loaded_and_counted_in_a_warning(store, tmp_path):
    lines = gzip.decompress(month_file("2025-01").read_bytes()).decode().splitlines(True)
    with_id = next(line for line in lines[1:] if not line.startswith(","))
    without_id = next(line for line in lines[1:] if line.startswith(","))
    doubled = tmp_path / "2025-01-staffordshire-street.csv"
    doubled.write_text("".join(lines) + with_id * 3 + without_id * 150)
    result = ingest([doubled], store)
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == len(lines) - 1 + 153
    notes = " ".join(result.notes)
    assert "has 3 rows repeating the Crime ID of another row" in notes
    assert "without a Crime ID repeated up to 15" in notes  # 150 copies and any the month already had


# -- what stops an import from outside -------------------------------------------------------


def test_failure_mapping_gives_each_cause_its_own_message():
    full = import_failure(OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(full, StoreError) and "not enough disk space" in full.problem
    assert full.action == "Free some disk space and run the import again."
    duck = import_failure(duckdb.IOException('Could not write file "x.parquet": No space left on device'))
    assert "not enough disk space" in str(duck)
    denied = import_failure(PermissionError(errno.EACCES, "Permission denied", "/store/x"))
    assert "/store/x (permission denied)" in str(denied)
    assert isinstance(import_failure(RuntimeError("Query interrupted")), KeyboardInterrupt)
    assert isinstance(import_failure(duckdb.InterruptException("x")), KeyboardInterrupt)
    other = import_failure(OSError(errno.EIO, "Input/output error"))
    assert "Input/output error" in str(other) and "disk space" not in str(other)


def test_disk_full_for_real_says_free_some_disk_space(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    disk = tmp_path / "small-disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        store = Store(disk / "store")
        ingest([month_file("2024-01")], store)
        before = tree_digest(store.root)
        with pytest.raises(StoreError) as info:
            ingest([month_file(m) for m in ("2024-02", "2024-03", "2024-04", "2025-01", "2025-02")], store)
        assert (
            info.value.problem == "There is not enough disk space to finish the import; nothing was changed."
        )
        assert info.value.action == "Free some disk space and run the import again."
        assert tree_digest(store.root) == before
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_outcomes_may_repeat_a_crime_id_but_exact_copies_are_counted(store, tmp_path):
    rows = [r for r in raw_rows("2025-01") if r["Crime ID"]][:2]

    def line(r: dict[str, str], outcome: str) -> str:
        return (
            f"{r['Crime ID']},2025-02,Staffordshire Police,Staffordshire Police,{r['Longitude']},"
            f'{r["Latitude"]},"{r["Location"]}",{r["LSOA code"]},{r["LSOA name"]},{outcome}\n'
        )

    outcomes = tmp_path / "2025-02-staffordshire-outcomes.csv"
    two_outcomes = line(rows[0], "Offender given a caution") + line(rows[0], "Offender fined")
    outcomes.write_text(",".join(OUTCOME_COLUMNS) + "\n" + two_outcomes + line(rows[1], "Offender fined") * 2)
    notes = ingest([outcomes], store).notes
    assert notes == (
        "The file 2025-02-staffordshire-outcomes.csv has 1 row repeating another row exactly, Crime ID "
        "included; it was loaded as it is, so if it is a copy that crime is counted more than once. "
        "Check the file was not joined from overlapping parts.",
    )
