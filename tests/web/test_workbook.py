"""The whole-plan workbook: every table of each seed plan, one sheet each, values as transcribed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from saferplaces.web.plans.models import Plan
from saferplaces.web.plans.workbook import plan_sheets
from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db

URLS = {
    "east-staffordshire": "/partnerships/east-staffordshire/plans/2018-2021.xlsx",
    "lichfield": "/partnerships/lichfield/plans/2022-2025.xlsx",
    "stafford": "/partnerships/stafford/plans/2020-2024.xlsx",
    "staffordshire": "/partnerships/staffordshire/plans/2023-2026.xlsx",
}


def _book(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("slug", sorted(URLS))
def test_every_table_has_a_sheet_with_every_row(client: Client, slug: str) -> None:
    load_seed_plans()
    plan = Plan.objects.get(partnership__slug=slug)
    book = _book(client, URLS[slug])
    sheets = plan_sheets(plan)
    assert book.sheetnames == ["About", *[s.name for s in sheets]]
    for sheet in sheets:
        ws = book[sheet.name]
        assert [c.value for c in ws[1]] == list(sheet.columns)
        assert ws.max_row == len(sheet.rows) + 1, sheet.name
        assert ws.freeze_panes == "A2"
    counts = {s.name: len(s.rows) for s in sheets}
    assert counts.get("Risks", 0) == plan.risks.count()
    assert counts.get("Priorities", 0) == plan.priorities.count()


def test_seed_values_come_through_as_transcribed(client: Client) -> None:
    load_seed_plans()
    es = _book(client, URLS["east-staffordshire"])
    targets = list(es["Targets"].iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in targets] == [966, 780, 3502, 81, None, 41, None]
    assert len(list(es["Risks"].iter_rows(min_row=2))) == 9
    lichfield = _book(client, URLS["lichfield"])
    delivery = list(lichfield["Delivery plan"].iter_rows(min_row=2, values_only=True))
    assert len(delivery) == 43
    assert delivery[0][:2] == ("Domestic Abuse", "Further develop the local MARAC")
    county = _book(client, URLS["staffordshire"])
    assert county["Governance"].max_row > 1
    dates = [
        c.value
        for row in county.worksheets
        for r in row.iter_rows()
        for c in r
        if isinstance(c.value, dt.date)
    ]
    assert all(isinstance(d, dt.datetime | dt.date) for d in dates)


def test_a_draft_workbook_is_hidden_like_the_page(client: Client) -> None:
    load_seed_plans()
    Plan.objects.filter(partnership__slug="lichfield").update(status="draft")
    assert client.get(URLS["lichfield"]).status_code == 404


def test_the_plan_page_links_the_workbook(client: Client) -> None:
    load_seed_plans()
    html = client.get("/partnerships/lichfield/plans/2022-2025/").content.decode()
    assert f'href="{URLS["lichfield"]}"' in html


def test_values_computed_from_the_store_stay_off_the_plan_tables(client: Client) -> None:
    """The plan's own table holds the periods the plan wrote; computed values live on the target page."""
    from saferplaces.web.performance.models import Target, TargetValue

    load_seed_plans()
    target = Target.objects.filter(plan__partnership__slug="east-staffordshire").first()
    TargetValue.objects.create(
        target=target, period="2023/24", value=1234, source=TargetValue.Source.COMPUTED
    )
    TargetValue.objects.create(target=target, period="2018/19", value=999, source=TargetValue.Source.COMPUTED)
    book = _book(client, URLS["east-staffordshire"])
    header = [c.value for c in book["Targets"][1]]
    assert "2023/24" not in header and "2018/19" in header
    assert next(book["Targets"].iter_rows(min_row=2, values_only=True))[header.index("2018/19")] is None
    page = client.get("/partnerships/east-staffordshire/plans/2018-2021/").content.decode()
    assert "2023/24" not in page and "1234" not in page
    data = client.get("/partnerships/east-staffordshire/plans/2018-2021.json").json()
    assert [v["period"] for v in data["targets"][0]["values"]] == ["2018/19", "2019/20", "2020/21"]
    export = client.get(
        "/partnerships/east-staffordshire/plans/2018-2021/export/targets.csv"
    ).content.decode()
    assert "2023/24" not in export and "999" not in export


def test_text_that_starts_like_a_formula_stays_text(client: Client) -> None:
    """A partner's words never run as a formula when the workbook or the CSV twin is opened."""
    import csv

    from saferplaces.web.plans.models import Action

    load_seed_plans()
    action = Action.objects.filter(priority__plan__partnership__slug="lichfield").first()
    action.action = '=HYPERLINK("http://example.com","Click")'
    action.save()
    cells = [c for row in _book(client, URLS["lichfield"])["Delivery plan"].iter_rows() for c in row]
    formula = [c for c in cells if c.value == action.action]
    assert len(formula) == 1 and formula[0].data_type == "s"
    assert not [c for c in cells if c.data_type == "f"]
    text = client.get(URLS["lichfield"].replace(".xlsx", ".csv")).content.decode("utf-8-sig")
    assert "'" + action.action in [row["action"] for row in csv.DictReader(io.StringIO(text))]
