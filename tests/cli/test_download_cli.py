"""`saferplaces download police-uk` through the real console script, against a real HTTP server
on 127.0.0.1 serving archives built from the bundled real files."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from saferplaces.data.download import BASE_URL_ENV
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from tests.conftest import month_file, raw_rows, run_cli, tree_digest
from tests.fixtures.police_uk_server.make_archive import build_archive, street_bytes
from tests.fixtures.police_uk_server.server import RecordedServer

PATH = "/data/archive/2025-02.zip"


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordedServer]:
    root = tmp_path_factory.mktemp("police_uk_server")
    build_archive(root, "2025-02", ["2025-01", "2025-02"], outcomes=False)
    with RecordedServer(root) as server:
        yield server


@pytest.fixture
def server(module_server: RecordedServer) -> RecordedServer:
    module_server.faults.clear()
    module_server.hits.clear()
    return module_server


def download(*args: str, env: dict[str, str] | None = None):
    return run_cli("download", "police-uk", *args, env=env)


def assert_one_line_error(result, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0]


def test_help_has_an_example():
    result = run_cli("download", "police-uk", "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout and "--base-url" in result.stdout
    group = run_cli("download", "--help")
    assert group.returncode == 0 and "police-uk" in group.stdout and "Example:" in group.stdout


def test_download_loads_the_months(server, tmp_path):
    store_dir = tmp_path / "store"
    # The base URL from the environment, as a mirror or a test would set it.
    result = download(
        *"--force staffordshire --from 2025-01 --to 2025-02 --store".split(),
        str(store_dir),
        env={BASE_URL_ENV: server.url},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "2 street-level" in result.stdout and "2 force-month(s) added" in result.stdout
    assert "archive 2025-02.zip" in result.stdout
    assert server.hits == [PATH]
    con = Store(store_dir).connect()
    got = dict(con.execute("select month, count(*) from crimes group by month").fetchall())
    assert got == {m: len(raw_rows(m)) for m in ("2025-01", "2025-02")}


def test_no_ingest_saves_files_only(server, tmp_path):
    out = tmp_path / "out"
    result = download(
        "--force",
        "Staffordshire Police",
        *"--from 2025-02 --to 2025-02 --store".split(),
        str(tmp_path / "store"),
        "--out",
        str(out),
        *"--no-ingest --base-url".split(),
        server.url,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["2025-02-staffordshire-street.csv"]
    assert (out / "2025-02-staffordshire-street.csv").read_bytes() == street_bytes("2025-02")
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(
    "args,words",
    [
        (["--force", "staffs", "--from", "2025-01", "--to", "2025-02"], ["--force", "'staffs'"]),
        (["--force", "staffordshire", "--from", "2025-01", "--to", "Feb"], ["--to", "'Feb'"]),
        (["--force", "staffordshire", "--from", "2025-03", "--to", "2025-02"], ["--from", "--to"]),
    ],
)
def test_bad_arguments_are_one_line_errors(server, tmp_path, args, words):
    store_dir = tmp_path / "store"
    result = download(*args, "--store", str(store_dir), env={BASE_URL_ENV: server.url})
    assert_one_line_error(result, 2, *words)
    assert server.hits == []
    assert not store_dir.exists()


@pytest.fixture
def held_store(tmp_path: Path) -> Path:
    """A store already holding one real month."""
    store = Store(tmp_path / "store")
    ingest([month_file("2024-01")], store)
    return store.root


def test_missing_archive_and_corrupt_zip_change_nothing(server, held_store):
    before = tree_digest(held_store)
    result = download(
        *"--force staffordshire --from 2025-01 --to 2025-03 --store".split(),
        str(held_store),
        "--base-url",
        server.url,
    )
    assert_one_line_error(result, 5, "2025-03.zip (HTTP 404)")
    assert tree_digest(held_store) == before

    server.faults[PATH] = "corrupt"
    result = download(
        *"--force staffordshire --from 2025-01 --to 2025-02 --store".split(),
        str(held_store),
        "--base-url",
        server.url,
    )
    assert_one_line_error(result, 5, "not a complete zip archive")
    assert tree_digest(held_store) == before


def test_connection_refused(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store_dir = tmp_path / "store"
    result = download(
        *"--force staffordshire --from 2025-01 --to 2025-02 --store".split(),
        str(store_dir),
        "--base-url",
        f"http://127.0.0.1:{port}",
    )
    assert_one_line_error(result, 5, "Could not connect", "Connection refused")
    assert not store_dir.exists()
