"""The delivery plan page: one row per action, GET filters, and CSV and XLSX exports of the filtered rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from saferplaces.web.partnerships.models import Board, Organisation, Partnership
from saferplaces.web.plans.delivery import EXPORT_HEADERS
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import OUTSIDERS, PERSONAS, client_as, make_personas

pytestmark = pytest.mark.django_db

URL = "/partnerships/lichfield/plans/2022-2025/delivery/"


@pytest.fixture
def world() -> dict[str, object]:
    """Lichfield's 43 actions; three given a lead organisation, board, due date and RAG status."""
    load_seed_plans()
    lichfield = Partnership.objects.get(slug="lichfield")
    users = make_personas(lichfield, Partnership.objects.get(slug="east-staffordshire"))
    plan = lichfield.plans.get()
    council, police = (Organisation.objects.get_or_create(name=n)[0] for n in ["Test council", "Test police"])
    board = Board.objects.create(partnership=lichfield, name="Test board")
    today = timezone.localdate()
    actions = list(Action.objects.filter(priority__plan=plan).order_by("priority__order", "order"))
    first, second, last = actions[0], actions[1], actions[-1]
    Action.objects.filter(pk=first.pk).update(
        lead_organisation=council, board=board, due_date=today - dt.timedelta(days=1), rag="red",
        lead_user=users["lead officer of the action"], lead_officer="Community Safety Officer",
    )  # fmt: skip
    Action.objects.filter(pk=second.pk).update(
        lead_organisation=police, due_date=today, rag="green", lead_user=users["other lead officer"]
    )
    Action.objects.filter(pk=last.pk).update(lead_organisation=council, due_date=dt.date(2023, 3, 31))
    ProgressUpdate.objects.create(action=first, date=dt.date(2024, 5, 1), text="Older note", author="A")
    ProgressUpdate.objects.create(action=first, date=dt.date(2024, 6, 1), text="Newest note", author="B")
    ProgressUpdate.objects.create(action=first, date=dt.date(2024, 3, 1), text="Oldest note, entered last")
    return {
        "users": users, "plan": plan, "first": first, "second": second, "last": last,
        "council": council, "police": police, "board": board, "today": today,
    }  # fmt: skip


def _action_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" id="action-(\d+)">', html)


def test_one_row_per_action_narrow_enough_for_a_laptop(world: dict[str, object]) -> None:
    client = client_as(world["users"], "analyst")
    html = client.get(URL).content.decode()
    assert len(_action_rows(html)) == 43
    assert "Showing 43 of 43 actions." in html
    # Six columns (issue #10): RAG, latest update and the update link fit a 1280-pixel screen;
    # outcome, data measure and board are in the plan page's delivery plan and the downloads.
    head = html[html.index("<thead") : html.index("</thead>")]
    headers = re.findall(r'<th scope="col" class="govuk-table__header">([^<]*)<', head)
    assert headers == ["Action", "Lead", "Due date", "RAG status", "Latest update", ""]
    row = html[html.index(f'id="action-{world["first"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Domestic Abuse" in row and "Further develop the local MARAC" in row
    assert "Test council<br>Community Safety Officer" in row
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in row  # the word, not colour alone
    assert "Overdue" in row
    assert "1 June 2024" in row and "Newest note" in row and "Older note" not in row
    assert '<strong class="govuk-tag govuk-tag--grey">Not set</strong>' in html


def _filtered(client, **query: str) -> list[int]:
    html = client.get(URL, query).content.decode()
    return [int(pk) for pk in _action_rows(html)]


def test_filters(client, world: dict[str, object]) -> None:
    first, second, last = world["first"].pk, world["second"].pk, world["last"].pk
    priority = world["first"].priority
    in_priority = list(priority.actions.values_list("pk", flat=True))
    assert _filtered(client, priority=str(priority.pk)) == in_priority
    assert _filtered(client, lead_organisation=str(world["council"].pk)) == [first, last]
    assert _filtered(client, lead_organisation=str(world["police"].pk)) == [second]
    assert _filtered(client, board=str(world["board"].pk)) == [first]
    assert _filtered(client, rag="red") == [first]
    assert _filtered(client, rag="green") == [second]
    assert _filtered(client, rag="amber") == []
    assert len(_filtered(client, rag="none")) == 41
    # overdue: due before today; an action due today is not overdue
    assert _filtered(client, overdue="yes") == [first, last]
    assert _filtered(client, overdue="yes", lead_organisation=str(world["council"].pk), rag="red") == [first]
    # the form remembers the choice, and a value that is not a choice is ignored
    html = client.get(URL, {"rag": "red", "overdue": "yes"}).content.decode()
    assert '<option value="red" selected>Red</option>' in html
    assert re.search(r'name="overdue" type="checkbox" value="yes" checked', html)
    assert "Clear filters" in html and "Showing 1 of 43 actions, filtered." in html
    assert len(_filtered(client, priority="banana", board="999999")) == 43
    assert "No actions match these filters." in client.get(URL, {"rag": "amber"}).content.decode()


def test_csv_export_has_the_filtered_rows(world: dict[str, object]) -> None:
    client = client_as(world["users"], "analyst")
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "lichfield-2022-2025-delivery-plan.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == EXPORT_HEADERS and len(rows) == 44
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(URL, {"format": "csv", "overdue": "yes"}).content.decode("utf-8-sig"))
        )
    )
    assert [r["Action"] for r in rows] == [world["first"].action, world["last"].action]
    first = rows[0]
    assert first["Due date"] == (world["today"] - dt.timedelta(days=1)).isoformat()
    assert first["RAG status"] == "Red" and first["Lead organisation"] == "Test council"
    assert (first["Latest update date"], first["Latest update"], first["Latest update by"]) == (
        "2024-06-01", "Newest note", "B",
    )  # fmt: skip
    assert rows[1]["Due date"] == "2023-03-31" and rows[1]["Latest update"] == ""


def test_xlsx_export_has_a_header_row_and_real_dates(world: dict[str, object]) -> None:
    client = client_as(world["users"], "analyst")
    response = client.get(URL, {"format": "xlsx", "lead_organisation": str(world["council"].pk)})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "lichfield-2022-2025-delivery-plan.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert len(rows) == 3
    due = EXPORT_HEADERS.index("Due date")
    assert rows[1][due] == dt.datetime.combine(world["today"] - dt.timedelta(days=1), dt.time())
    assert rows[2][due] == dt.datetime(2023, 3, 31)
    assert sheet.cell(row=2, column=due + 1).is_date
    assert rows[1][EXPORT_HEADERS.index("Latest update date")] == dt.datetime(2024, 6, 1)
    assert rows[1][EXPORT_HEADERS.index("RAG status")] == "Red"
    everything = openpyxl.load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content)).active
    assert everything.max_row == 44


def test_text_that_looks_like_a_formula_stays_text(client, world: dict[str, object]) -> None:
    Action.objects.filter(pk=world["first"].pk).update(action='=HYPERLINK("http://example.com")')
    response = client.get(URL, {"format": "xlsx", "board": str(world["board"].pk)})
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.com")'


def test_export_links_keep_the_filters(client, world: dict[str, object]) -> None:
    html = client.get(URL, {"rag": "red"}).content.decode()
    assert 'href="?rag=red&amp;format=xlsx"' in html and 'href="?rag=red&amp;format=csv"' in html
    assert client.get(URL, {"format": "pdf"}).status_code == 404


UPDATE_LINKS = {
    "administrator": 43,
    "lead officer of the action": 1,
    "other lead officer": 1,
    "analyst": 0,
    "provider of the project": 0,
    "other provider": 0,
    "board member": 0,
    "other partnership's administrator": 0,
    "anonymous": 0,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_update_links_only_where_the_user_may_update(world: dict[str, object], persona: str) -> None:
    html = client_as(world["users"], persona).get(URL).content.decode()
    links = re.findall(r"/actions/(\d+)/update/", html)
    assert len(links) == UPDATE_LINKS[persona]
    if persona == "lead officer of the action":
        assert links == [str(world["first"].pk)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_delivery_plan_is_for_members_only(world: dict[str, object], persona: str) -> None:
    Plan.objects.filter(pk=world["plan"].pk).update(status=Plan.Status.DRAFT)
    expected = 404 if persona in OUTSIDERS else 200
    client = client_as(world["users"], persona)
    assert client.get(URL).status_code == expected
    assert client.get(URL, {"format": "csv"}).status_code == expected
    assert client.get(URL, {"format": "xlsx"}).status_code == expected


def test_the_plan_page_links_to_its_delivery_plan_and_risk_register(client, world: dict[str, object]) -> None:
    html = client.get("/partnerships/lichfield/plans/2022-2025/").content.decode()
    assert f'href="{URL}"' in html
    assert 'href="/partnerships/lichfield/plans/2022-2025/risks/"' in html
    assert "/risks/new/" not in html
    admin = client_as(world["users"], "administrator")
    assert (
        'href="/partnerships/lichfield/plans/2022-2025/risks/new/"'
        in admin.get("/partnerships/lichfield/plans/2022-2025/").content.decode()
    )


@pytest.mark.parametrize("persona", ["administrator", "lead officer of the action", "board member"])
def test_queries_do_not_grow_with_the_rows(world: dict[str, object], persona: str) -> None:
    """The page asks for the user's roles once, not once per action (43 rows here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world["users"], persona)
    client.get(URL)  # sessions and caches warm
    with CaptureQueriesContext(connection) as everything:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(URL, {"rag": "red"}).status_code == 200
    role_queries = [q for q in everything.captured_queries if "accounts_role" in q["sql"]]
    assert len(role_queries) <= 3, [q["sql"] for q in role_queries]
    assert len(everything) <= len(one_row)  # 43 rows ask no more than one row does


@pytest.mark.parametrize("persona", sorted(OUTSIDERS))
def test_public_readers_see_only_approved_public_summaries(world: dict[str, object], persona: str) -> None:
    """Update text and authors are notes between partners: outside the partnership, a published
    plan's delivery page shows an update only by its approved public summary, with no author."""
    first = world["first"]
    client = client_as(world["users"], persona)
    for response in (client.get(URL), client.get(URL, {"format": "csv"})):
        body = response.content.decode("utf-8-sig")
        assert "Newest note" not in body and "Older note" not in body
    rows = list(csv.DictReader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode("utf-8-sig"))))
    assert all(r["Latest update"] == "" and r["Latest update by"] == "" for r in rows)
    older = first.updates.get(text="Older note")
    older.public_summary, older.public_approved_at = "We held two events for residents.", timezone.now()
    older.save()
    newest = first.updates.get(text="Newest note")
    newest.public_summary = "Not approved yet, so not shown."
    newest.save()
    body = client.get(URL).content.decode()
    assert "We held two events for residents." in body and "Not approved yet" not in body
    row = next(
        r
        for r in csv.DictReader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")))
        if r["Action"] == first.action
    )
    assert (row["Latest update date"], row["Latest update"], row["Latest update by"]) == (
        "2024-05-01", "We held two events for residents.", "",
    )  # fmt: skip
    assert "No update published for residents yet" in body
    member = client_as(world["users"], "analyst").get(URL).content.decode()
    assert "Newest note" in member
