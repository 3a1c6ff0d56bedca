"""Issue 13, a release sweep of hostile files over the command-line importers (police.uk ingest,
partner extracts, the ONS population answer): cases the earlier corpora left open.

Each refusal is checked for its own reason, the line where there is one, one line of text, and
a store that is byte-identical afterwards.
"""

from __future__ import annotations

import gzip

import duckdb
import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.input_files import Limits, read_whole
from saferplaces.data.io_failures import import_failure
from saferplaces.data.ons_population import parse_answer
from saferplaces.data.partner import ingest_extract
from saferplaces.errors import DataFormatError, SaferPlacesError
from tests.conftest import month_file, tree_digest

NAME = "2025-01-staffordshire-street.csv"
PARTNER = "date,category,lsoa_code,victim_id\n"


def _month() -> tuple[str, list[str]]:
    lines = gzip.decompress(month_file("2025-01").read_bytes()).decode("utf-8").splitlines(keepends=True)
    return lines[0], lines[1:101]


def _refused(store, run) -> SaferPlacesError:
    ingest([month_file("2024-01")], store)
    before = tree_digest(store.root)
    with pytest.raises(SaferPlacesError) as info:
        run()
    assert tree_digest(store.root) == before
    assert not (store.root / ".work").exists()
    assert "\n" not in info.value.message
    return info.value


# -- blank lines: DuckDB's reader drops the rows after a few MB of them without a word --------


def test_duckdb_loses_rows_after_megabytes_of_blank_lines(tmp_path):
    """Why the limit exists: with the options the importers use, rows after a long run of blank
    lines are lost. If a DuckDB release mends this, the limit may be relaxed."""
    path = tmp_path / "b.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"\n" * 20_000_000 + b"3,4\n5,6\n")
    sql = (
        f"select count(*) from read_csv('{path}', columns={{'a': 'VARCHAR', 'b': 'VARCHAR'}}, "
        "header=true, auto_detect=false, strict_mode=true, null_padding=false, max_line_size=1048576)"
    )
    try:
        rows = duckdb.sql(sql).fetchone()[0]
    except duckdb.Error:
        rows = None  # refused: also not the three rows the file holds
    assert rows != 3


@pytest.mark.parametrize(("ending", "compress"), [("\n", False), ("\r\n", True)])
def test_a_police_file_with_thousands_of_blank_lines_is_refused_naming_the_line(
    store, tmp_path, ending, compress
):
    header, body = _month()
    text = header + "".join(body[:40]) + ending * 70_000 + "".join(body[40:])
    data = text.encode()
    path = tmp_path / (NAME + (".gz" if compress else ""))
    path.write_bytes(gzip.compress(data) if compress else data)
    error = _refused(store, lambda: ingest([path], store))
    assert error.problem == (
        f"The file {path.name} has more than 64 KB of blank lines in a row after line 41, "
        "which no real CSV has."
    )


def test_an_extract_with_thousands_of_blank_lines_is_refused(store, tmp_path):
    row = "2025-01-03,Burglary,E01029742,V1\n"
    path = tmp_path / "extract.csv"
    path.write_bytes((PARTNER + row + "\n" * 70_000 + row + row).encode())
    error = _refused(store, lambda: ingest_extract(path, store, "x"))
    assert error.problem.startswith(
        "The file extract.csv has more than 64 KB of blank lines in a row after line 2"
    )


@pytest.mark.parametrize("split", [-30, 0, 30])
def test_blank_lines_are_counted_across_the_chunks_a_file_is_read_in(tmp_path, split):
    """A run straddling the 1 MB read boundary is one run; a shorter one is no fault."""
    lead = b"a,b\n" + b"1,2\n" * ((1 << 20) // 4)  # the run starts near the end of the first chunk
    lead = lead[: (1 << 20) + split].rsplit(b"\n", 1)[0]
    small = Limits(blank_bytes=100)
    path = tmp_path / "f.csv"
    path.write_bytes(lead + b"\n" * 101 + b"3,4\n")
    with pytest.raises(DataFormatError, match="more than 100 bytes of blank lines in a row after line"):
        read_whole(path, "f.csv", "again", small)
    path.write_bytes(lead + b"\n" * 100 + b"3,4\n")
    assert read_whole(path, "f.csv", "again", small).size == len(lead) + 104


def test_a_few_blank_lines_between_rows_still_load(store, tmp_path):
    header, body = _month()
    path = tmp_path / NAME
    path.write_text(header + "".join(body[:50]) + "\n\n\n" + "".join(body[50:]))
    ingest([path], store)
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == 100


# -- police.uk headers: each edit named for what it is ----------------------------------------


def _header_edit(header: str, body: list[str], edit: str) -> str:
    if edit == "case":
        return header.lower() + "".join(body)
    if edit == "repeated":
        return header.replace("\n", ",Month\n") + "".join(line.replace("\n", ",2025-01\n") for line in body)
    return header.replace("\n", ",\n") + "".join(line.replace("\n", ",\n") for line in body)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ("case", "has the column 'crime id', which police.uk writes 'Crime ID'."),
        ("repeated", "has two 'Month' columns."),
        ("trailing comma", "has a column with no name (column 13 of 13)."),
    ],
)
def test_an_edited_police_header_is_refused_for_what_was_done_to_it(store, tmp_path, edit, reason):
    header, body = _month()
    path = tmp_path / NAME
    path.write_text(_header_edit(header, body, edit))
    error = _refused(store, lambda: ingest([path], store))
    assert error.problem == f"The file {NAME} {reason}"


# -- line endings mixed within a file -----------------------------------------------------------


def test_an_extract_mixing_line_endings_names_the_first_line_that_differs(store, tmp_path):
    rows = [f"2025-01-{day:02d},Burglary,E01029742,V{day}" for day in range(1, 21)]
    text = PARTNER.replace("\n", "\r\n") + "".join(
        r + ("\r\n" if i < 5 else "\n") for i, r in enumerate(rows)
    )
    path = tmp_path / "extract.csv"
    path.write_bytes(text.encode())
    error = _refused(store, lambda: ingest_extract(path, store, "x"))
    assert error.problem == (
        "The file extract.csv mixes line endings: line 7 ends Unix (LF), but the header ends Windows (CR LF)."
    )


def test_a_line_break_inside_a_quoted_cell_is_not_a_mixed_ending(store, tmp_path):
    path = tmp_path / "extract.csv"
    text = 'date,category,lsoa_code,segment\r\n2025-01-03,Burglary,E01029742,"Young\nrenters"\r\n'
    path.write_bytes(text.encode())
    assert ingest_extract(path, store, "x").rows == 1


# -- the ONS population answer ------------------------------------------------------------------

ONS = "DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME,OBS_VALUE\n"
ROW = "2021,E07000197,Stafford,Male,Age 5,12\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            ONS + "2021,E07000197," + "S" * 200_000 + ",Male,Age 5,12\n",
            "it cannot be read as CSV (field larger",
        ),
        (
            ONS + "2021,E07000197,Stafford,Male,Age 5,1\u00b2\n",
            "line 2 has the count '1²', not a whole number",
        ),
        (ONS + "2021,E07000197,Stafford,Male,Age 5,\u0661\u0662\n", "line 2 has the count '١٢'"),
        (
            ONS + "0000,E07000197,Stafford,Male,Age 5,12\n",
            "the date '0000', not a year from 1981 to this year",
        ),
        (ONS + "2999,E07000197,Stafford,Male,Age 5,12\n", "the date '2999', not a year from 1981"),
        (ONS + "\u0662\u0660\u0662\u0661,E07000197,Stafford,Male,Age 5,12\n", "the date '٢٠٢١'"),
        (ONS + "2021,E07000197,Stafford,Male,Age \u0665,12\n", "the age 'Age ٥'"),
        (ONS + "2021,E07000197,Staff\x00ord,Male,Age 5,12\n", "line 2 holds a NUL byte"),
        ("DATE_NAME," + ONS + "2020," + ROW, "it has two DATE_NAME columns"),
    ],
)
def test_an_ons_answer_with_a_wrong_value_is_refused_not_read(text, words):
    with pytest.raises(DataFormatError) as info:
        parse_answer(text, "http://127.0.0.1/x")
    assert words in info.value.problem
    assert "\n" not in info.value.message


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_an_ons_answer_with_other_line_endings_is_read(newline):
    text = (ONS + ROW + ROW.replace("Male", "Female")).replace("\n", newline)
    assert parse_answer(text, "http://127.0.0.1/x") == {
        ("E07000197", 1, 5): ("Stafford", 2021, 12),
        ("E07000197", 2, 5): ("Stafford", 2021, 12),
    }


# -- what the database says stays one line ------------------------------------------------------


def test_a_database_complaint_over_many_lines_is_one_line():
    error = import_failure(duckdb.NotImplementedException("Not implemented Error: no\n\n  file = x.csv\n"))
    assert error.problem == (
        "The import stopped because the database reported a problem (Not implemented Error: no); "
        "nothing was changed."
    )
