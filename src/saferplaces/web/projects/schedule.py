"""A project's return schedule: each quarter of its contract, and whether its return is in, due or late."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from saferplaces.web.projects.models import Project, QuarterlyReturn
from saferplaces.web.projects.quarters import Quarter, expected_quarters, past_deadline


@dataclass(frozen=True)
class ScheduleRow:
    """One quarter of a project's contract, or a return for a period outside it."""

    period: str
    quarter: Quarter | None
    submitted: QuarterlyReturn | None
    status: str  # submitted, late, due, not_due

    @property
    def late(self) -> bool:
        return self.status == "late"


def return_schedule(project: Project, returns: list[QuarterlyReturn], today: dt.date) -> list[ScheduleRow]:
    """Each expected quarter with its return and status, then any return for another period."""
    by_period = {r.period: r for r in returns}
    rows = []
    for quarter in expected_quarters(project.contract_start, project.contract_end):
        submitted = by_period.pop(quarter.label, None)
        if submitted is not None:
            status = "submitted"
        elif past_deadline(quarter, today):
            status = "late"
        elif quarter.end < today:
            status = "due"
        else:
            status = "not_due"
        rows.append(ScheduleRow(quarter.label, quarter, submitted, status))
    rows.extend(ScheduleRow(r.period, None, r, "submitted") for r in by_period.values())
    return rows


def open_quarters(project: Project, today: dt.date) -> list[Quarter]:
    """The expected quarters that have begun by ``today`` and have no return yet: what may be returned."""
    returned = set(project.returns.values_list("period", flat=True))
    return [
        q
        for q in expected_quarters(project.contract_start, project.contract_end)
        if q.label not in returned and q.start <= today
    ]
