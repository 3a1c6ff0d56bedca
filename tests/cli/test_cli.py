"""The real `saferplaces` console script, run as a user would."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import FIXTURES, month_file, raw_counts_by_type, run_cli, tree_digest

COMMANDS = ["ingest", "areas", "counts", "quality", "demo", "assess"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_counts_csv_agrees_exactly_with_raw_files(bundled_store):
    result = run_cli(
        "counts",
        "--area",
        "Stafford",
        "--period",
        "2025",
        "--by",
        "crime-type",
        "--format",
        "csv",
        "--store",
        str(bundled_store.root),
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["crime_type", "count"]
    got = {r["crime_type"]: int(r["count"]) for r in rows}
    assert "Anti-social behaviour" in got and len(got) == 14
    expected = raw_counts_by_type([f"2025-{m:02d}" for m in range(1, 13)], "E07000197", "2021")
    assert {k: v for k, v in got.items() if v} == dict(expected)


def test_counts_json_and_store_from_environment(bundled_store):
    result = run_cli(
        "counts",
        "--area",
        "E07000199",
        "--period",
        "12m-to-2025-11",
        "--by",
        "month",
        "--format",
        "json",
        env={"SAFERPLACES_HOME": str(bundled_store.root)},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["area"]["name"] == "Tamworth" and len(data["rows"]) == 11  # Dec 2024 not held
    assert "December 2024" in data["assumptions"][0]
    assert "December 2024" in result.stderr  # the note also reaches the user
    assert data["snapshot_id"] == bundled_store.snapshot().id >= 1  # the store state it read (#13)


def test_areas_lists_districts_and_wards_with_population(bundled_store):
    result = run_cli("areas", "--within", "E23000015", "--format", "csv", "--store", str(bundled_store.root))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    districts = {r["code"]: r for r in rows if r["level"] == "district"}
    assert len(districts) == 9 and districts["E07000197"]["population"] == "137231"
    assert sum(1 for r in rows if r["level"] == "ward") == 185


def test_the_areas_table_prints_a_count_with_commas_and_a_year_without():
    from saferplaces.cli.common import console, emit

    with console.capture() as captured:
        emit(("name", "population", "population_year"), [("Stafford", 137231, 2021)], "table")
    text = captured.get()
    assert "137,231" in text and "2021" in text and "2,021" not in text


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["counts", "--area", "Nowhere", "--period", "2025"], "No force, district, CSP or ward"),
        (["counts", "--area", "Stafford", "--period", "2025/27"], "not a financial year"),
        (["ingest", "/no/such/file.csv"], "does not exist"),
    ],
)
def test_errors_are_one_line_without_traceback(bundled_store, args, fragment):
    result = run_cli(*args, "--store", str(bundled_store.root))
    assert result.returncode != 0
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_file_via_cli_leaves_store_unchanged(tmp_path):
    store = tmp_path / "store"
    assert run_cli("ingest", str(month_file("2025-01")), "--store", str(store)).returncode == 0
    before = tree_digest(store)
    bad = FIXTURES / "bad_inputs" / "2025-01-staffordshire-street-missing-column.csv"
    result = run_cli("ingest", str(month_file("2025-02")), str(bad), "--store", str(store))
    assert result.returncode == 3
    assert result.stderr.startswith("Error: The file 2025-01-staffordshire-street-missing-column")
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree_digest(store) == before


def test_demo_loads_22_months_prints_district_totals_and_builds_stafford(tmp_path):
    result = run_cli("demo", "--store", str(tmp_path / "store"))
    assert result.returncode == 0, result.stderr
    assert "Loaded 22 months" in result.stdout
    assert "Stoke-on-Trent" in result.stdout and "29,391" in result.stdout
    assert "Open Government Licence" in result.stdout
    reports = tmp_path / "store" / "reports" / "stafford-2025"
    assert sorted(p.name for p in reports.iterdir()) == [
        "assessment.docx",
        "assessment.html",
        "assessment.json",
        "assessment.pdf",
        "assessment.xlsx",
    ]
    again = run_cli("demo", "--store", str(tmp_path / "store"), "--no-assessment")
    assert "22 already held" in again.stdout


def test_assess_writes_the_files_it_is_asked_for(bundled_store, tmp_path):
    result = run_cli(
        "assess",
        "--area",
        "Lichfield",
        "--period",
        "2025",
        "--format",
        "json,html",
        "--out",
        str(tmp_path / "out"),
        "--store",
        str(bundled_store.root),
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["assessment.html", "assessment.json"]
    data = json.loads((tmp_path / "out" / "assessment.json").read_text())
    counts = run_cli(
        "counts",
        "--area",
        "Lichfield",
        "--period",
        "2025",
        "--format",
        "json",
        "--store",
        str(bundled_store.root),
    )
    expected = {r["crime_type"]: r["count"] for r in json.loads(counts.stdout)["rows"]}
    assert {r["crime_type"]: r["count"] for r in data["crime_types"]} == expected
    bad = run_cli(
        "assess",
        "--area",
        "Lichfield",
        "--period",
        "2025",
        "--format",
        "pdfx",
        "--store",
        str(bundled_store.root),
    )
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_quality_command(bundled_store):
    result = run_cli("quality", "--area", "Stafford", "--store", str(bundled_store.root), "--format", "json")
    assert result.returncode == 0, result.stderr
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert set(checks) == {
        "missing-months",
        "no-location",
        "unknown-lsoa",
        "duplicate-crime-ids",
        "series-breaks",
        "outside-force-area",
    }


def test_assess_all_writes_one_folder_per_district(bundled_store, tmp_path):
    result = run_cli(
        "assess",
        "--area",
        "all",
        "--period",
        "2025",
        "--format",
        "json",
        "--out",
        str(tmp_path / "all"),
        "--store",
        str(bundled_store.root),
    )
    assert result.returncode == 0, result.stderr
    folders = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert len(folders) == 9 and "stoke-on-trent" in folders
    data = json.loads((tmp_path / "all" / "stafford" / "assessment.json").read_text())
    assert data["area"]["code"] == "E07000197"


def test_assess_refuses_a_part_held_period_unless_allowed(bundled_store, tmp_path):
    args = ["assess", "--area", "Lichfield", "--format", "json", "--store", str(bundled_store.root)]
    refused = run_cli(*args, "--period", "2024", "--out", str(tmp_path / "no"))
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "only 4 of the 12 months of the calendar year 2024 for Lichfield (January to April 2024)" in (
        refused.stderr
    )
    assert "--allow-partial" in refused.stderr and not (tmp_path / "no").exists()
    allowed = run_cli(*args, "--period", "2024", "--allow-partial", "--out", str(tmp_path / "part"))
    assert allowed.returncode == 0, allowed.stderr
    data = json.loads((tmp_path / "part" / "assessment.json").read_text())
    assert data["period"]["label"] == "4 of 12 months (January to April 2024)"
    # with no period: the latest 12 months held, December 2025 the last
    latest = run_cli(*args, "--out", str(tmp_path / "latest"))
    assert latest.returncode == 0, latest.stderr
    data = json.loads((tmp_path / "latest" / "assessment.json").read_text())
    assert (data["period"]["start"], data["period"]["end"]) == ("2025-01", "2025-12")
    assert data["period"]["label"] == "12 months to December 2025"
