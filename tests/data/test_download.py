"""Downloading police.uk archives: archive planning, validation, and whole downloads against a
real HTTP server on 127.0.0.1 that serves archives built from the bundled real files
(tests/fixtures/police_uk_server), including every way the download can fail."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from saferplaces.data.download import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    download_police_uk,
    fetch,
    plan_archives,
    resolve_base_url,
    validate_force,
    validate_month,
    validate_month_range,
)
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, DownloadError, InputError
from tests.conftest import month_file, raw_rows, tree_digest
from tests.fixtures.police_uk_server.make_archive import build_archive, outcomes_bytes, street_bytes
from tests.fixtures.police_uk_server.server import RecordedServer

FAST = {"attempts": 2, "backoff": 0.0, "timeout": 5.0}


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Recorded responses: data.police.uk archives built from the bundled real files."""
    root = tmp_path_factory.mktemp("police_uk_server")
    build_archive(root, "2025-02", ["2025-01", "2025-02"])
    # For a range longer than 36 months: two archives, holding only the months bundled.
    build_archive(root, "2025-01", ["2025-01"], outcomes=False, decoys=False)
    build_archive(root, "2022-01", ["2019-02"], outcomes=False, decoys=False)
    return root


@pytest.fixture(scope="module")
def module_server(responses: Path) -> Iterator[RecordedServer]:
    with RecordedServer(responses) as server:
        yield server


@pytest.fixture
def server(module_server: RecordedServer) -> RecordedServer:
    module_server.faults.clear()
    module_server.hits.clear()
    module_server._served.clear()
    return module_server


@pytest.fixture(scope="module")
def held_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = Store(tmp_path_factory.mktemp("held") / "store")
    ingest([month_file("2024-01")], store)
    return store.root


@pytest.fixture
def held_store(held_template: Path, tmp_path: Path) -> Store:
    """A store already holding one real month, to prove a failure leaves it as it was."""
    shutil.copytree(held_template, tmp_path / "store")
    return Store(tmp_path / "store")


def _outcome_rows(month: str) -> int:
    return len(list(csv.DictReader(io.StringIO(outcomes_bytes(month).decode("utf-8")))))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Planning and validation


def test_one_archive_covers_up_to_36_months():
    months = validate_month_range("2023-01", "2025-12")
    assert len(months) == 36
    plans = plan_archives(months, DEFAULT_BASE_URL)
    assert [p.name for p in plans] == ["2025-12"]
    assert plans[0].url == "https://data.police.uk/data/archive/2025-12.zip"
    assert plans[0].months == months


@pytest.mark.parametrize(
    "start,names",
    [
        ("2022-12", ["2025-12", "2022-12"]),
        ("2020-01", ["2025-12", "2022-12"]),
        ("2019-12", ["2025-12", "2022-12", "2019-12"]),
    ],
)
def test_longer_ranges_take_the_fewest_archives(start, names):
    months = validate_month_range(start, "2025-12")
    plans = plan_archives(months, DEFAULT_BASE_URL)
    assert [p.name for p in plans] == names
    got = [m for p in plans for m in p.months]
    assert sorted(got) == list(months)  # every month once, none twice
    assert plans[1].months[-1] == "2022-12"


def test_force_by_slug_or_name():
    assert validate_force("staffordshire") == "staffordshire"
    assert validate_force("Staffordshire Police") == "staffordshire"
    assert validate_force(" West Midlands ") == "west-midlands"


def test_bad_force_names_the_argument_and_suggests():
    with pytest.raises(InputError) as info:
        validate_force("staffs")
    assert "--force" in info.value.problem and "'staffs'" in info.value.problem
    assert "Did you mean 'staffordshire'" in info.value.action


@pytest.mark.parametrize("value", ["2025-13", "2025-1", "25-01", "January", "", "2025-00"])
def test_bad_month_names_the_argument(value):
    with pytest.raises(InputError) as info:
        validate_month(value, "--from")
    assert "--from" in info.value.problem and "2025-01" in info.value.problem


def test_months_before_police_uk_or_in_the_future():
    with pytest.raises(InputError, match="--from month 2009-01 is before 2010-12"):
        validate_month_range("2009-01", "2025-01")
    with pytest.raises(InputError, match="--to month 2999-01 has not happened yet"):
        validate_month_range("2025-01", "2999-01")


def test_from_after_to():
    with pytest.raises(InputError, match="--from month 2025-06 is after the --to month 2025-05"):
        validate_month_range("2025-06", "2025-05")


def test_base_url_from_argument_environment_or_default(monkeypatch):
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    assert resolve_base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv(BASE_URL_ENV, "http://127.0.0.1:9/")
    assert resolve_base_url() == "http://127.0.0.1:9"
    assert resolve_base_url("https://mirror.example/police/") == "https://mirror.example/police"
    with pytest.raises(InputError, match="--base-url value 'ftp://x'"):
        resolve_base_url("ftp://x")


def test_no_ingest_needs_out(tmp_path):
    with pytest.raises(InputError, match="--no-ingest"):
        download_police_uk("staffordshire", "2025-01", "2025-02", None, ingest_files=False)


# --------------------------------------------------------------------------------------------
# Whole downloads against the local server


def test_download_ingests_the_months_with_counts_equal_to_the_raw_files(server, store, tmp_path):
    out = tmp_path / "kept"
    result = download_police_uk(
        "staffordshire", "2025-01", "2025-02", store, out=out, base_url=server.url, **FAST
    )
    assert server.hits == ["/data/archive/2025-02.zip"]
    assert result.files == (
        "2025-01-staffordshire-outcomes.csv",
        "2025-01-staffordshire-street.csv",
        "2025-02-staffordshire-outcomes.csv",
        "2025-02-staffordshire-street.csv",
    )
    assert not result.missing_street and not result.missing_outcomes
    assert result.ingest is not None and result.ingest.count("added") == 4
    assert any("2025-02.zip" in a for a in result.assumptions)

    con = store.connect()
    crimes = dict(con.execute("select month, count(*) from crimes group by month").fetchall())
    assert crimes == {m: len(raw_rows(m)) for m in ("2025-01", "2025-02")}
    outcomes = dict(con.execute("select month, count(*) from outcomes group by month").fetchall())
    assert outcomes == {m: _outcome_rows(m) for m in ("2025-01", "2025-02")}
    # The other force's file and the stop-and-search file in the archive are left alone.
    assert store.force_months() == {"staffordshire": {"2025-01", "2025-02"}}
    by_type = Counter(
        dict(
            con.execute(
                "select crime_type, count(*) from crimes where month = '2025-01' group by all"
            ).fetchall()
        )
    )
    assert by_type == Counter(r["Crime type"] for r in raw_rows("2025-01"))
    assert not (store.root / ".work").exists()
    # --out keeps the files beside the store, byte for byte as published.
    assert [p.name for p in result.saved] == list(result.files)
    assert (out / "2025-02-staffordshire-street.csv").read_bytes() == street_bytes("2025-02")

    again = download_police_uk("staffordshire", "2025-01", "2025-02", store, base_url=server.url, **FAST)
    assert again.ingest is not None and again.ingest.count("unchanged") == 4


def test_a_range_longer_than_an_archive_uses_two_and_states_missing_months(server, store):
    result = download_police_uk("staffordshire", "2019-02", "2025-01", store, base_url=server.url, **FAST)
    assert server.hits == ["/data/archive/2025-01.zip", "/data/archive/2022-01.zip"]
    assert store.force_months() == {"staffordshire": {"2019-02", "2025-01"}}
    assert len(result.missing_street) == 72 - 2
    assert any("no street-level file for staffordshire in 2019-03" in a for a in result.assumptions)
    con = store.connect()
    got = dict(con.execute("select month, count(*) from crimes group by month").fetchall())
    assert got == {m: len(raw_rows(m)) for m in ("2019-02", "2025-01")}
    # 2019 files carry 2011 LSOA codes, 2025 files 2021 codes; both are placed in districts.
    assert dict(
        con.execute(
            "select month, any_value(lsoa_vintage) from crimes where lsoa_code is not null group by month"
        ).fetchall()
    ) == {"2019-02": "2011", "2025-01": "2021"}


def test_no_ingest_saves_the_raw_files_and_leaves_no_store(server, tmp_path):
    out = tmp_path / "out"
    server.faults["/data/archive/2025-02.zip"] = "flaky"  # one 503, then the file: retried
    result = download_police_uk(
        "staffordshire", "2025-01", "2025-02", None, out=out, ingest_files=False, base_url=server.url, **FAST
    )
    assert server.hits == ["/data/archive/2025-02.zip"] * 2
    assert result.ingest is None
    assert sorted(p.name for p in out.iterdir()) == list(result.files)
    assert (out / "2025-01-staffordshire-street.csv").read_bytes() == street_bytes("2025-01")
    assert not (tmp_path / "store").exists()


def test_missing_archive_is_a_clear_error_and_changes_nothing(server, held_store):
    before = tree_digest(held_store.root)
    with pytest.raises(DownloadError) as info:
        download_police_uk("staffordshire", "2025-01", "2025-03", held_store, base_url=server.url, **FAST)
    assert "2025-03.zip (HTTP 404)" in info.value.problem
    assert "--to" in info.value.action
    assert server.hits == ["/data/archive/2025-03.zip"]  # a 404 is not retried
    assert tree_digest(held_store.root) == before
    assert not (held_store.root / ".work").exists()


def test_failure_into_a_new_store_leaves_no_store_behind(server, store):
    with pytest.raises(DownloadError):
        download_police_uk("staffordshire", "2025-01", "2025-03", store, base_url=server.url, **FAST)
    assert tree_digest(store.root) == "absent"


@pytest.mark.parametrize(
    "fault,words",
    [
        ("truncate", "failed after 2 tries: the connection ended after"),
        ("corrupt", "is not a complete zip archive"),
        ("html", "is a web page (HTML), not a zip archive"),
        ("500", "failed after 2 tries: data.police.uk answered HTTP 500"),
    ],
)
def test_damaged_responses_are_clear_errors_and_change_nothing(server, held_store, tmp_path, fault, words):
    server.faults["/data/archive/2025-02.zip"] = fault
    before = tree_digest(held_store.root)
    out = tmp_path / "out"
    with pytest.raises(DownloadError) as info:
        download_police_uk(
            "staffordshire", "2025-01", "2025-02", held_store, out=out, base_url=server.url, **FAST
        )
    assert words in info.value.problem
    assert info.value.action
    assert tree_digest(held_store.root) == before
    assert not out.exists()


def test_damaged_member_in_a_whole_zip_is_caught(server, held_store, tmp_path):
    # A zip whose central directory is fine but whose file data is damaged: the CRC catches it.
    bad = tmp_path / "responses" / "data" / "archive" / "2025-02.zip"
    bad.parent.mkdir(parents=True)
    data = street_bytes("2025-01")
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("2025-01/2025-01-staffordshire-street.csv", data)
    raw = bytearray(bad.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    bad.write_bytes(bytes(raw))
    before = tree_digest(held_store.root)
    with RecordedServer(tmp_path / "responses") as other:
        with pytest.raises(DownloadError, match="not a complete zip archive"):
            download_police_uk("staffordshire", "2025-01", "2025-02", held_store, base_url=other.url, **FAST)
    assert tree_digest(held_store.root) == before


def test_bad_file_inside_the_archive_fails_the_import_and_saves_nothing(held_store, tmp_path):
    root = tmp_path / "responses"
    (root / "data" / "archive").mkdir(parents=True)
    text = street_bytes("2025-01").decode("utf-8-sig").replace("Burglary", "Burglery")
    with zipfile.ZipFile(root / "data" / "archive" / "2025-01.zip", "w") as zf:
        zf.writestr("2025-01/2025-01-staffordshire-street.csv", text)
    before = tree_digest(held_store.root)
    out = tmp_path / "out"
    with RecordedServer(root) as other, pytest.raises(DataFormatError, match="Crime type"):
        download_police_uk(
            "staffordshire", "2025-01", "2025-01", held_store, out=out, base_url=other.url, **FAST
        )
    assert tree_digest(held_store.root) == before
    assert not out.exists()


def test_force_with_no_files_in_the_archive(server, held_store):
    before = tree_digest(held_store.root)
    with pytest.raises(DownloadError, match="no street-level files for kent from 2025-01 to 2025-02"):
        download_police_uk("kent", "2025-01", "2025-02", held_store, base_url=server.url, **FAST)
    assert tree_digest(held_store.root) == before


def test_connection_refused_is_a_clear_error(held_store):
    before = tree_digest(held_store.root)
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(DownloadError) as info:
        download_police_uk("staffordshire", "2025-01", "2025-02", held_store, base_url=url, **FAST)
    assert f"Could not connect to {url} (Connection refused)" in info.value.problem
    assert "internet connection" in info.value.action
    assert tree_digest(held_store.root) == before


def test_a_server_that_does_not_answer_times_out(server, tmp_path):
    server.faults["/data/archive/2025-02.zip"] = "slow"
    server.slow_seconds = 1.0
    with pytest.raises(DownloadError, match="did not answer within 0.2 seconds"):
        fetch(
            f"{server.url}/data/archive/2025-02.zip", tmp_path / "a.zip", timeout=0.2, attempts=1, backoff=0
        )


def test_progress_reports_bytes(server, tmp_path):
    seen: list[tuple[str, float, float]] = []
    size = fetch(
        f"{server.url}/data/archive/2025-02.zip",
        tmp_path / "a.zip",
        lambda s, d, t: seen.append((s, d, t)),
        "Downloading 2025-02.zip",
    )
    assert seen[-1] == ("Downloading 2025-02.zip", size, size)
    assert size == (tmp_path / "a.zip").stat().st_size
