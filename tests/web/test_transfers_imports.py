"""Exports and imports of the seed plans through the pages: round trips, edits and every kind of bad file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Plan, Risk
from saferplaces.web.seeds import load_seed_plans
from saferplaces.web.tables import MAX_UPLOAD_BYTES, read_table
from saferplaces.web.transfers.imports import check_table
from saferplaces.web.transfers.kinds import KINDS
from tests.web.transfers_support import (
    EAST_STAFFS,
    LICHFIELD,
    SEED_PLANS,
    admin_client,
    confirm,
    database,
    export,
    html,
    sheet_rows,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    load_seed_plans()
    return admin_client()


def xlsx_bytes(book: object) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], bom: bool = True) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# Round trips -------------------------------------------------------------------------------------


ROUND_TRIPS = [
    (url, kind, fmt) for url, kinds in SEED_PLANS.items() for kind in kinds for fmt in ("csv", "xlsx")
]


@pytest.mark.parametrize(("plan_url", "kind", "fmt"), ROUND_TRIPS)
def test_an_export_imported_back_changes_nothing(client: Client, plan_url: str, kind: str, fmt: str) -> None:
    data = export(client, plan_url, kind, fmt)
    rows = len(csv_rows(data)) - 1 if fmt == "csv" else len(sheet_rows(data)) - 1
    assert rows > 0
    before = database()
    page = html(upload(client, plan_url, f"{kind}.{fmt}", data, kind))
    assert f"0 rows will be added, 0 changed, {rows} unchanged." in page
    assert "There is nothing to import: every row matches the plan." in page
    assert "Confirm import" not in page
    assert database() == before
    assert AuditEntry.objects.count() == 0


def test_every_seed_plan_round_trips_without_the_pages() -> None:
    load_seed_plans()
    for plan in Plan.objects.all():
        for kind in KINDS.values():
            from saferplaces.web.transfers.exports import export_file

            records = kind.records(plan).count()
            for fmt in ("csv", "xlsx"):
                table = read_table(f"x.{fmt}", export_file(kind, plan, fmt), sheet=kind.name)
                assert len(table.rows) == records
                if records:
                    check = check_table(kind, plan, table)
                    assert check.ok and check.unchanged == records and not check.added + check.changed


def test_exports_hold_what_the_plan_holds(client: Client) -> None:
    rows = csv_rows(export(client, LICHFIELD, "actions", "csv"))
    assert rows[0] == [
        "id",
        "Priority",
        "Action",
        "Intended outcome",
        "Data measure",
        "Lead organisation",
        "Lead officer",
        "Board",
        "Due date",
        "RAG status",
    ]
    first = Action.objects.filter(priority__plan__partnership__slug="lichfield").order_by(
        "priority__order", "order"
    )[0]
    assert (
        rows[1]
        == [str(first.pk), "Domestic Abuse", first.action, first.outcome, first.data_measure] + [""] * 5
    )
    assert len(rows) - 1 == Action.objects.filter(priority__plan__partnership__slug="lichfield").count() == 43

    targets = sheet_rows(export(client, EAST_STAFFS, "targets", "xlsx"))
    assert targets[0][1:] == [
        "Priority",
        "Target",
        "Unit",
        "Direction",
        "Baseline",
        "Baseline as written",
        "Baseline period",
        "2018/19",
        "2019/20",
        "2020/21",
    ]
    assert targets[4][2:8] == [
        "Increased feelings of safety",
        "percent",
        "Increase",
        81,
        "81% after dark",
        "2018",
    ]
    assert targets[7][5:8] == [None, None, None]  # blank values are blank cells

    book = load_workbook(io.BytesIO(export(client, EAST_STAFFS, "risks", "xlsx")))
    assert book.sheetnames == ["risks"]
    assert book["risks"].freeze_panes == "A2" and book["risks"]["A1"].font.b
    assert [c.value for c in book["risks"][1]] == [
        "id",
        "Risk",
        "Impact",
        "Likelihood",
        "Mitigation",
        "Owner",
        "Review date",
        "Status",
    ]


def test_dates_are_dates_in_xlsx_and_iso_in_csv(client: Client) -> None:
    risk = Risk.objects.filter(plan__partnership__slug="east-staffordshire").first()
    risk.review_date = dt.date(2025, 3, 31)
    risk.save()
    assert sheet_rows(export(client, EAST_STAFFS, "risks", "xlsx"))[1][6] == dt.datetime(2025, 3, 31)
    assert csv_rows(export(client, EAST_STAFFS, "risks", "csv"))[1][6] == "2025-03-31"


# Edits -------------------------------------------------------------------------------------------


def test_an_edited_xlsx_changes_exactly_the_edited_records(client: Client) -> None:
    book = load_workbook(io.BytesIO(export(client, EAST_STAFFS, "risks", "xlsx")))
    sheet = book["risks"]
    edited = {sheet.cell(3, 1).value, sheet.cell(5, 1).value}
    sheet.cell(3, 4).value = "Low"  # likelihood of the second risk
    sheet.cell(5, 7).value = dt.datetime(2025, 3, 31)  # review date of the fourth, as Excel stores it
    sheet.cell(5, 6).value = "Community Safety Officer"
    sheet.append(
        [None, "Loss of the locality fund", "High", "Low", "Bid for other funds", None, None, "Open"]
    )
    untouched = {
        r.pk: (r.risk, r.impact, r.likelihood, r.mitigation, r.owner, r.review_date, r.status, r.order)
        for r in Risk.objects.exclude(pk__in=edited)
    }

    page = html(upload(client, EAST_STAFFS, "risks-march.xlsx", xlsx_bytes(book), "risks"))
    assert "1 row will be added, 2 changed, 7 unchanged." in page
    assert "New risk: Loss of the locality fund" in page
    assert "31 March 2025" in page
    assert Risk.objects.count() == 9, "checking saves nothing"
    page = html(confirm(client, EAST_STAFFS))
    assert "Import complete" in page and "From risks-march.xlsx: 1 row added and 2 changed." in page

    assert {
        r.pk: (r.risk, r.impact, r.likelihood, r.mitigation, r.owner, r.review_date, r.status, r.order)
        for r in Risk.objects.exclude(pk__in=edited)
        if r.risk != "Loss of the locality fund"
    } == untouched
    second, fourth = (Risk.objects.get(pk=pk) for pk in sorted(edited))
    assert second.likelihood == "low"
    assert (fourth.review_date, fourth.owner) == (dt.date(2025, 3, 31), "Community Safety Officer")
    new = Risk.objects.get(risk="Loss of the locality fund")
    assert (new.impact, new.likelihood, new.status, new.order) == ("high", "low", "open", 10)
    entries = AuditEntry.objects.order_by("id")
    assert [(e.kind, e.object_id) for e in entries] == [
        ("changed", str(second.pk)),
        ("changed", str(fourth.pk)),
        ("created", str(new.pk)),
    ]
    assert {e.via for e in entries} == {"import risks-march.xlsx"}
    assert {e.user_name for e in entries} == {"Ann Admin"}
    assert dict((f, (b, a)) for f, b, a in entries.get(object_id=str(second.pk)).changes()) == {
        "likelihood": ("medium", "low")
    }


def test_an_edited_csv_changes_exactly_the_edited_actions(client: Client) -> None:
    rows = csv_rows(export(client, LICHFIELD, "actions", "csv"))
    header = rows[0]
    rows[3][header.index("Due date")] = "31/12/2024"
    rows[3][header.index("RAG status")] = "amber"
    rows[10][header.index("Priority")] = "prevent"  # names match whatever the case
    rows[10][header.index("Lead officer")] = "Community Safety Manager"
    rows.append(
        ["", "County Lines", "Run a County Lines awareness week", "", "", "", "", "", "2025-02-01", "Green"]
    )
    before = {a.pk: a for a in Action.objects.all()}
    edited = {int(rows[3][0]), int(rows[10][0])}

    page = html(upload(client, LICHFIELD, "delivery plan.csv", csv_bytes(rows), "actions"))
    assert "1 row will be added, 2 changed, 41 unchanged." in page
    confirm(client, LICHFIELD)

    after = {a.pk: a for a in Action.objects.all()}
    new_pk = (set(after) - set(before)).pop()
    for pk, action in before.items():
        if pk not in edited:
            stored = after[pk]
            assert (stored.action, stored.order, stored.priority_id, stored.due_date, stored.rag) == (
                action.action,
                action.order,
                action.priority_id,
                action.due_date,
                action.rag,
            )
    third = after[int(rows[3][0])]
    assert (third.due_date, third.rag) == (dt.date(2024, 12, 31), "amber")
    moved = after[int(rows[10][0])]
    assert moved.priority.title == "Prevent" and moved.lead_officer == "Community Safety Manager"
    assert (
        moved.order
        == max(a.order for a in after.values() if a.priority_id == moved.priority_id and a != moved) + 1
    )
    new = after[new_pk]
    assert (new.priority.title, new.action, new.due_date, new.rag) == (
        "County Lines",
        "Run a County Lines awareness week",
        dt.date(2025, 2, 1),
        "green",
    )
    entries = AuditEntry.objects.all()
    assert sorted(int(e.object_id) for e in entries) == sorted([*edited, new_pk])
    assert {e.via for e in entries} == {"import delivery plan.csv"}
    assert {e.partnership.slug for e in entries} == {"lichfield"}


def test_target_values_by_period_are_imported(client: Client) -> None:
    rows = csv_rows(export(client, EAST_STAFFS, "targets", "csv"))
    header = rows[0] + ["2021/22"]
    rows = [header] + [row + [""] for row in rows[1:]]
    rows[1][header.index("2018/19")] = "1,012"
    rows[1][header.index("2021/22")] = "1100"
    rows[3][header.index("Baseline")] = "3502.5"
    rows[3][header.index("Priority")] = "Antisocial behaviour (ASB)"
    first, third = int(rows[1][0]), int(rows[3][0])

    page = html(upload(client, EAST_STAFFS, "targets.csv", csv_bytes(rows), "targets"))
    assert "0 rows will be added, 2 changed, 5 unchanged." in page
    assert "1,012" not in page and "1012" in page
    confirm(client, EAST_STAFFS)

    assert TargetValue.objects.get(target_id=first, period="2018/19").value == Decimal(1012)
    added = TargetValue.objects.get(target_id=first, period="2021/22")
    assert added.value == Decimal(1100) and added.order == 4
    assert not TargetValue.objects.filter(period="2021/22").exclude(target_id=first).exists()
    target = Target.objects.get(pk=third)
    assert (
        target.baseline_value == Decimal("3502.5") and target.priority.title == "Antisocial behaviour (ASB)"
    )
    assert sorted((e.model, e.kind) for e in AuditEntry.objects.all()) == [
        ("performance.target", "changed"),
        ("performance.targetvalue", "changed"),
        ("performance.targetvalue", "created"),
    ]
    # A blank cell clears a value and keeps the period.
    rows[1][header.index("2018/19")] = ""
    upload(client, EAST_STAFFS, "targets.csv", csv_bytes(rows), "targets")
    confirm(client, EAST_STAFFS)
    assert TargetValue.objects.get(target_id=first, period="2018/19").value is None


def test_a_new_target_gets_values_only_for_the_periods_it_has_numbers_for(client: Client) -> None:
    rows = csv_rows(export(client, EAST_STAFFS, "targets", "csv"))
    cells = {"Target": "Reduced hate crime", "Direction": "Reduce", "Baseline": "120", "2019/20": "110"}
    rows.append([cells.get(header, "") for header in rows[0]])
    page = html(upload(client, EAST_STAFFS, "targets.xlsx", _as_xlsx(rows), "targets"))
    assert "1 row will be added, 0 changed, 7 unchanged." in page
    confirm(client, EAST_STAFFS)
    target = Target.objects.get(description="Reduced hate crime")
    assert (target.order, target.direction, target.baseline_value) == (8, "reduce", Decimal(120))
    assert [(v.period, v.value, v.order) for v in target.values.all()] == [("2019/20", Decimal(110), 1)]
    models = sorted(e.model for e in AuditEntry.objects.all())
    assert models == ["performance.target", "performance.targetvalue"]


def test_a_csv_without_a_bom_and_with_excel_line_ends_is_read(client: Client) -> None:
    rows = csv_rows(export(client, EAST_STAFFS, "risks", "csv"))
    data = csv_bytes(rows, bom=False).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert "0 rows will be added, 0 changed, 9 unchanged." in html(
        upload(client, EAST_STAFFS, "r.csv", data, "risks")
    )


def test_blank_rows_are_skipped(client: Client) -> None:
    rows = csv_rows(export(client, EAST_STAFFS, "risks", "csv"))
    rows.insert(3, [""] * len(rows[0]))
    page = html(upload(client, EAST_STAFFS, "r.csv", csv_bytes(rows), "risks"))
    assert "0 rows will be added, 0 changed, 9 unchanged." in page


def test_the_plan_changing_between_check_and_confirm_is_shown_again(client: Client) -> None:
    rows = csv_rows(export(client, EAST_STAFFS, "risks", "csv"))
    rows[1][2] = "Low"
    upload(client, EAST_STAFFS, "r.csv", csv_bytes(rows), "risks")
    page = client.get(EAST_STAFFS + "import/check/").content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    other = Risk.objects.get(pk=int(rows[2][0]))
    other.impact = "low"  # someone else changes another risk in the file
    other.save()
    before = database()
    page = html(client.post(EAST_STAFFS + "import/check/", {"token": token}))
    assert "The plan changed after you uploaded the file." in page
    assert "2 changed" in page
    assert database() == before
    confirm(client, EAST_STAFFS)
    assert Risk.objects.get(pk=other.pk).impact == "medium"


def test_a_wrong_token_saves_nothing(client: Client) -> None:
    rows = csv_rows(export(client, EAST_STAFFS, "risks", "csv"))
    rows[1][2] = "Low"
    upload(client, EAST_STAFFS, "r.csv", csv_bytes(rows), "risks")
    before = database()
    response = client.post(EAST_STAFFS + "import/check/", {"token": "made-up"})
    assert response.status_code == 302
    assert database() == before
    assert client.post(EAST_STAFFS + "import/check/").status_code == 302
    assert database() == before


def test_the_check_page_without_an_upload_goes_back_to_the_form(client: Client) -> None:
    response = client.get(LICHFIELD + "import/check/")
    assert response.status_code == 302 and response["Location"] == LICHFIELD + "import/"


# Bad files ---------------------------------------------------------------------------------------


def _risks(client: Client) -> list[list[str]]:
    return csv_rows(export(client, EAST_STAFFS, "risks", "csv"))


def _actions(client: Client) -> list[list[str]]:
    return csv_rows(export(client, LICHFIELD, "actions", "csv"))


def _targets(client: Client) -> list[list[str]]:
    return csv_rows(export(client, EAST_STAFFS, "targets", "csv"))


def _edit(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    rows[row - 1][rows[0].index(column)] = value
    return rows


def _new_action(client: Client, **cells: str) -> list[list[str]]:
    rows = _actions(client)[:1]
    row = dict.fromkeys(rows[0], "") | {"Priority": "Prevent", "Action": "New"} | cells
    return rows + [[row[h] for h in rows[0]]]


BAD_CSV = {
    "unknown column": (
        "risks",
        lambda c: (
            [r + ["x"] for r in _edit(_risks(c), 1, "Owner", "Owner")[:1]] + [r + [""] for r in _risks(c)[1:]]
        ),
        [
            "Row 1, column I: 'x' is not a column of a file of risks. Delete it, or rename it to one of: "
            "id, Risk, Impact, Likelihood, Mitigation, Owner, Review date, Status."
        ],
    ),
    "missing column": (
        "risks",
        lambda c: [r[:6] + r[7:] for r in _risks(c)],
        ["Row 1: The file has no 'Review date' column. Use the columns of an export of risks: id, Risk,"],
    ),
    "missing id column": (
        "risks",
        lambda c: [r[1:] for r in _risks(c)],
        ["Row 1: The file has no 'id' column."],
    ),
    "two columns of one name": (
        "risks",
        lambda c: [r + [r[5]] for r in _risks(c)],
        ["Row 1, column I: There are two 'Owner' columns. Delete one of them."],
    ),
    "values under no header": (
        "risks",
        lambda c: [r + ["", "stray"] if i == 3 else r for i, r in enumerate(_risks(c))],
        ["Row 1: Column J has no name but row 4 has a value in it."],
    ),
    "unknown priority": (
        "actions",
        lambda c: _edit(_actions(c), 3, "Priority", "Burglary"),
        [
            "Row 3, Priority: 'Burglary' is not a priority of this plan. Use one of: 'Domestic Abuse'; "
            "'Anti-Social Behaviour'; 'County Lines'; 'Violence against women and girls'; "
            "'Serious Violence'; 'Prevent'; 'Crime prevention'."
        ],
    ),
    "no organisations to name": (
        "actions",
        lambda c: _edit(_actions(c), 4, "Lead organisation", "Lichfield District Council"),
        [
            "Row 4, Lead organisation: 'Lichfield District Council' is not a member organisation of the "
            "partnership; there are none yet. Leave it blank, or add the organisation to the "
            "partnership's members first."
        ],
    ),
    "unknown board": (
        "actions",
        lambda c: _edit(_actions(c), 5, "Board", "Safer Lichfield Board"),
        ["Row 5, Board: 'Safer Lichfield Board' is not a board of the partnership; there are none yet."],
    ),
    "bad date": (
        "actions",
        lambda c: _edit(_actions(c), 7, "Due date", "31/13/2024"),
        ["Row 7, Due date: '31/13/2024' is not a date. Use the form 31/12/2024 or 2024-12-31."],
    ),
    "bad RAG status": (
        "actions",
        lambda c: _edit(_actions(c), 2, "RAG status", "Blue"),
        ["Row 2, RAG status: 'Blue' is not a RAG status. Use Red, Amber or Green, or leave it blank."],
    ),
    "bad impact and likelihood": (
        "risks",
        lambda c: _edit(_edit(_risks(c), 2, "Impact", "Severe"), 3, "Likelihood", "Often"),
        [
            "Row 2, Impact: 'Severe' is not an impact. Use High, Medium or Low.",
            "Row 3, Likelihood: 'Often' is not a likelihood. Use High, Medium or Low.",
        ],
    ),
    "bad status": (
        "risks",
        lambda c: _edit(_risks(c), 2, "Status", "Done"),
        ["Row 2, Status: 'Done' is not a status. Use Open or Closed, or leave it blank."],
    ),
    "duplicate ids": (
        "risks",
        lambda c: (lambda rows: rows + [rows[2][:]])(_risks(c)),
        [
            "Row 11, id: {id3} is also the id on row 3. "
            "Each risk can be on one row only; delete one of the rows."
        ],
    ),
    "id of another plan": (
        "risks",
        lambda c: _edit(_risks(c), 4, "id", "{other_risk}"),
        [
            "Row 4, id: {other_risk} is not the id of a risk in this plan. "
            "Leave the id blank to add a new risk, or copy the id from an export of this plan."
        ],
    ),
    "id that is not a number": (
        "risks",
        lambda c: _edit(_risks(c), 4, "id", "R4"),
        ["Row 4, id: 'R4' is not an id. Leave the id blank to add a new risk"],
    ),
    # str.isdigit() passes these; int() refuses the first and the second is no database id (#13).
    "id in superscript digits": (
        "risks",
        lambda c: _edit(_risks(c), 4, "id", "\u00b2"),
        ["Row 4, id: '\u00b2' is not an id. Leave the id blank to add a new risk"],
    ),
    "id in Arabic-Indic digits": (
        "risks",
        lambda c: _edit(_risks(c), 4, "id", "\u0663"),
        ["Row 4, id: '\u0663' is not an id. Leave the id blank to add a new risk"],
    ),
    "empty required cells": (
        "risks",
        lambda c: _edit(_edit(_risks(c), 2, "Risk", ""), 5, "Impact", ""),
        [
            "Row 2, Risk: Enter the risk; this column cannot be blank.",
            "Row 5, Impact: Enter the impact: High, Medium or Low.",
        ],
    ),
    "empty priority": (
        "actions",
        lambda c: _edit(_actions(c), 9, "Priority", ""),
        ["Row 9, Priority: Enter the priority. Use one of: 'Domestic Abuse';"],
    ),
    "text too long": (
        "actions",
        lambda c: _edit(_actions(c), 9, "Lead officer", "x" * 201),
        ["Row 9, Lead officer: The text is 201 characters long. Shorten it to 200 characters or fewer."],
    ),
    "text in a number cell": (
        "targets",
        lambda c: _edit(_edit(_targets(c), 2, "Baseline", "about 900"), 4, "2019/20", "n/a"),
        [
            "Row 2, Baseline: 'about 900' is not a number. "
            "Enter a number, such as 1250 or 12.5, or leave it blank.",
            "Row 4, 2019/20: 'n/a' is not a number.",
        ],
    ),
    "a column that is not a period": (
        "targets",
        lambda c: [r + ["x"] for r in _targets(c)[:1]] + [r + [""] for r in _targets(c)[1:]],
        ["Row 1, column L: 'x' is not a column of a file of targets."],
    ),
    "bad direction": (
        "targets",
        lambda c: _edit(_targets(c), 2, "Direction", "Up"),
        ["Row 2, Direction: 'Up' is not a direction. Use Increase or Reduce, or leave it blank."],
    ),
    "header only": (
        "risks",
        lambda c: _risks(c)[:1],
        ["The file has no rows under its header. Add a row for each risk, or choose another file."],
    ),
    "the wrong kind chosen": (
        "actions",
        lambda c: _risks(c),
        ["The file holds risks, not actions. Select 'Risks (the risk register)' as what the file holds"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_a_bad_csv_lists_each_problem_and_saves_nothing(client: Client, case: str) -> None:
    kind, build, messages = BAD_CSV[case]
    plan_url = LICHFIELD if kind == "actions" else EAST_STAFFS
    ids = {
        "id3": _risks(client)[2][0],
        "other_risk": "999999",
    }
    rows = [[cell.format(**ids) for cell in row] for row in build(client)]
    before = database()
    for name, data in (("file.csv", csv_bytes(rows)), ("file.xlsx", _as_xlsx(rows))):
        response = upload(client, plan_url, name, data, kind)
        page = html(response)
        assert response.redirect_chain == []
        assert "There is a problem" in page and "<title>Error: Import from a spreadsheet" in page
        assert "Nothing has been imported." in page
        for message in messages:
            assert _escape(message.format(**ids)) in page, (case, name)
        assert database() == before


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")


def _as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append([cell or None for cell in row])
    return xlsx_bytes(book)


def test_an_id_from_another_plan_is_refused(client: Client) -> None:
    # A risk of another plan, made for the test: the seed risks are all East Staffordshire's.
    other_plan = Plan.objects.get(partnership__slug="lichfield")
    other = Risk.objects.create(
        plan=other_plan, risk="Not East Staffordshire's", impact="low", likelihood="low"
    )
    rows = _edit(_risks(client), 4, "id", str(other.pk))
    before = database()
    page = html(upload(client, EAST_STAFFS, "r.csv", csv_bytes(rows), "risks"))
    assert f"Row 4, id: {other.pk} is not the id of a risk in this plan." in page
    assert database() == before


def test_an_unknown_organisation_lists_the_members(client: Client) -> None:
    rows = _new_action(client, **{"Lead organisation": "Burton Police"})
    rows[1][rows[0].index("Priority")] = "Domestic abuse"
    before = database()
    page = html(upload(client, EAST_STAFFS, "a.csv", csv_bytes(rows), "actions"))
    assert (
        _escape(
            "Row 2, Lead organisation: 'Burton Police' is not a member organisation of the partnership. "
            "Use one of: 'East Staffordshire Borough Council'; 'East Staffordshire Clinical Commissioning "
            "Group (CCG)'; 'Staffordshire County Council'; 'Staffordshire Fire & Rescue Service'; "
            "'Staffordshire Police'; 'Voluntary Sector', or leave it blank."
        )
        in page
    )
    assert database() == before
    rows[1][rows[0].index("Lead organisation")] = "staffordshire police"
    rows[1][rows[0].index("Board")] = "Local Strategic Partnership (LSP)"
    assert "1 row will be added" in html(upload(client, EAST_STAFFS, "a.csv", csv_bytes(rows), "actions"))


def test_more_than_fifty_problems_are_counted(client: Client) -> None:
    rows = _actions(client)
    for row in rows[1:]:
        row[rows[0].index("RAG status")] = "Purple"
    page = html(upload(client, LICHFIELD, "a.csv", csv_bytes(rows), "actions"))
    assert page.count("is not a RAG status") == 43
    assert "more problem" not in page and "The file has 43 problems." in page
    rows += [[""] + r[1:] for r in rows[1:10]]
    page = html(upload(client, LICHFIELD, "a.csv", csv_bytes(rows), "actions"))
    assert page.count("is not a RAG status") == 50
    assert "And 2 more problems." in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("risks.txt", b"id,Risk\n", "The selected file must be a CSV or XLSX file (this one ends in .txt)."),
        (
            "risks.xls",
            b"\xd0\xcf\x11\xe0",
            "The selected file must be a CSV or XLSX file (this one ends in .xls).",
        ),
        (
            "risks.xlsx",
            b"id,Risk\n",
            "The selected file is not an XLSX workbook, although its name ends in .xlsx.",
        ),
        ("risks.csv", b"", "The selected file is empty."),
        ("risks.csv", b"\xef\xbb\xbf", "The selected file is empty."),
        ("risks.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "The selected file must be smaller than 5 MB."),
        ("risks.csv", "id,Risk\n1,Café\n".encode("latin-1"), "The selected file is not UTF-8 text: line 2"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(
    client: Client, name: str, data: bytes, message: str
) -> None:
    before = database()
    page = html(upload(client, EAST_STAFFS, name, data, "risks"))
    assert "There is a problem" in page
    assert _escape(message) in page
    assert '<a href="#file">' in page
    assert database() == before


def test_the_form_asks_for_a_file_and_a_kind(client: Client) -> None:
    page = html(client.post(EAST_STAFFS + "import/", {}))
    assert '<a href="#file">Select a CSV or XLSX file</a>' in page
    assert '<a href="#kind">Select what the file holds</a>' in page
    page = html(client.post(EAST_STAFFS + "import/", {"kind": "projects"}))
    assert "Select what the file holds" in page
