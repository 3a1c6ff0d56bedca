"""Issue 13 for partner extracts: personal details refused, ages and dates bounded, and the
files that cannot be committed (pipes, devices, unreadable files) refused with their own message.

The corpus of bad files is tests/fixtures/bad_extracts, with its expected errors in
tests/data/test_partner.py (BAD_EXTRACTS).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from saferplaces.data.partner import ingest_extract
from saferplaces.data.partner_format import looks_personal
from saferplaces.errors import DataFormatError, InputError
from tests.conftest import FIXTURES, ROOT
from tests.data.test_ingest_hostile import _as_nobody, open_dir  # noqa: F401 (open_dir is a fixture)

CORPUS = FIXTURES / "bad_extracts"
HEADER = "date,category,lsoa_code,victim_id,offender_id,location_id,victim_age_band,segment"


def extract(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "extract.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


# Pseudonyms made as docs/partner-extract.md advises (a keyed hash cut to 16 hex characters),
# the synthetic extract's, and short-prefix reference numbers all load.
GOOD_IDS = ["3f9a0c11deadbeef", "V000000012", "O000000007", "L0000042", "PER-000123", "a1b2c3d4-0001"]
# Values that are personal details, each with what it looks like.
PERSONAL = {
    "jane@example.org": "an e-mail address",
    "AB123456C": "a National Insurance number",
    "ab123456": "a National Insurance number",
    "07700900123": "a telephone number",
    "+447700900123": "a telephone number",
    "01785-123456": "a telephone number",
    "Smith": "a name or a word",
    "jane.smith": "a name or a word",
    "JSmith1": "a name or a word",
    "VICTIM-0001": "a name or a word",
}


@pytest.mark.parametrize("value", GOOD_IDS)
def test_pseudonyms_load(store, tmp_path, value):
    path = extract(tmp_path, f"2025-03-01,Burglary,E01014210,{value},{value},{value},18-24,Young renters")
    assert ingest_extract(path, store, "x").rows == 1
    assert looks_personal(value) is None


@pytest.mark.parametrize(("value", "kind"), sorted(PERSONAL.items()))
@pytest.mark.parametrize("column", ["victim_id", "offender_id", "location_id"])
def test_personal_details_in_an_identifier_are_refused_without_repeating_them(
    store, tmp_path, value, kind, column
):
    ids = {"victim_id": "V1", "offender_id": "O1", "location_id": "L1", column: value}
    row = f"2025-03-01,Burglary,E01014210,{ids['victim_id']},{ids['offender_id']},{ids['location_id']},,"
    with pytest.raises(DataFormatError) as info:
        ingest_extract(extract(tmp_path, "2025-03-01,Burglary,E01014210,V1,O1,L1,,", row), store, "x")
    assert f"Line 3 of extract.csv has a value in column '{column}' that looks like {kind}" in str(info.value)
    assert value not in str(info.value)  # an error message must not spread the personal detail
    assert looks_personal(value) == kind
    assert not store.root.exists() or not (store.root / "partner" / "x").exists()


@pytest.mark.parametrize(
    "segment", ["Young renters", "Affluent Achievers", "Group B: Prestige Positions", "Urban 20-30s"]
)
def test_segment_names_load(store, tmp_path, segment):
    path = extract(tmp_path, f'2025-03-01,Burglary,E01014210,V1,,,18-24,"{segment}"')
    assert ingest_extract(path, store, "x").rows == 1


@pytest.mark.parametrize(
    ("segment", "kind"),
    [
        ("contact jane@example.org", "an e-mail address"),
        ("NI AB 12 34 56 C", "a National Insurance number"),
        ("tel 07700 900123", "a telephone number"),
    ],
)
def test_personal_details_in_a_segment_are_refused(store, tmp_path, segment, kind):
    with pytest.raises(DataFormatError, match=f"column 'segment' that looks like {kind}"):
        ingest_extract(extract(tmp_path, f"2025-03-01,Burglary,E01014210,V1,,,,{segment}"), store, "x")


def test_two_hundred_segments_load_and_more_are_refused(store, tmp_path):
    rows = [f"2025-03-01,Burglary,E01014210,V1,,,,Segment {i}" for i in range(200)]
    assert ingest_extract(extract(tmp_path, *rows), store, "x").rows == 200
    with pytest.raises(DataFormatError, match="has 201 different values in column 'segment'"):
        ingest_extract(extract(tmp_path, *rows, "2025-03-01,Burglary,E01014210,V1,,,,Segment X"), store, "x")


@pytest.mark.parametrize("band", ["0-17", "100-120", "120+", "unknown", "0-0"])
def test_age_bands_within_0_to_120_load(store, tmp_path, band):
    assert (
        ingest_extract(extract(tmp_path, f"2025-03-01,Burglary,E01014210,V1,,,{band},"), store, "x").rows == 1
    )


@pytest.mark.parametrize("band", ["121+", "110-121", "999-999", "-1-5"])
def test_age_bands_beyond_120_are_refused(store, tmp_path, band):
    with pytest.raises(DataFormatError, match="column 'victim_age_band'"):
        ingest_extract(extract(tmp_path, f"2025-03-01,Burglary,E01014210,V1,,,{band},"), store, "x")


def test_dates_run_from_2000_to_today(store, tmp_path):
    today = date.today()
    ok = extract(
        tmp_path, "2000-01-01,Burglary,E01014210,V1,,,,", f"{today.isoformat()},Burglary,E01014210,V1,,,,"
    )
    assert ingest_extract(ok, store, "x").rows == 2
    tomorrow = (today + timedelta(days=1)).isoformat()
    with pytest.raises(DataFormatError, match=rf"'{tomorrow}' in column 'date', which is after today"):
        ingest_extract(extract(tmp_path, f"{tomorrow},Burglary,E01014210,V1,,,,"), store, "x")
    with pytest.raises(DataFormatError, match="'1999-12-31' in column 'date', which is before 2000"):
        ingest_extract(extract(tmp_path, "1999-12-31,Burglary,E01014210,V1,,,,"), store, "x")


def test_the_date_rule_takes_the_date_it_is_given():
    from saferplaces.data.partner import _checks

    checks = {
        what for _, _, what, _ in _checks({"date", "month", "category", "lsoa_code"}, date(2025, 6, 15))
    }
    assert "after today (2025-06-15)" in checks and "after this month (2025-06)" in checks


def test_named_pipe_and_device_are_refused(store, tmp_path):
    pipe = tmp_path / "extract.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="is a named pipe, not a file"):
        ingest_extract(pipe, store, "x")
    if Path("/dev/zero").exists():
        with pytest.raises(InputError, match="is a device, not a file"):
            ingest_extract("/dev/zero", store, "x")


def test_the_corpus_generator_is_up_to_date(tmp_path):
    env = {**os.environ, "FIXTURES_OUT": str(tmp_path)}
    subprocess.run([sys.executable, str(CORPUS / "make_bad_extracts.py")], check=True, cwd=ROOT, env=env)
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (CORPUS / path.name).read_bytes(), path.name
    made = {p.name for p in tmp_path.iterdir()}
    held = {p.name for p in CORPUS.iterdir() if p.suffix != ".py" and p.name != "__pycache__"}
    assert made == held


def test_an_extract_the_os_will_not_open_says_permission_denied(open_dir):  # noqa: F811 (the fixture)
    secret = open_dir / "extract.csv"
    secret.write_text("date,category,lsoa_code\n2025-03-01,Burglary,E01014210\n")
    secret.chmod(0o000)
    code = (
        "from saferplaces.data.partner import ingest_extract\n"
        "from saferplaces.data.store import Store\n"
        "from saferplaces.errors import SaferPlacesError\n"
        "try:\n"
        f"    ingest_extract({str(secret)!r}, Store({str(open_dir / 'store')!r}), 'x')\n"
        "except SaferPlacesError as exc:\n"
        "    print(type(exc).__name__, exc.message)\n"
    )
    out = _as_nobody(code, open_dir)
    assert out.stdout.startswith("InputError The file extract.csv cannot be read: permission denied."), (
        out.stdout + out.stderr
    )
