"""A whole plan as an Excel workbook: every table the plan page shows, one sheet each.

This is how a partnership takes its plan back into Excel: the priorities with
their reasons and aims, the delivery plan, priority places, people at greatest
risk, targets with every period, the risk register, governance, partner plans,
workstream commitments, projects, the partners' contributions and funding. Blank values stay blank.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from saferplaces.reports.csv_cells import text_not_formulas
from saferplaces.web.plans.delivery import EXPORT_HEADERS, delivery_rows, plan_actions
from saferplaces.web.plans.models import Plan
from saferplaces.web.plans.privacy import blank_private, public_rows

if TYPE_CHECKING:
    from saferplaces.web.performance.models import Target

#: Widest column in characters; longer text wraps.
MAX_WIDTH = 60


@dataclass(frozen=True)
class Sheet:
    """One table of the plan: its sheet name (Excel allows 31 characters), heading and rows."""

    name: str
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _lines(items: list[str]) -> str:
    return "\n".join(items or [])


def _value(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def entered_periods(targets: list[Target]) -> list[str]:
    """The periods of the targets' entered values, each once, in the order first met."""
    periods: list[str] = []
    for target in targets:
        for value in target.entered_values():
            if value.period not in periods:
                periods.append(value.period)
    return periods


def plan_sheets(plan: Plan, *, public: bool = False) -> list[Sheet]:
    """The plan's tables, in the order of the plan page; empty tables are left out.

    With ``public``, without what only the partnership may read (:mod:`saferplaces.web.plans.privacy`).
    """
    priorities = list(plan.priorities.select_related("county_priority"))
    delivery = public_rows(public, delivery_rows(plan_actions(plan), date.today()))
    risks = list(plan.risks.all())
    governance = list(plan.governance.all())
    blank_private(public, risks=risks, governance=governance)
    targets = list(plan.targets.prefetch_related("values"))
    periods = entered_periods(targets)
    sheets = [
        Sheet(
            "Priorities",
            "Priorities, themes and the reasons for choosing them",
            (
                "Priority",
                "Kind",
                "Description",
                "Reasons for selection",
                "Aims and ambitions",
                "Evidence",
                "County priority",
                "PCC plan priorities",
                "Fire plan priorities",
            ),
            [
                (
                    p.title,
                    p.get_kind_display(),
                    p.description,
                    _lines(p.reasons),
                    _lines(p.aims),
                    p.evidence,
                    p.county_priority.title if p.county_priority else "",
                    p.pcc_plan_priorities,
                    p.fire_plan_priorities,
                )
                for p in priorities
            ],
        ),
        Sheet(
            "Delivery plan",
            "Delivery plan: actions by priority, each with its latest update",
            EXPORT_HEADERS,
            [row.values() for row in delivery],
        ),
        Sheet(
            "Priority places",
            "Priority places and why",
            ("Place", "Type of area", "District", "Priority type", "Rationale"),
            [
                (pl.name, pl.get_area_type_display(), pl.district, pl.priority_type, pl.rationale)
                for pl in plan.places.all()
            ],
        ),
        Sheet(
            "People at risk",
            "People at greatest risk",
            ("Group", "Detail"),
            [(g.description, g.detail) for g in plan.at_risk_groups.all()],
        ),
        Sheet(
            "Targets",
            "Targets and indicators, with the baseline and each period's value",
            ("Target", "Unit", "Direction", "Baseline", "Baseline as written", "Baseline period", *periods),
            [
                (
                    t.description,
                    t.unit,
                    t.get_direction_display() if t.direction else "",
                    _value(t.baseline_value),
                    t.baseline_text,
                    t.baseline_period,
                    *(_value(by_period[p].value) if p in by_period else None for p in periods),
                )
                for t in targets
                for by_period in [{v.period: v for v in t.entered_values()}]
            ],
        ),
        Sheet(
            "Risks",
            "Risk register",
            ("Risk", "Impact", "Likelihood", "Mitigation", "Owner", "Review date", "Status"),
            [
                (
                    r.risk,
                    r.get_impact_display(),
                    r.get_likelihood_display(),
                    r.mitigation,
                    r.owner,
                    r.review_date,
                    r.get_status_display() if r.status else "",
                )
                for r in risks
            ],
        ),
        Sheet(
            "Governance",
            "Governance: theme, board and who reports on performance",
            ("Theme", "Governance arrangements", "Officer responsible for performance updates"),
            [(g.theme, g.arrangements, g.officer_responsible) for g in governance],
        ),
        Sheet(
            "Partner plans",
            "Other plans this plan links to, and their priorities",
            ("Plan", "Kind", "Priorities"),
            [(pp.name, pp.get_kind_display(), _lines(pp.priorities)) for pp in plan.partner_plans.all()],
        ),
        Sheet(
            "Commitments",
            "Workstreams and their commitments",
            ("Workstream", "Audience", "We will"),
            [
                (w.name, c.audience, c.text)
                for w in plan.workstreams.prefetch_related("commitments")
                for c in w.commitments.all()
            ],
        ),
        Sheet(
            "Projects",
            "Commissioned projects",
            (
                "Reference",
                "Project",
                "Provider",
                "Priority",
                "Funding stream",
                "Contract start",
                "Contract end",
                "Budget",
                "Output targets",
                "Outcomes",
            ),
            [
                (
                    pr.reference,
                    pr.name,
                    pr.provider,
                    pr.priority.title if pr.priority else "",
                    pr.funding_stream.name if pr.funding_stream else "",
                    pr.contract_start,
                    pr.contract_end,
                    _value(pr.budget),
                    pr.output_targets,
                    _lines(pr.outcomes),
                )
                for pr in plan.projects.select_related("priority", "funding_stream")
            ],
        ),
        Sheet(
            "Partners",
            "Partners and what each contributes",
            ("Organisation", "Contribution"),
            [
                (m.organisation.name, m.contribution)
                for m in plan.partnership.memberships.select_related("organisation")
            ],
        ),
        Sheet(
            "Funding",
            "Funding streams",
            ("Funding stream", "Amount as written", "Lowest amount", "Highest amount", "How often"),
            [
                (f.name, f.amount_text, _value(f.amount_low), _value(f.amount_high), f.frequency)
                for f in plan.funding.all()
            ],
        ),
    ]
    return [sheet for sheet in sheets if sheet.rows]


def plan_workbook(plan: Plan, *, public: bool = False) -> bytes:
    """The plan's sheets as an XLSX file: a bold, frozen header row, dates as dates, long text wrapped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    about = book.active
    about.title = "About"
    about.append([plan.title])
    about["A1"].font = Font(bold=True, size=14)
    about.append([f"{plan.partnership.name}, {plan.period}, {plan.get_status_display().lower()}"])
    if plan.source:
        about.append([f"Taken from: {plan.source}"])
    about.append([])
    about.append(["Sheet", "What it holds", "Rows"])
    for cell in about[about.max_row]:
        cell.font = Font(bold=True)
    sheets = plan_sheets(plan, public=public)
    for sheet in sheets:
        about.append([sheet.name, sheet.caption, len(sheet.rows)])
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = MAX_WIDTH
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append(list(sheet.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in sheet.rows:
            ws.append([value if value != "" else None for value in row])
        for index, column in enumerate(sheet.columns, start=1):
            longest = max([len(column)] + [len(str(r[index - 1])) for r in sheet.rows if r[index - 1]])
            ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, longest + 2)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    # openpyxl takes text starting "=" for a formula; the plan's words stay words.
                    cell.data_type = "s"
                    cell.alignment = wrap
    text_not_formulas(book)  # the About sheet's title and source are the plan's words too
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
