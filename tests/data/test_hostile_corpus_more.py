"""Issue 13, a wider hostile corpus: new cases in each class the earlier corpus named, made here
from one real bundled month so each breaks exactly one thing.

Every refusal must give its own reason (the expected start is named with each case), name a
line where there is one, stay one line however long or odd the bad value is, and leave the
store byte-identical; every case loaded must load exactly the rows the file holds.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zipfile
from collections.abc import Callable

import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.partner import ingest_extract
from saferplaces.errors import DataFormatError, example
from tests.conftest import month_file, raw_rows, tree_digest

NAME = "2025-01-staffordshire-street.csv"


def _lines() -> tuple[str, list[str]]:
    text = gzip.decompress(month_file("2025-01").read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    return lines[0], lines[1:101]


def _with_cell(column: int, value: str) -> bytes:
    """The first 100 rows, the first row with a map point given ``value`` in ``column``."""
    header, body = _lines()
    first = next(i for i, line in enumerate(body) if line.split(",")[4])
    row = next(csv.reader([body[first]]))
    row[column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return (header + "".join(body[:first]) + out.getvalue() + "".join(body[first + 1 :])).encode("utf-8")


LONGITUDE, LATITUDE, MONTH, LSOA = 4, 5, 1, 7
LAT_LINE = "on line 2"  # the first row of the bundled month has a map point

#: name -> (bytes of a file named 2025-01-staffordshire-street.csv(.gz), start of the reason)
REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    # coordinates: the example is the bad value itself, not the other column of the pair
    "latitude NaN": (
        lambda: _with_cell(LATITUDE, "NaN"),
        f"not a longitude and latitude in the United Kingdom, for example 'NaN' {LAT_LINE}",
    ),
    "latitude -Infinity": (lambda: _with_cell(LATITUDE, "-Infinity"), "for example '-Infinity'"),
    "longitude inf": (lambda: _with_cell(LONGITUDE, "inf"), "for example 'inf'"),
    "latitude with a thousands comma": (lambda: _with_cell(LATITUDE, "52,543"), "for example '52,543'"),
    "latitude in Arabic-Indic digits": (
        lambda: _with_cell(LATITUDE, "\u0665\u0662.\u0665"),
        "for example '٥٢.٥'",
    ),
    "latitude with a superscript": (lambda: _with_cell(LATITUDE, "52\u00b2"), "for example '52²'"),
    "latitude out of range": (lambda: _with_cell(LATITUDE, "152.5"), "for example '152.5'"),
    "longitude without latitude": (
        lambda: _with_cell(LATITUDE, ""),
        "with a Longitude but no Latitude, for example '-1.926599' on line 2",
    ),
    "latitude without longitude": (lambda: _with_cell(LONGITUDE, ""), "with a Latitude but no Longitude"),
    # months and codes of the wrong shape, country or digits
    "month 2025-13": (lambda: _with_cell(MONTH, "2025-13"), "whose Month is not a year and month"),
    "month 2025-1": (lambda: _with_cell(MONTH, "2025-1"), "for example '2025-1' on line 2"),
    "month in Arabic-Indic digits": (
        lambda: _with_cell(MONTH, "\u0662\u0660\u0662\u0665-01"),
        "whose Month is not",
    ),
    "Scottish data zone": (lambda: _with_cell(LSOA, "S01006506"), "whose LSOA code is not an ONS code"),
    "LSOA code in lower case": (lambda: _with_cell(LSOA, "e01009245"), "whose LSOA code is not"),
    "LSOA code with an Arabic-Indic digit": (
        lambda: _with_cell(LSOA, "E0100924\u0665"),
        "whose LSOA code is not",
    ),
    # a bad value that is huge or holds control characters is shown short and on one line
    "a month of 100,000 characters": (lambda: _with_cell(MONTH, "2" * 100_000), "(100,000 characters)"),
    "a month holding a line break": (lambda: _with_cell(MONTH, "2025\n-01"), "for example '2025\\n-01'"),
    "a month holding an escape code": (lambda: _with_cell(MONTH, "\x1b[31m2025-01"), "'\\x1b[31m2025-01'"),
    # the bytes
    "gzip inside gzip": (
        lambda: gzip.compress(gzip.compress(_with_cell(LSOA, "E01009245"))),
        "is compressed twice",
    ),
    "zip inside gzip": (
        lambda: gzip.compress(_zip({"a.csv": b"x"})),
        "is compressed twice",
    ),
    "UTF-16 without a byte order mark": (
        lambda: (_lines()[0] + "".join(_lines()[1])).encode("utf-16-le"),
        "is UTF-16 text, not UTF-8",
    ),
    "UTF-16 big-endian with its byte order mark": (
        lambda: codecs.BOM_UTF16_BE + ("".join(_lines()[0]) + "".join(_lines()[1])).encode("utf-16-be"),
        "is UTF-16 text, not UTF-8",
    ),
    "Latin-1 in the header": (
        lambda: (
            _lines()[0].replace("Location", "Locati\u00f3n").encode("latin-1") + "".join(_lines()[1]).encode()
        ),
        "is not UTF-8 text",
    ),
    "whitespace only": (lambda: b"  \n\t\n \n", "is empty"),
    "a header without its line end": (lambda: _lines()[0].rstrip("\n").encode(), "has a header but no rows"),
    "the header twice": (
        lambda: (_lines()[0] * 2 + "".join(_lines()[1])).encode(),
        "for example 'Month' on line 2",
    ),
    "one extra field on a row": (
        lambda: (_lines()[0] + _lines()[1][0].rstrip("\n") + ",x\n" + "".join(_lines()[1][1:])).encode(),
        "cannot be read as CSV on line 2",
    ),
    "semicolons for commas": (
        lambda: (_lines()[0] + "".join(_lines()[1])).replace(",", ";").encode(),
        "separates its columns with semicolons, not commas",
    ),
    "columns swapped": (
        lambda: _swap_first_two(_lines()[0] + "".join(_lines()[1])).encode(),
        "has its columns in the wrong order",
    ),
}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _swap_first_two(text: str) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        cells = line.rstrip("\n").split(",")
        out.append(",".join([cells[1], cells[0], *cells[2:]]) + "\n")
    return "".join(out)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_wider_hostile_police_file_is_refused_for_its_own_reason(store, tmp_path, case):
    make, reason = REFUSED[case]
    data = make()
    path = tmp_path / (NAME + ".gz" if data[:2] == b"\x1f\x8b" else NAME)
    path.write_bytes(data)
    ingest([month_file("2024-01")], store)
    before = tree_digest(store.root)
    with pytest.raises(DataFormatError) as info:
        ingest([path], store)
    message = info.value.message
    assert reason in message, message
    assert "\n" not in message and len(message) < 600
    assert tree_digest(store.root) == before
    assert not (store.root / ".work").exists()


def _rows_of(data: bytes) -> int:
    return len(list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))))


#: name -> (file name, bytes): files that hold good rows in an unusual but honest form.
LOADED: dict[str, tuple[str, Callable[[], bytes]]] = {
    "UTF-8 byte order mark": (NAME, lambda: b"\xef\xbb\xbf" + (_lines()[0] + "".join(_lines()[1])).encode()),
    "Windows line ends": (NAME, lambda: (_lines()[0] + "".join(_lines()[1])).replace("\n", "\r\n").encode()),
    "a line break inside a quoted cell": (
        NAME,
        lambda: (
            (
                _lines()[0]
                + _lines()[1][0].replace('"On or near', '"On or\nnear', 1)
                + "".join(_lines()[1][1:])
            ).encode()
            if '"On or near' in _lines()[1][0]
            else _with_cell(6, "On or\nnear The Rise")
        ),
    ),
    "blank lines at the end": (NAME, lambda: (_lines()[0] + "".join(_lines()[1]) + "\n\n\n").encode()),
    "a name with full-width digits (so the rows decide the month)": (
        "\uff12025-01-staffordshire-street.csv",
        lambda: (_lines()[0] + "".join(_lines()[1])).encode(),
    ),
    "a gzip member in a zip": (
        "police.zip",
        lambda: _zip({f"2025-01/{NAME}.gz": gzip.compress((_lines()[0] + "".join(_lines()[1])).encode())}),
    ),
    "an absolute member path in a zip": (
        "police.zip",
        lambda: _zip({f"/tmp/{NAME}": (_lines()[0] + "".join(_lines()[1])).encode()}),
    ),
}


@pytest.mark.parametrize("case", sorted(LOADED))
def test_honest_files_in_unusual_forms_load_every_row(store, tmp_path, case):
    name, make = LOADED[case]
    data = make()
    path = tmp_path / name
    path.write_bytes(data)
    ingest([path], store)
    expected = 100  # every case holds the first 100 rows of the month
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == expected
    assert not (tmp_path.parent / NAME).exists()  # an absolute zip path wrote nothing outside


def test_a_symlinked_month_is_read_through_its_link(store, tmp_path):
    link = tmp_path / NAME
    link.symlink_to(month_file("2025-01").resolve())
    ingest([link], store)
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == len(raw_rows("2025-01"))


# -- partner extracts ----------------------------------------------------------------------------

HEADER = "date,category,lsoa_code,domestic,victim_id"

#: name -> (file text or bytes, start of the message)
EXTRACTS_REFUSED: dict[str, tuple[bytes, str]] = {
    "a segment of 60,000 characters": (
        f"{HEADER},segment\n2025-03-01,Burglary,E01014210,Y,V1,{'S1 ' * 20_000}\n".encode(),
        "Line 2 of extract.csv has 'S1 S1",
    ),
    "a date holding a line break": (
        f'{HEADER}\n"2025-03\n-01",Burglary,E01014210,Y,V1\n'.encode(),
        "Line 2 of extract.csv has '2025-03\\n-01' in column 'date'",
    ),
    "a date in Arabic-Indic digits": (
        f"{HEADER}\n\u0662\u0660\u0662\u0665-03-01,Burglary,E01014210,Y,V1\n".encode(),
        "in column 'date', which is not a real day written YYYY-MM-DD",
    ),
    "year 0": (f"{HEADER}\n0000-03-01,Burglary,E01014210,Y,V1\n".encode(), "which is before 2000"),
    "year 99999": (f"{HEADER}\n99999-03-01,Burglary,E01014210,Y,V1\n".encode(), "which is not a real day"),
    "a Scottish data zone": (f"{HEADER}\n2025-03-01,Burglary,S01006506,Y,V1\n".encode(), "not an LSOA code"),
    "an easting with a thousands comma": (
        b'date,category,easting,northing\n2025-03-01,Burglary,"388,000",323000\n',
        "'388,000' in column 'easting'",
    ),
    "an easting in Arabic-Indic digits": (
        "date,category,easting,northing\n2025-03-01,Burglary,\u066388000,323000\n".encode(),
        "in column 'easting'",
    ),
    "latitude NaN": (
        b"date,category,longitude,latitude\n2025-03-01,Burglary,-2.1,nan\n",
        "'nan' in column 'latitude'",
    ),
    "a formula for an identifier": (
        f"{HEADER}\n2025-03-01,Burglary,E01014210,Y,=1+1\n".encode(),
        "not a pseudonym",
    ),
    "an age band in Arabic-Indic digits": (
        "date,category,lsoa_code,victim_age_band\n2025-03-01,Burglary,E01014210,\u0661\u0668-\u0662\u0664\n".encode(),
        "not an age band",
    ),
    "a column name of 50,000 characters": (
        f"{HEADER},{'x' * 50_000}\n2025-03-01,Burglary,E01014210,Y,V1,\n".encode(),
        "has a column 'xxxx",
    ),
    "a gzip inside a gzip": (
        gzip.compress(gzip.compress(f"{HEADER}\n2025-03-01,Burglary,E01014210,Y,V1\n".encode())),
        "is compressed twice",
    ),
    "UTF-16 without a byte order mark": (
        f"{HEADER}\n2025-03-01,Burglary,E01014210,Y,V1\n".encode("utf-16-le"),
        "is UTF-16 text, not UTF-8",
    ),
    "lone carriage returns": (
        f"{HEADER}\r2025-03-01,Burglary,E01014210,Y,V1\r".encode(),
        "carriage return alone",
    ),
}


@pytest.mark.parametrize("case", sorted(EXTRACTS_REFUSED))
def test_wider_hostile_extract_is_refused_for_its_own_reason(store, tmp_path, case):
    data, reason = EXTRACTS_REFUSED[case]
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    ingest([month_file("2025-01")], store)
    before = tree_digest(store.root)
    with pytest.raises(DataFormatError) as info:
        ingest_extract(path, store, "x")
    message = info.value.message
    assert reason in message, message
    assert "\n" not in message and len(message) < 700
    assert tree_digest(store.root) == before


def test_example_keeps_a_bad_value_short_and_on_one_line():
    assert example("2025-13") == "2025-13"
    assert example(None) == ""
    assert example("a\nb\rc\td\x00e\x1b") == "a\\nb\\rc\\td\\x00e\\x1b"
    assert example("x" * 61) == "x" * 60 + "… (61 characters)"
    assert example("Café Straße") == "Café Straße"
    assert example("a\u2028b") == "a\\u2028b"  # a Unicode line separator breaks lines too


def test_an_lsoa_code_in_no_lookup_is_loaded_and_said(store, tmp_path):
    path = tmp_path / NAME
    path.write_bytes(_with_cell(LSOA, "E01999999"))  # the ONS shape, but no lookup holds it
    result = ingest([path], store)
    assert store.connect().execute("select count(*) from crimes").fetchone()[0] == 100
    assert (
        f"The file {NAME} has 1 row whose LSOA code is in no ONS lookup, for example 'E01999999'; it was "
        "loaded, but counted in no ward, district or partnership area." in " ".join(result.notes)
    )
    held = store.connect().execute("select lad_code from crimes where lsoa_code = 'E01999999'").fetchall()
    assert held == [(None,)]


def test_an_assessment_of_an_area_with_no_crimes_held_says_so(store, tmp_path):
    from saferplaces.assessment.build import build_assessment
    from saferplaces.errors import InputError

    header, body = _lines()
    elsewhere = [line for line in body if ",E01009245," in line]  # a Birmingham LSOA, not Stafford
    assert elsewhere
    path = tmp_path / NAME
    path.write_text(header + "".join(elsewhere))
    ingest([path], store)
    with pytest.raises(InputError) as info:
        build_assessment(store, "Stafford", "2025-01")
    assert (
        info.value.problem
        == "No crimes in Stafford are held for January 2025, so there is nothing to assess."
    )
    assert "counts_by_category" not in info.value.message  # not the statistics' own wording
    assert info.value.action.endswith(".")  # says what to do, in a sentence


def test_an_assessment_extract_that_is_a_pipe_or_a_folder_is_named_for_what_it_is(store, tmp_path):
    import os

    from saferplaces.assessment.build import build_assessment
    from saferplaces.errors import InputError

    ingest([month_file("2025-01")], store)
    pipe = tmp_path / "police.csv"
    os.mkfifo(pipe)  # reading it would wait for ever: the refusal must come first
    with pytest.raises(InputError, match="police.csv is a named pipe, not a file"):
        build_assessment(store, "Stafford", "2025-01", extract=str(pipe))
    folder = tmp_path / "extracts"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder, not a partner extract CSV file"):
        build_assessment(store, "Stafford", "2025-01", extract=str(folder))


def test_an_extract_file_name_starting_with_an_underscore_gets_a_valid_name(store, tmp_path):
    from saferplaces.assessment.build import _extract_name

    path = tmp_path / "__Police 2025__.csv"
    path.write_text("date,category,lsoa_code\n2025-01-03,Burglary,E01014210\n")
    assert _extract_name(store, str(path)) == "police-2025"
