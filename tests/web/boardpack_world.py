"""A small partnership with a quarter of activity whose board pack's right answers are known.

The pack is for 2025/26 Q2 (July to September 2025); the quarter before ends on 30 June 2025.
Each record below says, in its comment, what the pack must make of it. ``EXPECTED`` lists the
exceptions in the order the pack gives them (actions, targets, risks, projects, crime).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import (
    Action,
    Plan,
    Priority,
    PriorityPlace,
    ProgressUpdate,
    Risk,
    RiskReview,
)
from saferplaces.web.projects.models import FundingStream, Project, QuarterlyReturn

D = dt.date
#: The day the pack is built: after Q2's returns were due (30 October 2025).
BUILT = dt.datetime(2025, 11, 15, 10, 0, tzinfo=dt.UTC)
#: A month-by-month count with one point far above the rest (the XmR chart flags August 2025).
MONTHLY = [100, 104, 98, 101, 97, 103, 99, 102, 100, 96, 104, 98, 101, 99, 103, 97, 100, 102, 220]
MONTHLY_PERIODS = [f"{2024 + (1 + i) // 12}-{(1 + i) % 12 + 1:02d}" for i in range(len(MONTHLY))]


def make_world() -> dict[str, object]:
    """Make the partnership, plan and activity; return the records by name."""
    p = Partnership.objects.create(
        name="Lichfield Test Partnership", slug="lichfield-test", kind="district", area_name="Lichfield"
    )
    plan = Plan.objects.create(
        partnership=p, title="Test plan", slug="test-plan", start_year=2025, end_year=2027
    )
    asb = Priority.objects.create(plan=plan, order=1, title="Anti-social behaviour")
    violence = Priority.objects.create(plan=plan, order=2, title="Violence")
    PriorityPlace.objects.create(plan=plan, order=1, name="Alrewas & Fradley")
    PriorityPlace.objects.create(plan=plan, order=2, name="Nowhere In Particular")
    w: dict[str, object] = {"partnership": p, "plan": plan}

    def action(name: str, priority: Priority, order: int, **fields: object) -> Action:
        a = Action.objects.create(priority=priority, order=order, action=name, **fields)
        w[name] = a
        return a

    def update(a: Action, day: dt.date, rag: str, text: str = "Progress noted.") -> None:
        ProgressUpdate.objects.create(action=a, date=day, rag=rag, text=text, author="Officer")

    # Green at the end of Q1, red in August: an exception (decide), "Green to Red".
    a1 = action("Patrol the hotspots", asb, 1)
    update(a1, D(2025, 5, 10), "green")
    update(a1, D(2025, 8, 15), "red", "Two officers left the team.")
    # Amber then amber: an exception (note), no change.
    a2 = action("Youth diversion sessions", asb, 2)
    update(a2, D(2025, 6, 1), "amber")
    update(a2, D(2025, 7, 20), "amber")
    # Due in August, no RAG ever: overdue, an exception (decide).
    action("Upgrade the CCTV", asb, 3, due_date=D(2025, 8, 31))
    # Amber to green: no exception.
    a4 = action("Better street lighting", asb, 4, due_date=D(2025, 12, 31))
    update(a4, D(2025, 6, 20), "amber")
    update(a4, D(2025, 9, 10), "green")
    # Green; a red update after the quarter ended does not count: no exception.
    a5 = action("Domestic abuse training", violence, 1)
    update(a5, D(2025, 6, 30), "green")
    update(a5, D(2025, 10, 5), "red")

    # 380 against a baseline of 300 where fewer is better: worsening (exact Poisson test), decide.
    t1 = Target.objects.create(
        plan=plan,
        order=1,
        description="ASB incidents in the quarter",
        unit="incidents",
        kind="count",
        direction="reduce",
        baseline_period="2024/25 Q2",
    )
    TargetValue.objects.create(target=t1, order=1, period="2024/25 Q2", value=Decimal(300))
    TargetValue.objects.create(target=t1, order=2, period="2025/26 Q2", value=Decimal(380))
    # A steady monthly count with August 2025 far above the XmR limits: special cause in the quarter.
    t3 = Target.objects.create(
        plan=plan,
        order=3,
        description="Calls about street drinking",
        unit="calls",
        kind="count",
        direction="increase",
    )
    for i, (period, value) in enumerate(zip(MONTHLY_PERIODS, MONTHLY, strict=True)):
        TargetValue.objects.create(target=t3, order=i, period=period, value=Decimal(value))
    w.update(t1=t1, t3=t3)

    def risk(name: str, order: int, impact: str, likelihood: str, reviews: list[tuple]) -> Risk:
        r = Risk.objects.create(plan=plan, order=order, risk=name, impact=impact, likelihood=likelihood)
        for day, i, li in reviews:
            RiskReview.objects.create(risk=r, date=day, impact=i, likelihood=li)
        w[name] = r
        return r

    # Medium/medium (2) at the end of Q1, high/high (4) in Q2: rose, escalate.
    risk(
        "Funding is cut",
        1,
        "high",
        "high",
        [(D(2025, 6, 1), "medium", "medium"), (D(2025, 9, 1), "high", "high")],
    )
    # High/medium (3) to medium/low (1): fell, no exception.
    risk(
        "Staff leave",
        2,
        "medium",
        "low",
        [(D(2025, 5, 1), "high", "medium"), (D(2025, 8, 1), "medium", "low")],
    )
    # Never reviewed: shown as the register holds it now (low/low), no reading last quarter.
    risk("Data sharing stalls", 3, "low", "low", [])

    fund = FundingStream.objects.create(
        partnership=p, plan=plan, name="PCC locality fund", amount_text="£100,000"
    )
    contract = {"contract_start": D(2025, 4, 1), "contract_end": D(2026, 3, 31)}
    # Q1 returned with £10,000 spent; Q2 missing on 15 November (due by 30 October): two exceptions,
    # the missing return (decide) and spend behind profile (£10,000 against £20,000; note).
    youth = Project.objects.create(
        partnership=p,
        plan=plan,
        funding_stream=fund,
        name="Youth club",
        provider="YC Trust",
        budget=Decimal(40000),
        **contract,
    )
    QuarterlyReturn.objects.create(
        project=youth,
        period="2025/26 Q1",
        submitted_on=D(2025, 7, 10),
        outputs="40 sessions",
        targets_met="yes",
        spend=Decimal(10000),
    )
    # Q2 returned on 5 November, after the 30 October deadline: late (decide); spend on profile.
    pastors = Project.objects.create(
        partnership=p,
        plan=plan,
        name="Street pastors",
        provider="Churches Together",
        budget=Decimal(8000),
        **contract,
    )
    QuarterlyReturn.objects.create(
        project=pastors,
        period="2025/26 Q1",
        submitted_on=D(2025, 7, 5),
        outputs="12 patrols",
        targets_met="yes",
        spend=Decimal(2000),
    )
    QuarterlyReturn.objects.create(
        project=pastors,
        period="2025/26 Q2",
        submitted_on=D(2025, 11, 5),
        outputs="10 patrols",
        targets_met="partly",
        spend=Decimal(2000),
    )
    # No contract dates and no budget: nothing can be late or behind.
    Project.objects.create(partnership=p, plan=plan, name="Shop watch", provider="Traders")
    w.update(youth=youth, pastors=pastors)
    return w


def expected_ids(w: dict[str, object]) -> list[str]:
    """The exceptions' ids, in the pack's order, as the comments above work them out."""
    a = {name: w[name].pk for name in ("Patrol the hotspots", "Youth diversion sessions", "Upgrade the CCTV")}
    return [
        f"action-{a['Patrol the hotspots']}",
        f"action-{a['Youth diversion sessions']}",
        f"action-{a['Upgrade the CCTV']}",
        f"target-{w['t1'].pk}",
        f"target-{w['t3'].pk}",
        f"risk-{w['Funding is cut'].pk}",
        f"project-{w['youth'].pk}-return",
        f"project-{w['youth'].pk}-spend",
        f"project-{w['pastors'].pk}-return",
    ]
