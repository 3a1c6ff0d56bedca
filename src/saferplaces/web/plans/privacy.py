"""What readers outside the partnership never see on the partner-side pages of a published plan.

A published plan's pages are open to everyone (issue #5). Two fields of issue 11 are for the
partnership only even then: a risk's mitigation marked internal, and the name of a lead
officer who has not agreed to be named. A progress update's own text and author are notes
between partners: a public reader sees an update only through its public summary, once an
administrator has approved it, and never its author. The residents' site reads its own allow-list
(``web/public/published.py``); this module holds the same line on the plan pages, their
JSON, CSV and Excel twins, the risk register and the delivery plan.
"""

from __future__ import annotations

from collections.abc import Iterable

from saferplaces.web.accounts.permissions import User, is_member
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate, Risk


def reader_is_public(user: User, plan: Plan) -> bool:
    """True when the reader is not one of the partnership's members (nor a superuser)."""
    return not is_member(user, plan.partnership)


def blank_private(public: bool, *, risks: Iterable[Risk] = (), actions: Iterable[Action] = ()) -> None:
    """Blank, on these in-memory records only, what a public reader may not see (never saved)."""
    if not public:
        return
    for risk in risks:
        if risk.mitigation_internal:
            risk.mitigation = ""
    for action in actions:
        if not action.lead_officer_public:
            action.lead_officer = ""


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
