"""Issue 13, section 2: the gaps the earlier sweeps left, and a corpus widened over every
command-line importer (police.uk ingest, partner extracts).

Each refusal is checked for its own reason (the exact start of the sentence that names the
file, and the line where there is one) and for a store that is byte-identical afterwards;
each file that loads is checked for exactly the rows it holds and for what it says.
"""

from __future__ import annotations

import codecs
import gzip
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.partner import ingest_extract
from saferplaces.errors import DataFormatError, InputError, SaferPlacesError
from tests.conftest import month_file, tree_digest
from tests.data.test_hostile_corpus_more import _zip

NAME = "2025-01-staffordshire-street.csv"
PARTNER_HEADER = "date,category,lsoa_code,victim_id"


def _month_text() -> str:
    return gzip.decompress(month_file("2025-01").read_bytes()).decode("utf-8")


def _refused(store, run: Callable[[], object]) -> SaferPlacesError:
    ingest([month_file("2024-01")], store)  # a store with something in it
    before = tree_digest(store.root)
    with pytest.raises(SaferPlacesError) as info:
        run()
    assert tree_digest(store.root) == before
    assert "\n" not in str(info.value)
    return info.value


# -- a zip inside a zip ----------------------------------------------------------------------


def test_a_zip_inside_a_zip_is_named_and_the_user_told_to_unzip_it(store, tmp_path):
    inner = _zip({NAME: _month_text().encode()})
    archive = tmp_path / "police.zip"
    archive.write_bytes(_zip({"2025-01/inner-months.zip": inner}))
    error = _refused(store, lambda: ingest([archive], store))
    assert isinstance(error, DataFormatError)
    assert error.problem == (
        "The archive police.zip holds another zip archive, 2025-01/inner-months.zip, and Safer "
        "Places does not open an archive inside an archive."
    )
    assert error.action.startswith("Unzip inner-months.zip first")


def test_a_zip_inside_a_zip_under_a_csv_name_is_found_by_its_bytes(store, tmp_path):
    inner = _zip({NAME: _month_text().encode()})
    archive = tmp_path / "police.zip"
    archive.write_bytes(_zip({f"2025-01/{NAME}": inner}))
    error = _refused(store, lambda: ingest([archive], store))
    assert f"holds another zip archive, 2025-01/{NAME}" in error.problem


def test_a_zip_inside_a_zip_found_in_a_folder_is_named_with_its_folder(store, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "outer.zip").write_bytes(_zip({"more.zip": _zip({NAME: _month_text().encode()})}))
    error = _refused(store, lambda: ingest([folder], store))
    assert error.problem.startswith("The archive downloads/outer.zip holds another zip archive, more.zip")


# -- partner extracts: repeated rows are counted as police.uk files' are -----------------------


def _extract(tmp_path: Path, rows: list[str], name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([PARTNER_HEADER, *rows]) + "\n")
    return path


def test_exact_duplicate_rows_of_an_extract_are_loaded_and_counted(store, tmp_path):
    rows = [f"2025-01-{day:02d},Burglary,E01029742,V{day:04d}" for day in range(1, 21)]
    path = _extract(tmp_path, rows + rows[:5] + rows[:2])  # 7 extra copies
    result = ingest_extract(path, store, "police-2025")
    assert result.rows == 27
    assert result.notes == (
        "The file extract.csv has rows that are exact copies of others, repeated up to 3 times "
        "(7 repeats); they were loaded as they are. Check the file was not edited or joined from "
        "overlapping parts.",
    )
    assert result.messages()[-1] == result.notes[0]


def test_an_extract_without_repeats_says_nothing_about_them(store, tmp_path):
    rows = [f"2025-01-{day:02d},Burglary,E01029742,V{day:04d}" for day in range(1, 21)]
    assert ingest_extract(_extract(tmp_path, rows), store, "x").notes == ()


def test_an_extract_of_one_row_says_one_row(store, tmp_path):
    result = ingest_extract(_extract(tmp_path, ["2025-01-03,Burglary,E01029742,V1"]), store, "x")
    assert result.messages() == ["Added the extract 'x': 1 row from extract.csv."]


def test_rows_differing_only_in_spaces_at_either_end_are_copies(store, tmp_path):
    rows = ["2025-01-03,Burglary,E01029742,V0001", " 2025-01-03 ,Burglary, E01029742 ,V0001 "]
    notes = ingest_extract(_extract(tmp_path, rows), store, "x").notes
    assert notes == (
        "The file extract.csv has rows that are exact copies of others, repeated up to 2 times "
        "(1 repeat); they were loaded as they are. Check the file was not edited or joined from "
        "overlapping parts.",
    )


def test_a_few_copies_in_a_large_extract_are_legitimate_and_not_reported(store, tmp_path):
    # two thefts from one shop on one day are two crimes with the same details
    rows = [f"2025-01-{1 + i % 28:02d},Shoplifting,E01029742,V{i:04d}" for i in range(300)]
    path = _extract(tmp_path, rows + rows[:2])  # 2 copies in 302 rows: under 1%
    assert ingest_extract(path, store, "x").notes == ()


def test_an_extract_joined_from_overlapping_parts_is_reported(store, tmp_path):
    rows = [f"2025-01-{1 + i % 28:02d},Shoplifting,E01029742,V{i:04d}" for i in range(300)]
    path = _extract(tmp_path, rows + rows[:4])  # 4 copies in 304 rows: over 1%
    notes = ingest_extract(path, store, "x").notes
    assert notes == (
        "The file extract.csv has rows that are exact copies of others, repeated up to 2 times "
        "(4 repeats); they were loaded as they are. Check the file was not edited or joined from "
        "overlapping parts.",
    )


# -- the widened corpus: classes from section 2 over both command-line importers ---------------

#: name -> (bytes of the police.uk file NAME, the exact start of the problem after "The file NAME ")
POLICE_REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "zero bytes": (lambda: b"", "is empty"),
    "a byte order mark and nothing else": (lambda: codecs.BOM_UTF8, "is empty"),
    "UTF-16 little-endian with its mark": (
        lambda: codecs.BOM_UTF16_LE + _month_text().encode("utf-16-le"),
        "is UTF-16 text, not UTF-8",
    ),
    "carriage returns alone": (
        lambda: _month_text().replace("\n", "\r").encode(),
        "ends its lines with a carriage return alone",
    ),
    "a NUL byte in a row": (
        lambda: _month_text().replace("Burglary", "Burg\x00lary", 1).encode(),
        "holds a NUL byte (a binary zero) on line",
    ),
    "an HTML page renamed .csv": (
        lambda: b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Not found</body></html>\n",
        "is a web page (HTML), not a CSV file",
    ),
    "a PDF renamed .csv": (
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "is a PDF document, not a CSV file",
    ),
    "an XLSX renamed .csv": (
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "is an Excel workbook (XLSX), not a CSV file",
    ),
    "a zip archive of no police.uk files": (
        lambda: _zip({"notes/readme.txt": b"hello"}),
        "holds no police.uk street or outcomes CSV files",
    ),
    "semicolons for commas": (
        lambda: _month_text().replace(",", ";").encode(),
        "separates its columns with semicolons, not commas",
    ),
    "tabs for commas": (
        lambda: _month_text().replace(",", "\t").encode(),
        "separates its columns with tabs, not commas",
    ),
    "Excel's sep= line first": (
        lambda: ("sep=,\n" + _month_text()).encode(),
        "starts with a 'sep=' line (which Excel writes to name the separator)",
    ),
    "the header again half way down": (
        lambda: _header_again(_month_text()),
        "has 1 row repeating the header row, for example 'Month' on line 51",
    ),
}


def _header_again(text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:50] + [lines[0]] + lines[50:]).encode()


@pytest.mark.parametrize("case", sorted(POLICE_REFUSED))
def test_wider_police_uk_corpus_is_refused_for_its_own_reason(store, tmp_path, case):
    make, reason = POLICE_REFUSED[case]
    path = tmp_path / NAME
    path.write_bytes(make())
    error = _refused(store, lambda: ingest([path], store))
    assert isinstance(error, DataFormatError | InputError)
    shown = f"The archive {NAME} " if "archive" in reason or "holds no" in reason else f"The file {NAME} "
    assert error.problem.startswith(shown + reason), error.problem


def test_a_quoted_location_spanning_lines_loads_as_one_row(store, tmp_path):
    text = _month_text()
    lines = text.splitlines(keepends=True)
    first = lines[1].split(",")
    first[6] = '"On or near\nHigh Street"'
    lines[1] = ",".join(first)
    path = tmp_path / NAME
    path.write_text("".join(lines))
    ingest([path], store)
    got = store.connect().execute("select count(*), count(*) filter (where location like '%\n%') from crimes")
    assert got.fetchone() == (len(lines) - 1, 1)


def test_a_link_to_a_folder_outside_is_not_followed_and_said(store, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / NAME).write_text(_month_text())
    folder = tmp_path / "police"
    (folder / "sub").mkdir(parents=True)
    os.symlink(outside, folder / "sub" / "linked-folder")
    with pytest.raises(InputError) as info:
        ingest([folder], store)
    assert info.value.problem == (
        f"The folder {folder} holds nothing to import but links to other folders "
        "(sub/linked-folder), which are not followed."
    )
    assert info.value.action.startswith("Name the linked folder itself")
    assert ingest([folder / "sub" / "linked-folder"], store).count("added") == 1  # named, it is read


def test_a_path_with_dot_dot_is_read_where_it_points_and_named_as_given(store, tmp_path):
    (tmp_path / "a").mkdir()
    path = tmp_path / "a" / ".." / NAME
    (tmp_path / NAME).write_text(_month_text())
    result = ingest([path], store)
    assert result.files == 1 and result.count("added") == 1


EXTRACT_REFUSED: dict[str, tuple[bytes, str]] = {
    "zero bytes": (b"", "The file extract.csv is empty."),
    "a header and nothing else": (
        (PARTNER_HEADER + "\n").encode(),
        "The file extract.csv has a header but no rows.",
    ),
    "UTF-16 with its mark": (
        codecs.BOM_UTF16_LE + (PARTNER_HEADER + "\n2025-01-03,Burglary,E01029742,V1\n").encode("utf-16-le"),
        "The file extract.csv is UTF-16 text, not UTF-8.",
    ),
    "carriage returns alone": (
        (PARTNER_HEADER + "\r2025-01-03,Burglary,E01029742,V1\r").encode(),
        "The file extract.csv ends its lines with a carriage return alone",
    ),
    "a NUL byte": (
        (PARTNER_HEADER + "\n2025-01-03,Burg\x00lary,E01029742,V1\n").encode(),
        "The file extract.csv holds a NUL byte (a binary zero) on line 2",
    ),
    "an HTML page": (
        b"\n  <html><body>Session expired</body></html>\n",
        "The file extract.csv is a web page (HTML), not a CSV file.",
    ),
    "a PDF": (b"%PDF-1.4\n1 0 obj\n", "The file extract.csv is a PDF document, not a CSV file."),
    "an Excel 97-2003 workbook": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        "The file extract.csv is an Excel 97-2003 workbook or another Office file, not a CSV file.",
    ),
    "a zip archive": (_zip({"extract.csv": b"x"}), "The file extract.csv is a zip archive, not a CSV."),
    "an XLSX workbook": (
        _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "The file extract.csv is an Excel workbook (XLSX), not a CSV file.",
    ),
    "the header again half way down": (
        (
            PARTNER_HEADER
            + "\n2025-01-03,Burglary,E01029742,V1\n"
            + PARTNER_HEADER
            + "\n2025-01-04,Burglary,E01029742,V2\n"
        ).encode(),
        "Line 3 of extract.csv has 'category' in column 'category', which is a column name: the header row "
        "again.",
    ),
    "semicolons for commas": (
        (PARTNER_HEADER + "\n2025-01-03,Burglary,E01029742,V1\n").replace(",", ";").encode(),
        "The file extract.csv separates its columns with semicolons, not commas.",
    ),
    "a date as an Excel serial": (
        (PARTNER_HEADER + "\n45658,Burglary,E01029742,V1\n").encode(),
        "Line 2 of extract.csv has '45658' in column 'date', which is a number, not a date (Excel keeps "
        "a date as a number of days",
    ),
}


@pytest.mark.parametrize("case", sorted(EXTRACT_REFUSED))
def test_wider_extract_corpus_is_refused_for_its_own_reason(store, tmp_path, case):
    data, reason = EXTRACT_REFUSED[case]
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    error = _refused(store, lambda: ingest_extract(path, store, "x"))
    assert error.problem.startswith(reason), error.problem


def test_an_extract_with_a_byte_order_mark_loads(store, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(codecs.BOM_UTF8 + (PARTNER_HEADER + "\n2025-01-03,Burglary,E01029742,V1\n").encode())
    assert ingest_extract(path, store, "x").rows == 1


def test_an_extract_with_a_quoted_value_over_two_lines_counts_lines_as_a_spreadsheet_does(store, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(
        "date,category,lsoa_code,segment\n"
        '2025-01-03,Burglary,E01029742,"Young\nrenters"\n'
        "2025-01-04,Burglery,E01029742,Older\n"
    )
    error = _refused(store, lambda: ingest_extract(path, store, "x"))
    assert error.problem.startswith("Line 3 of extract.csv has 'Burglery' in column 'category'")


def test_a_header_repeated_in_another_spelling_is_named_as_the_header(store, tmp_path):
    header = "Offence Date,Crime Type,LSOA"
    path = tmp_path / "extract.csv"
    path.write_text(
        f"{header}\n2025-01-03,Burglary,E01029742\n{header.upper()}\n2025-01-04,Burglary,E01029742\n"
    )
    error = _refused(store, lambda: ingest_extract(path, store, "x"))
    assert error.problem == (
        "Line 3 of extract.csv has 'CRIME TYPE' in column 'category', which is a column name: the "
        "header row again."
    )
    assert error.action.startswith("Delete the repeated header rows")


def test_a_downloaded_archive_that_is_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path):
    from saferplaces.data.download import extract_force_months

    archive = tmp_path / "2025-01.zip"
    member = "2025-01/2025-01-staffordshire-street.csv"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, bytes(70 * 1024**2))  # 70 MB of zeros, about 70 KB compressed
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(DataFormatError) as info:
        extract_force_months(archive, "https://data.police.uk/x.zip", "staffordshire", ["2025-01"], dest)
    assert info.value.problem == (
        "The archive from https://data.police.uk/x.zip decompresses to over 200 times its compressed "
        "size, which no real CSVs do, so nothing was read."
    )
    assert sum(p.stat().st_size for p in dest.iterdir()) == 0
