"""The public API: endpoints, schema and documentation; no internal field ever appears; the attacker fails."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import replace

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from saferplaces.web.partnerships.models import Person
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate, Risk
from saferplaces.web.public.published import internal_field_names
from saferplaces.web.seeds import load_seed_plans
from tests.test_disclosure import attack

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/partnerships",
    "/api/partnerships/stafford",
    "/api/partnerships/stafford/plans",
    "/api/partnerships/stafford/wards",
    "/api/partnerships/stafford/months",
    "/api/places?q=Coton",
    "/api/partnerships/lichfield/plan/priorities",
    "/api/partnerships/lichfield/plan/progress",
    "/api/partnerships/lichfield/plan/targets",
]


@pytest.fixture
def seeded_site(settings, bundled_store):
    """The four seed plans (drafts, actions, updates, risks, people) and the bundled store."""
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    load_seed_plans()
    yield
    cache.clear()


def keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in keys(v)}
    return set()


def public_paths(client: Client) -> list[str]:
    """Every public page and its twins, in both languages, for every partnership."""
    slugs = [p["slug"] for p in json.loads(client.get("/api/partnerships").content)]
    published = {s for s in slugs if json.loads(client.get(f"/api/partnerships/{s}/plans").content)}
    paths = ["/public/", "/public/partnerships.json", "/public/partnerships.csv", "/public/find/?q=Coton"]
    paths += ["/public/find.json?q=Coton", "/public/find.csv?q=Coton", "/api/docs", "/api/openapi.json"]
    for slug in slugs:
        paths += [f"/public/{slug}/", f"/public/{slug}.json", f"/public/{slug}.csv"]
        paths += [f"/public/{slug}/local-picture/", f"/public/{slug}/local-picture.json"]
        paths += [f"/public/{slug}/local-picture.csv", f"/public/{slug}/local-picture-months.csv"]
        paths += [f"/api/partnerships/{slug}", f"/api/partnerships/{slug}/plans"]
        paths += [f"/api/partnerships/{slug}/wards", f"/api/partnerships/{slug}/months"]
        paths += [f"/public/{slug}/help/", f"/public/{slug}/help.json", f"/public/{slug}/help.csv"]
        if slug in published:
            for page in ("plan", "progress", "targets"):
                paths += [
                    f"/public/{slug}/{page}/",
                    f"/public/{slug}/{page}.json",
                    f"/public/{slug}/{page}.csv",
                ]
            paths += [f"/public/{slug}/progress/easy-read/", f"/public/{slug}/updates.atom"]
            paths += [
                f"/api/partnerships/{slug}/plan/{part}" for part in ("priorities", "progress", "targets")
            ]
    return paths + ["/cy" + p for p in paths if p.startswith("/public/")]


def test_every_endpoint_answers_json_with_headers(seeded_site, client: Client):
    for path in ENDPOINTS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["ETag"]
        assert "max-age=300" in response["Cache-Control"]
        assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_no_unpublished_field_or_value_appears_anywhere(seeded_site, client: Client):
    internal = internal_field_names()
    assert {"lead_officer", "text", "author", "likelihood", "contribution", "job_title"} <= internal
    secrets = {p.name for p in Person.objects.all()}
    secrets |= {a.lead_officer for a in Action.objects.exclude(lead_officer="")}
    # an approved public summary is published; the update's own text, author and approver never are
    action = Action.objects.filter(priority__plan__partnership__slug="lichfield").first()
    approver = User.objects.create_user("approver-xq", first_name="Quintessa", last_name="Approverly")
    ProgressUpdate.objects.create(
        action=action,
        date=dt.date(2026, 1, 5),
        text="Internal: the MARAC chair Bartholomew Finchley-Odd raised a safeguarding concern",
        author="Officer Hortensia Plumtree",
        public_summary="We held a meeting to keep people safe.",
        public_approved_by=approver,
        public_approved_at=timezone.now(),
    )
    secrets |= {u.text for u in ProgressUpdate.objects.all()} | {r.risk for r in Risk.objects.all()}
    secrets |= {"Hortensia Plumtree", "Quintessa", "Approverly"}
    secrets = {s for s in secrets if len(s) > 6}
    assert len(secrets) > 10
    for path in public_paths(client):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        if path.endswith(".json") or path.startswith("/api/") and path != "/api/docs":
            data = json.loads(body)
            if path != "/api/openapi.json":
                assert not (keys(data) & internal), (path, keys(data) & internal)
        leaked = [s for s in secrets if s in body]
        assert not leaked, (path, leaked[:3])


def test_plans_are_empty_until_a_version_is_published(seeded_site, client: Client):
    assert json.loads(client.get("/api/partnerships/lichfield/plans").content)[0]["slug"]
    Plan.objects.filter(partnership__slug="lichfield").update(status=Plan.Status.DRAFT)
    cache.clear()
    assert json.loads(client.get("/api/partnerships/lichfield/plans").content) == []
    assert json.loads(client.get("/public/lichfield.json").content)["plans"] == []
    assert "has not published its plan" in client.get("/public/lichfield/").content.decode()


def test_the_openapi_schema_lists_every_endpoint(seeded_site, client: Client):
    schema = json.loads(client.get("/api/openapi.json").content)
    assert schema["info"]["title"] == "Safer Places public API"
    assert set(schema["paths"]) == {
        "/api/partnerships",
        "/api/partnerships/{slug}",
        "/api/partnerships/{slug}/plans",
        "/api/partnerships/{slug}/wards",
        "/api/partnerships/{slug}/months",
        "/api/places",
        "/api/partnerships/{slug}/plan/priorities",
        "/api/partnerships/{slug}/plan/progress",
        "/api/partnerships/{slug}/plan/targets",
    }
    assert all(list(methods) == ["get"] for methods in schema["paths"].values())


def test_the_documentation_page_needs_no_script_and_no_other_site(seeded_site, client: Client):
    html = client.get("/api/docs").content.decode()
    assert len(re.findall(r"<h1", html)) == 1
    for endpoint in ("/api/partnerships/{slug}/wards", "/api/places"):
        assert endpoint in html
    assert "crime_per_1000" in html
    assert "cdn" not in html.lower() and "swagger" not in html.lower()
    assert [b for b in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S) if "js-enabled" not in b] == []
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []


def test_the_api_refuses_to_change_anything(seeded_site, client: Client):
    assert client.post("/api/partnerships", {}).status_code == 405
    assert client.delete("/api/partnerships/stafford").status_code == 405


def _cells_from_csv(body: str) -> tuple[dict[str, int | None], list[tuple[str, list[str]]], list[str]]:
    """The ward CSV as the attacker reads it: every count a cell, every sum the file implies."""
    rows = list(csv.DictReader(io.StringIO(body)))
    types = [c for c in rows[0] if c.startswith("count_")]
    crimes = [c for c in types if c != "count_anti_social_behaviour"]
    cells: dict[str, int | None] = {}
    sums: list[tuple[str, list[str]]] = []
    places = []
    for r in rows:
        key = r["code"] or r["level"]
        places.append(key)
        for column in [*types, "crime_count", "asb_count"]:
            cells[f"{key}|{column}"] = None if r[column] == "[c]" else int(r[column])
        sums.append((f"{key}|crime_count", [f"{key}|{c}" for c in crimes]))
        sums.append((f"{key}|asb_count", [f"{key}|count_anti_social_behaviour"]))
    area = places[0]
    for column in [*types, "crime_count", "asb_count"]:
        sums.append((f"{area}|{column}", [f"{p}|{column}" for p in places[1:]]))
    return cells, sums, places


def test_the_attacker_cannot_recover_a_hidden_count_from_the_csv_the_api_and_the_totals(
    seeded_site, client: Client
):
    for slug in ("stafford", "lichfield", "east-staffordshire"):
        cells, sums, places = _cells_from_csv(
            client.get(f"/public/{slug}/local-picture.csv").content.decode()
        )
        hidden = [c for c, v in cells.items() if v is None]
        assert hidden, slug
        # the API gives the same cells, hidden where the CSV hides them
        api = json.loads(client.get(f"/api/partnerships/{slug}/wards").content)
        for row in api:
            key = row["code"] or row["level"]
            assert cells[f"{key}|crime_count"] == row["crime_count"]
            for crime_type, n in row["counts_by_crime_type"].items():
                assert cells[f"{key}|count_{crime_type}"] == n
            if row["crime_count"] is None:
                assert row["crime_per_1000"] is None and row["crime_per_1000_lower"] is None
        # the months file adds two more sums over the area's totals
        months = list(
            csv.DictReader(
                io.StringIO(client.get(f"/public/{slug}/local-picture-months.csv").content.decode())
            )
        )
        for m in months:
            cells[f"month{m['month']}|crime"] = None if m["crime_count"] == "[c]" else int(m["crime_count"])
            cells[f"month{m['month']}|asb"] = None if m["asb_count"] == "[c]" else int(m["asb_count"])
        sums.append((f"{places[0]}|crime_count", [f"month{m['month']}|crime" for m in months]))
        sums.append((f"{places[0]}|asb_count", [f"month{m['month']}|asb" for m in months]))
        for cell, (lo, hi) in attack(cells, sums).items():
            assert hi - lo >= 1 - 1e-9, f"{slug}: {cell} is worked out as {lo}"


def test_the_api_finds_towns_and_postcode_districts_as_the_find_page_does(seeded_site, client: Client):
    """#12, ADR 0024: the API's place search is the find page's (one code path), towns and postcode
    districts included. B74 (Sutton Coldfield) reaches into Birmingham, Walsall and Lichfield;
    Lichfield's own partnership is a seed, and the county's covers it too."""
    b74 = json.loads(client.get("/api/places", {"q": "b74 2ab"}).content)
    assert (b74["postcode_district"], b74["looks_like_postcode"]) == ("B74", True)
    (row,) = b74["towns_and_postcode_districts"]
    assert row["place_type"] == "postcode_district" and row["crosses_boundaries"] is True
    covered = {d["name"]: d["partnerships"] for d in row["districts"]}
    assert covered == {"Birmingham": [], "Walsall": [], "Lichfield": ["lichfield", "staffordshire"]}
    leek = json.loads(client.get("/api/places", {"q": "Leek"}).content)
    (town,) = [r for r in leek["towns_and_postcode_districts"] if r["place"] == "Leek"]
    assert town["place_type"] == "town"
    assert [d["name"] for d in town["districts"]] == ["Staffordshire Moorlands"]
    assert {"Leek North", "Leek South"} <= {w["name"] for w in town["wards"]}
    coton = json.loads(client.get("/api/places", {"q": "Coton"}).content)
    assert coton["places"][0]["place"] == "Coton" and coton["towns_and_postcode_districts"] == []
    for q in ("b74 2ab", "Leek", "Coton", "Atlantis"):
        page = json.loads(client.get("/public/find.json", {"q": q}).content)
        assert json.loads(client.get("/api/places", {"q": q}).content) == page, q
