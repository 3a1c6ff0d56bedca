"""The residents' pages' shared cache (issues #12 and #13, ADR 0023).

A public page, its CSV and JSON twins, its Atom feed and the API are made once for every
server process and kept until something they show changes. These tests check that each kind
of change (publishing, approving or withdrawing a summary, a target's value, a help link, a
write made by another process) reaches every one of them at once, and that nothing about the
person asking ever reaches the cache: a member's page is never given to anyone else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pickle
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone

from saferplaces.web import cache as web_cache
from saferplaces.web.accounts import middleware
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate
from saferplaces.web.plans.publication import publish_plan
from saferplaces.web.public import data as public_data
from saferplaces.web.public.http import Kept
from saferplaces.web.public.models import HelpLink
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import client_as, make_personas

pytestmark = pytest.mark.django_db

SLUG = "lichfield"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site():
    cache.clear()
    load_seed_plans()
    yield Plan.objects.get(partnership__slug=SLUG)
    cache.clear()


def _text(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _summaries(client: Client) -> dict[str, list[str]]:
    """The approved summaries each twin of the progress guide shows, by address."""
    shown: dict[str, list[str]] = {}
    data = json.loads(_text(client, f"/public/{SLUG}/progress.json"))
    shown["json"] = [
        u["public_summary"] for p in data["progress"] for a in p["actions"] for u in a["updates"]
    ]
    api = json.loads(_text(client, f"/api/partnerships/{SLUG}/plan/progress"))
    shown["api"] = [u["public_summary"] for p in api["progress"] for a in p["actions"] for u in a["updates"]]
    rows = csv.DictReader(io.StringIO(_text(client, f"/public/{SLUG}/progress.csv")))
    shown["csv"] = [r["public_summary"] for r in rows if r.get("public_summary")]
    feed = ET.fromstring(client.get(f"/public/{SLUG}/updates.atom").content)
    shown["atom"] = [e.findtext(f"{ATOM}summary") for e in feed.findall(f"{ATOM}entry")]
    return shown


def _approved_update(summary: str) -> ProgressUpdate:
    action = Action.objects.filter(priority__plan__partnership__slug=SLUG).order_by("pk").first()
    return ProgressUpdate.objects.create(
        action=action,
        date=dt.date(2026, 1, 15),
        text="Internal note, never public.",
        author="Officer Quellington",
        public_summary=summary,
        public_approved_at=timezone.now(),
    )


# -- made once ------------------------------------------------------------------------------


def test_a_page_from_the_cache_asks_the_database_nothing(site, django_assert_num_queries) -> None:
    users = make_personas(site.partnership, Partnership.objects.get(slug="stafford"))
    for persona in ("anonymous", "administrator"):
        client = client_as(users, persona)
        for path in (f"/public/{SLUG}/progress/", f"/public/{SLUG}/plan.json", "/api/partnerships"):
            client.get(path)
            # no query for the page, nor for the session and user of a signed-in reader
            with django_assert_num_queries(0):
                assert client.get(path).status_code == 200


def test_the_twins_share_one_record_per_plan(site, django_assert_max_num_queries) -> None:
    client = Client()
    client.get(f"/public/{SLUG}/progress.json")
    # the CSV twin and the API endpoint read the record the JSON made: only the plan is looked up
    with django_assert_max_num_queries(3):
        client.get(f"/public/{SLUG}/progress.csv")
    with django_assert_max_num_queries(3):
        client.get(f"/api/partnerships/{SLUG}/plan/progress")


def test_every_process_shares_the_cache_and_sees_another_process_write(site, tmp_path: Path) -> None:
    stamp = tmp_path / ".web-generation"
    shared = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "web-cache"),
        },
    }
    with override_settings(CACHES=shared, SAFERPLACES_CACHE_STAMP=stamp):
        web_cache.bump()  # makes the stamp file, as the server's first write does
        path = f"/public/{SLUG}/plan/"
        assert site.title in _text(Client(), path)
        assert any((tmp_path / "web-cache").iterdir())  # kept in the folder every process reads
        # Another worker process: its own count of the writes it has seen, the same folder and stamp.
        web_cache._local_generation += 7
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert site.title in _text(Client(), path)
        assert len(queries) == 0
        # A third process changes the title (no signal reaches this one) and moves the stamp on.
        Plan.objects.filter(pk=site.pk).update(title="A plan renamed by another process")
        later = os.stat(stamp).st_mtime_ns + 1_000
        os.utime(stamp, ns=(later, later))
        assert "A plan renamed by another process" in _text(Client(), path)
        assert "A plan renamed by another process" in _text(Client(), f"/public/{SLUG}/plan.json")


# -- each change reaches every twin at once ----------------------------------------------------


def test_publishing_and_unpublishing_reach_the_page_its_twins_and_the_api(site) -> None:
    client = Client()
    addresses = [
        f"/public/{SLUG}/plan/",
        f"/public/{SLUG}/plan.json",
        f"/public/{SLUG}/plan.csv",
        f"/public/{SLUG}/progress.json",
        f"/public/{SLUG}/targets.csv",
        f"/public/{SLUG}/updates.atom",
        f"/api/partnerships/{SLUG}/plan/priorities",
    ]
    assert all(client.get(a).status_code == 200 for a in addresses)
    site.status = Plan.Status.DRAFT
    site.save()
    assert [client.get(a).status_code for a in addresses] == [404] * len(addresses)
    assert json.loads(_text(client, f"/public/{SLUG}.json"))["plans"] == []
    # published again the one way a plan is published (ADR 0025), on a board decision
    publish_plan(site, None, "Board of 1 December 2026 agreed the plan (minute 3)", dt.date(2026, 12, 1))
    assert [client.get(a).status_code for a in addresses] == [200] * len(addresses)
    assert [p["title"] for p in json.loads(_text(client, f"/public/{SLUG}.json"))["plans"]] == [site.title]


def test_approving_and_withdrawing_a_summary_reach_every_twin(site) -> None:
    client = Client()
    before = _summaries(client)
    assert "We trained 40 staff in schools." not in str(before)
    update = _approved_update("We trained 40 staff in schools.")
    after = _summaries(client)
    for twin, shown in after.items():
        assert shown.count("We trained 40 staff in schools.") == 1, twin
    for page in (f"/public/{SLUG}/progress/", f"/public/{SLUG}/progress/easy-read/"):
        assert "We trained 40 staff in schools." in _text(client, page)
    update.public_approved_at = None  # the administrator withdraws the approval
    update.save()
    for twin, shown in _summaries(client).items():
        assert "We trained 40 staff in schools." not in shown, twin
    assert "We trained 40 staff in schools." not in _text(client, f"/public/{SLUG}/progress/")


def test_a_new_target_value_reaches_the_page_its_twins_and_the_api(site) -> None:
    client = Client()
    target = Target.objects.create(
        plan=site,
        description="Reports of anti-social behaviour",
        unit="incidents",
        kind=Target.Kind.COUNT,
        direction=Target.Direction.REDUCE,
        baseline_value=Decimal(3502),
        baseline_period="2017/18",
    )
    TargetValue.objects.create(target=target, period="2017/18", value=Decimal(3502))

    def latest() -> list[object]:
        data = json.loads(_text(client, f"/public/{SLUG}/targets.json"))
        api = json.loads(_text(client, f"/api/partnerships/{SLUG}/plan/targets"))
        rows = list(csv.DictReader(io.StringIO(_text(client, f"/public/{SLUG}/targets.csv"))))
        mine = [t for t in data["targets"] if t["description"] == target.description]
        from_api = [t for t in api["targets"] if t["description"] == target.description]
        periods = {r.get("latest_period") for r in rows if r.get("description") == target.description}
        return [mine[0]["latest_period"], from_api[0]["latest_period"], periods]

    assert latest() == ["2017/18", "2017/18", {"2017/18"}]
    TargetValue.objects.create(target=target, period="2025/26", value=Decimal(2950), order=1)
    assert latest() == ["2025/26", "2025/26", {"2025/26"}]
    assert "2025/26" in _text(client, f"/public/{SLUG}/targets/")


def test_a_new_help_link_reaches_the_page_and_its_twins(site) -> None:
    client = Client()
    assert "Ring the helpline of the test" not in _text(client, f"/public/{SLUG}/help/")
    _text(client, f"/public/{SLUG}/help.json")
    HelpLink.objects.create(
        partnership=site.partnership, help_name="Ring the helpline of the test", help_phone="0800 000 0000"
    )
    assert "Ring the helpline of the test" in _text(client, f"/public/{SLUG}/help/")
    names = [h["help_name"] for h in json.loads(_text(client, f"/public/{SLUG}/help.json"))["help"]]
    assert "Ring the helpline of the test" in names
    assert "Ring the helpline of the test" in _text(client, f"/public/{SLUG}/help.csv")


# -- nothing about the person asking ---------------------------------------------------------


def test_a_members_visit_leaves_nothing_of_them_in_the_public_pages(site) -> None:
    users = make_personas(site.partnership, Partnership.objects.get(slug="stafford"))
    member = client_as(users, "administrator")  # Ada Admin
    paths = [
        f"/public/{SLUG}/",
        f"/public/{SLUG}/progress/",
        f"/cy/public/{SLUG}/plan/",
        "/public/find/?q=Lich",
    ]
    seen = {p: member.get(p).content for p in paths}  # the member makes every cached page
    for path in paths:
        response = Client().get(path)
        assert response.content == seen[path], path  # the same page, from the cache
        html = response.content.decode()
        for trace in ("Ada", "administrator", "Sign out", "csrfmiddlewaretoken"):
            assert trace not in html, (path, trace)
        assert not response.cookies, path  # no session or CSRF cookie handed on
    # and nothing in the shared cache names them
    held = b"".join(caches["public"]._cache.values())
    for value in caches["public"]._cache.values():
        pickle.loads(value)  # every entry is a plain value, readable by any process
    assert b"Ada" not in held and b"sessionid" not in held


def test_a_members_page_never_reaches_anyone_else(site) -> None:
    users = make_personas(site.partnership, Partnership.objects.get(slug="stafford"))
    member = client_as(users, "administrator")
    history = f"/partnerships/{SLUG}/history/"  # the audit trail: members only
    assert member.get(history).status_code == 200
    assert Client().get(history).status_code == 404
    assert client_as(users, "other partnership's administrator").get(history).status_code == 404
    # pages anyone may read, with parts kept between requests (web/cache.py): the member's first
    for page in (f"/partnerships/{SLUG}/", f"/partnerships/{SLUG}/dashboard/"):
        assert "Sign out" in member.get(page).content.decode()
        html = Client().get(page).content.decode()
        assert "Sign out" not in html and "administrator" not in html, page


def test_only_the_views_own_headers_are_kept() -> None:
    made = HttpResponse(b"<p>page</p>", content_type="text/html; charset=utf-8")
    made["Content-Language"] = "cy"
    made["Vary"] = "Cookie"
    made.set_cookie("sessionid", "a-members-session")
    kept = Kept.of(made)
    assert dict(kept.headers) == {"Content-Type": "text/html; charset=utf-8", "Content-Language": "cy"}
    again = kept.response()
    assert not again.cookies and "Vary" not in again and again.content == b"<p>page</p>"
    assert again is not kept.response()  # a new response for every request


def test_reading_public_pages_does_not_renew_a_session(site) -> None:
    users = make_personas(site.partnership, Partnership.objects.get(slug="stafford"))
    member = client_as(users, "administrator")
    session = member.session
    session[middleware._KEY] = 1_000  # last renewed long ago
    session.save()
    member.get(f"/public/{SLUG}/plan/")
    assert member.session[middleware._KEY] == 1_000
    member.get(f"/partnerships/{SLUG}/")  # a page of the app renews it
    assert member.session[middleware._KEY] > 1_000


# -- the place search -------------------------------------------------------------------------


def test_the_place_search_keeps_one_connection_per_process(site, settings, bundled_store) -> None:
    from dataclasses import replace

    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    first, rows = public_data.search("Coton")
    connection = public_data._place_names()
    again, _rows = public_data.search("Burton")
    assert public_data._place_names() is connection  # not a new store connection for each search
    assert [(m.area.name, m.area.level) for m in first.matches] == [("Coton", "ward")]
    assert [p.slug for p in rows[0][1]] == ["stafford", "staffordshire"]
    assert again.matches and all("Burton" in m.area.name for m in again.matches)


def test_the_store_snapshot_is_read_again_when_an_ingest_replaces_the_manifest(
    settings, tmp_path: Path
) -> None:
    from dataclasses import replace

    settings.ENV = replace(settings.ENV, store_dir=tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"partitions": {}}', encoding="utf-8")
    first = public_data.snapshot()
    assert public_data.snapshot() == first
    # an ingest writes a new manifest beside the old and renames it into place
    new = tmp_path / "manifest.json.new"
    new.write_text('{"partitions": {"crimes/staffordshire/2025-01": []}}', encoding="utf-8")
    new.replace(manifest)
    assert public_data.snapshot() != first


def test_a_local_picture_asked_for_at_once_by_several_threads_is_computed_once(
    settings, bundled_store, monkeypatch
) -> None:
    import threading
    from dataclasses import replace

    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    computed = []
    real = public_data.local_picture

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        computed.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(public_data, "local_picture", counted)
    district = Partnership(name="Stafford", slug="stafford", kind="district", area_name="Stafford Borough")
    public_data.partnership_area(district)  # the area first, so the threads race for the picture
    found = []
    ask = lambda: found.append(public_data.picture_for(district))  # noqa: E731
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(computed) == 1
    assert len(found) == 4 and all(f == found[0] for f in found)
    assert found[0].area.name == "Stafford" and len(found[0].wards) > 10
    cache.clear()
