"""Read-only pages over the seed plans: home, partnership and plan pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    load_seed_plans()


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert html.count("<h1") == 1, url
    assert 'id="main-content"' in html
    return html


def _captions(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<caption[^>]*>(.*?)</caption>", html, re.S)]


def test_home_lists_the_partnerships_with_links(client: Client, seeded: None) -> None:
    html = _get(client, "/")
    assert "Safer Places" in html
    for slug, name in [
        ("staffordshire", "Staffordshire Community Safety Partnership"),
        ("east-staffordshire", "East Staffordshire Local Strategic Partnership"),
        ("stafford", "Stafford Borough Community Wellbeing Partnership"),
        ("lichfield", "Lichfield District Community Safety Partnership"),
    ]:
        assert f'<a class="govuk-link" href="/partnerships/{slug}/">{name}</a>' in html


def test_partnership_page(client: Client, seeded: None) -> None:
    html = _get(client, "/partnerships/east-staffordshire/")
    assert "East Staffordshire Local Strategic Partnership</h1>" in html
    assert 'href="/partnerships/east-staffordshire/plans/2018-2021/"' in html
    assert 'href="/partnerships/staffordshire/"' in html  # the county partnership over it
    assert '<h3 class="govuk-heading-m">Staffordshire Fire &amp; Rescue Service</h3>' in html
    assert "Safe and Well visits" in html
    assert "Funding streams" in _captions(html)
    assert "circa £100,000" in html


def test_county_partnership_lists_its_districts_and_people(client: Client, seeded: None) -> None:
    html = _get(client, "/partnerships/staffordshire/")
    assert "District and borough partnerships" in html
    assert 'href="/partnerships/lichfield/"' in html
    # named people are for the partnership's members only (#12): none agreed to be named in public
    assert "People named in the partnership's plans" not in _captions(html)
    assert "Elliott Sharrard-Williams" not in html
    from django.contrib.auth.models import User

    from saferplaces.web.accounts.models import Role
    from saferplaces.web.partnerships.models import Partnership

    member = User.objects.create_user("county-analyst")
    Role.objects.create(
        user=member, partnership=Partnership.objects.get(slug="staffordshire"), name="analyst"
    )
    client.force_login(member)
    html = _get(client, "/partnerships/staffordshire/")
    assert "People named in the partnership's plans" in _captions(html)
    assert "Elliott Sharrard-Williams" in html


def test_unknown_partnership_is_not_found(client: Client, seeded: None) -> None:
    assert client.get("/partnerships/nowhere/").status_code == 404
    assert client.get("/partnerships/lichfield/plans/1999-2000/").status_code == 404


def test_east_staffordshire_plan_page(client: Client, seeded: None) -> None:
    html = _get(client, "/partnerships/east-staffordshire/plans/2018-2021/")
    assert "East Staffordshire Community Safety Plan 2018-2021</h1>" in html
    assert _captions(html) == [
        "Priority wards and localities",
        "Partnership targets",
        "Risk register",
        "Risks not closed, by impact and likelihood",
        "Funding streams",
    ]
    for heading in [
        "Vision and principles",
        "Priorities and themes",
        "Targets",
        "Risk register",
        "Funding and projects",
    ]:
        assert f">{heading}</h2>" in html
    assert "Cross-cutting themes</h3>" in html
    assert "Source: East Staffordshire Community Safety Plan 2018-2021</p>" in html  # no file reference
    assert "Reduced ASB incidents" in html and "3502 (2018)" in html
    assert "81% after dark" in html
    for period in ["2018/19", "2019/20", "2020/21"]:
        assert f'<th scope="col" class="govuk-table__header">{period}</th>' in html
    assert "External funding is cut or removed" in html
    assert html.count('<tr class="govuk-table__row">') >= 1 + 7 + 1 + 9
    assert "Burton Albion Community Trust" in html


def test_lichfield_plan_page_has_every_delivery_table(client: Client, seeded: None) -> None:
    html = _get(client, "/partnerships/lichfield/plans/2022-2025/")
    assert "Refresh April 2023" in html
    assert _captions(html)[1:] == [
        "Delivery plan: Domestic Abuse",
        "Delivery plan: Anti-Social Behaviour",
        "Delivery plan: County Lines",
        "Delivery plan: Violence against women and girls",
        "Delivery plan: Serious Violence",
        "Delivery plan: Prevent",
        "Delivery plan: Crime prevention",
    ]
    assert "Develop a MATAC (Multi agency tactical assessment meeting) to target repeat offenders" in html
    assert "% reduction in incidents<br>% reduction in repeat incidents" in html
    assert "Install knife bins in the District and promote their use" in html


def test_staffordshire_agreement_page(client: Client, seeded: None) -> None:
    html = _get(client, "/partnerships/staffordshire/plans/2023-2026/")
    assert _captions(html) == ["Priority wards and localities", "Governance of the priorities"]
    assert "District-only prioritys" not in html
    assert "Drug Supply &amp; County Line" in html
    assert "Burton Town &amp; Uxbridge" in html and "High – force-wide" in html
    assert "Domestic Abuse Commissioning and Development Board" in html
    assert "Police and Crime Plan for Staffordshire 2021/2024" in html
    assert "Prevention and early intervention" in html


def test_stafford_plan_page(client: Client, seeded: None) -> None:
    html = _get(client, "/partnerships/stafford/plans/2020-2024/")
    assert "Oversight items</h3>" in html
    assert "People at greatest risk</h2>" in html
    assert "Socially isolated older adults" in html
    assert "Forebridge (Stafford Town Centre)" in html
    assert "Workstream Three: Attitudinal Change</h3>" in html
    assert "Champion the agenda;" in html
    assert "Main reasons for referral" in _captions(html)


def test_pages_render_with_production_hashed_static_files(  # and every file the CSS names exists
    client: Client, seeded: None, settings, tmp_path
) -> None:
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    for url in ["/", "/partnerships/stafford/", "/partnerships/stafford/plans/2020-2024/"]:
        html = _get(client, url)
        assert re.search(r'href="/static/saferplaces/saferplaces\.[0-9a-f]{12}\.css"', html), url


def test_plan_json_twin(client: Client, seeded: None) -> None:
    response = client.get("/partnerships/east-staffordshire/plans/2018-2021.json")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "East Staffordshire Community Safety Plan 2018-2021"
    assert [t["baseline_value"] for t in data["targets"]] == [966, 780, 3502, 81, None, 41, None]
    assert data["targets"][0]["values"] == [
        {"period": "2018/19", "value": None, "trend": ""},
        {"period": "2019/20", "value": None, "trend": ""},
        {"period": "2020/21", "value": None, "trend": ""},
    ]
    assert len(data["risks"]) == 9
    html = client.get("/partnerships/east-staffordshire/plans/2018-2021/").content.decode()
    assert 'href="/partnerships/east-staffordshire/plans/2018-2021.json"' in html


def test_plan_csv_twin_is_the_delivery_plan(client: Client, seeded: None) -> None:
    import csv
    import io

    response = client.get("/partnerships/lichfield/plans/2022-2025.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 43
    assert rows[0]["priority"] == "Domestic Abuse" and rows[0]["action"] == "Further develop the local MARAC"
    assert rows[2]["data_measure"] == "% reduction in incidents\n% reduction in repeat incidents"


def test_twins_of_a_draft_are_hidden_like_the_page(client: Client, seeded: None) -> None:
    from saferplaces.web.plans.models import Plan

    Plan.objects.filter(partnership__slug="lichfield").update(status="draft")
    assert client.get("/partnerships/lichfield/plans/2022-2025.json").status_code == 404
    assert client.get("/partnerships/lichfield/plans/2022-2025.csv").status_code == 404


def test_risk_heatmap_counts_open_risks(client: Client, seeded: None) -> None:
    from saferplaces.web.plans.heatmap import risk_heatmap

    html = _get(client, "/partnerships/east-staffordshire/plans/2018-2021/")
    assert "Risks not closed, by impact and likelihood" in _captions(html)
    from saferplaces.web.plans.models import Plan

    risks = list(Plan.objects.get(partnership__slug="east-staffordshire").risks.all())
    grid = {(row["impact"], c["likelihood"]): c["count"] for row in risk_heatmap(risks) for c in row["cells"]}
    # shared/seeds/000_c7b2712d29f376fb.txt lines 321-331
    assert grid == {
        ("High", "Low"): 0, ("High", "Medium"): 3, ("High", "High"): 0,
        ("Medium", "Low"): 0, ("Medium", "Medium"): 2, ("Medium", "High"): 2,
        ("Low", "Low"): 0, ("Low", "Medium"): 0, ("Low", "High"): 2,
    }  # fmt: skip
    risks[0].status = "closed"
    assert sum(c["count"] for row in risk_heatmap(risks) for c in row["cells"]) == 8


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/partnerships/lichfield/",
        "/partnerships/lichfield/dashboard/",
        "/partnerships/lichfield/plans/2022-2025/",
        "/partnerships/lichfield/plans/2022-2025.json",
        "/partnerships/lichfield/plans/2022-2025.csv",
        "/partnerships/lichfield/plans/2022-2025.xlsx",
        "/partnerships/lichfield/history/",
    ],
)
def test_read_only_pages_refuse_a_post(client: Client, seeded: None, url: str) -> None:
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="x"))
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
