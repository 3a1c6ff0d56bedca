"""What readers outside the partnership never see on the partner-side pages of a published plan.

A published plan's pages are open to everyone (issue #5). Some fields are for the partnership
only even then (issue 11): a risk's mitigation marked internal; the names of officers, unless
they agreed to be named: an action's lead officer (``lead_officer_public``), and a risk's owner
and a governance row's officer responsible, which have no such choice and so are never shown;
and a target value's note, which a person typed for the partnership (a value computed from the
data store shows instead the months it covers, worked out again from its figures). A progress
update's own text and author are notes between partners: a public reader sees an update only
through its public summary, once an administrator has approved it, and never its author. The
people named on the partnership's page are shown to its members only. The residents' site reads
its own allow-list (``web/public/published.py``); this module holds the same line on the plan
pages, their JSON, CSV and Excel twins, the exports, the risk register, the delivery plan and
the target pages. ``tests/web/test_no_leaks.py`` walks every address to check it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from saferplaces.indicators import IndicatorPoint
from saferplaces.web.accounts.permissions import User, is_member
from saferplaces.web.plans.delivery import DeliveryRow
from saferplaces.web.plans.models import Action, Governance, Plan, ProgressUpdate, Risk

if TYPE_CHECKING:
    from saferplaces.web.performance.models import TargetValue


def reader_is_public(user: User, plan: Plan) -> bool:
    """True when the reader is not one of the partnership's members (nor a superuser)."""
    return not is_member(user, plan.partnership)


def blank_private(
    public: bool,
    *,
    risks: Iterable[Risk] = (),
    actions: Iterable[Action] = (),
    governance: Iterable[Governance] = (),
    values: Iterable[TargetValue] = (),
) -> None:
    """Blank, on these in-memory records only, what a public reader may not see (never saved)."""
    if not public:
        return
    for risk in risks:
        if risk.mitigation_internal:
            risk.mitigation = ""
        risk.owner = ""
    for action in actions:
        if not action.lead_officer_public:
            action.lead_officer = ""
    for row in governance:
        row.officer_responsible = ""
    for value in values:
        value.note = public_note(value)


def public_note(value: TargetValue) -> str:
    """What a public reader may read beside a target value: for a value computed from the data store,
    the months it covers ("All 12 months", "5 of 12 months (...)"), worked out again from the figures it
    keeps; nothing for a value a person entered, whose note is the partnership's own."""
    detail = value.detail or {}
    if value.source != "computed" or "monthly" not in detail or "months_in_period" not in detail:
        return ""
    point = IndicatorPoint(
        period=value.period,
        value=0.0,
        lower=None,
        upper=None,
        count=0,
        monthly=tuple(sorted(detail["monthly"].items())),
        months_in_period=int(detail["months_in_period"]),
    )
    return point.coverage()


def value_notes(public: bool, values: Iterable[TargetValue]) -> dict[int, str]:
    """Each value's note as this reader may read it, by the value's id (for pages whose values are
    shared between readers, so the records themselves are left as they are)."""
    return {v.pk: public_note(v) if public else v.note for v in values}


def public_update(updates: Iterable[ProgressUpdate]) -> ProgressUpdate | None:
    """The newest of ``updates`` a public reader may see, as residents see it: its approved
    public summary in place of the partners' own text, and no author (in memory only, never saved).

    ``updates`` come newest first, as the delivery plan fetches them.
    """
    for update in updates:
        if update.publicly_approved:
            update.text, update.author = update.public_summary, ""
            return update
    return None


def public_rows(public: bool, rows: list[DeliveryRow]) -> list[DeliveryRow]:
    """Delivery plan rows as this reader may read them: for a public reader, each action without an
    officer who did not agree to be named, and with its newest approved public summary as its update."""
    blank_private(public, actions=[row.action for row in rows])
    if not public:
        return rows
    return [replace(row, latest=public_update(row.action.updates.all())) for row in rows]
