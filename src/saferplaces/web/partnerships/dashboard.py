"""The partnership dashboard's numbers: what a board looks at first.

Each function takes a plan (or partnership) and returns plain rows, so the page,
its tests and any later export read the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from saferplaces.web.plans.models import Action, Plan, Priority, Risk
from saferplaces.web.projects.models import Project, QuarterlyReturn
from saferplaces.web.projects.schedule import return_schedule

#: Risk levels as scores: impact x likelihood gives 1 (low, low) to 9 (high, high).
LEVEL_SCORE = {Risk.Level.LOW: 1, Risk.Level.MEDIUM: 2, Risk.Level.HIGH: 3}

#: How many risks the dashboard lists.
TOP_RISKS = 5


def current_plan(plans: list[Plan], today: dt.date) -> Plan | None:
    """The plan covering this year; otherwise the one that started most recently."""
    covering = [p for p in plans if p.start_year <= today.year <= p.end_year]
    pool = covering or plans
    return max(pool, key=lambda p: (p.start_year, p.end_year), default=None)


@dataclass
class PriorityProgress:
    """Counts of a priority's actions by RAG status, and how many are past their due date."""

    priority: Priority
    red: int = 0
    amber: int = 0
    green: int = 0
    not_rated: int = 0
    overdue: int = 0
    total: int = field(init=False, default=0)

    def add(self, action: Action, today: dt.date) -> None:
        name = action.rag if action.rag in {"red", "amber", "green"} else "not_rated"
        setattr(self, name, getattr(self, name) + 1)
        self.total += 1
        if action.due_date and action.due_date < today and action.rag != Action.Rag.GREEN:
            self.overdue += 1


def priority_progress(plan: Plan, today: dt.date) -> list[PriorityProgress]:
    """One row per priority (of any kind) with at least one action, in the plan's order."""
    rows = []
    for priority in plan.priorities.prefetch_related("actions"):
        actions = list(priority.actions.all())
        if not actions:
            continue
        row = PriorityProgress(priority)
        for action in actions:
            row.add(action, today)
        rows.append(row)
    return rows


def top_risks(plan: Plan, limit: int = TOP_RISKS) -> list[tuple[Risk, int]]:
    """Risks not closed, highest impact x likelihood first (ties: impact, then the register's order)."""
    open_risks = [r for r in plan.risks.all() if r.status != Risk.Status.CLOSED]
    scored = [(r, LEVEL_SCORE[r.impact] * LEVEL_SCORE[r.likelihood]) for r in open_risks]
    scored.sort(key=lambda pair: (-pair[1], -LEVEL_SCORE[pair[0].impact], pair[0].order, pair[0].pk))
    return scored[:limit]


@dataclass(frozen=True)
class ProjectFlags:
    """A project whose returns need attention: quarters late, and whether the latest return missed targets."""

    project: Project
    late: list[str]
    targets_missed: bool


def projects_needing_attention(plan: Plan, today: dt.date) -> list[ProjectFlags]:
    """The plan's projects with a late return or whose latest return says targets were not met."""
    flagged = []
    for project in plan.projects.prefetch_related("returns"):
        returns = sorted(project.returns.all(), key=lambda r: r.period)
        late = [row.period for row in return_schedule(project, returns, today) if row.late]
        missed = bool(returns) and returns[-1].targets_met == QuarterlyReturn.TargetsMet.NO
        if late or missed:
            flagged.append(ProjectFlags(project, late, missed))
    return flagged
