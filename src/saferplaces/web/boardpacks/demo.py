"""Board packs for the demo: a signed-off 2025/26 Q1 pack and a draft Q2 pack (issue 11, section 4).

Built at once, without the worker, from the partnership's newest plan as it is, so call it after
the demo's invented activity is loaded. A quarter that already has a pack is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from saferplaces.web.boardpacks.build import build_pack, sign_off_now
from saferplaces.web.boardpacks.models import BoardPack
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan
from saferplaces.web.projects.quarters import Quarter

#: The partnerships whose invented activity (web/fixtures/demo_activity) the demo packs report.
DEMO_PARTNERSHIPS = ("lichfield", "east-staffordshire")
#: The demo account that signs the Q1 packs off, when the demo accounts are made.
DEMO_CHAIR = "demo-chair"

SIGNED_OFF = Quarter(2025, 1)
DRAFT = Quarter(2025, 2)


def make_demo_packs(
    partnership: Partnership, user: Any = None, now: dt.datetime | None = None
) -> list[BoardPack]:
    """Build the partnership's demo packs; return them (those already there included).

    ``user`` signs the Q1 pack off (None: recorded as "the board"); ``now`` is when they are
    built (the current time by default).
    """
    plan = Plan.objects.filter(partnership=partnership).order_by("-start_year", "-id").first()
    if plan is None:
        return []
    now = now or timezone.localtime()
    packs = []
    for quarter, sign in ((SIGNED_OFF, True), (DRAFT, False)):
        pack = BoardPack.objects.filter(plan=plan, year=quarter.year, quarter=quarter.number).first()
        if pack is None:
            _, _, save = build_pack(plan, quarter, user, now=now)
            save()
            pack = BoardPack.objects.get(plan=plan, year=quarter.year, quarter=quarter.number)
        if sign and not pack.signed_off:
            pack = sign_off_now(pack, user)
        packs.append(pack)
    return packs
