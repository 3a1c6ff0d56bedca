"""What readers outside the partnership never see on the partner-side pages of a published plan.

A published plan's pages are open to everyone (issue #5). Two fields of issue 11 are for the
partnership only even then: a risk's mitigation marked internal, and the name of a lead
officer who has not agreed to be named. The residents' site reads its own allow-list
(``web/public/published.py``); this module holds the same line on the plan pages, their
JSON, CSV and Excel twins, the risk register and the delivery plan.
"""

from __future__ import annotations

from collections.abc import Iterable

from saferplaces.web.accounts.permissions import User, is_member
from saferplaces.web.plans.models import Action, Plan, Risk


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
