"""Gather a quarterly board pack's facts from the plan and the data store (issue 11, section 1).

Everything a pack shows is read here, once, into plain data (:func:`gather`); the library
(:mod:`saferplaces.reports.board_pack`) writes the words and the files from it. The states
"last quarter" come from dated history the application holds:

- an action's RAG at the end of a quarter is the RAG of its latest progress update dated on
  or before that day; an action with no dated RAG at all shows the RAG recorded on it;
- a risk's reading at the end of a quarter is its latest :class:`RiskReview` dated on or
  before that day; a risk never reviewed shows the register's impact and likelihood now.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db.models import Prefetch

from saferplaces.assessment.local_picture import resolve_partnership_area
from saferplaces.assessment.quarter_area import MONTHS_ABOVE, quarter_area
from saferplaces.data.areas import areas_within
from saferplaces.data.periods import month_index, month_label
from saferplaces.data.store import Store
from saferplaces.errors import SaferPlacesError
from saferplaces.indicators.periods import parse_period_label
from saferplaces.stats.labels import StatusLabel, rule_words
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.performance.status import latest_row, status_chart, target_status, value_rows
from saferplaces.web.plans.delivery import plan_actions
from saferplaces.web.plans.heatmap import risk_heatmap
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate, Risk, RiskReview
from saferplaces.web.projects.models import Project, QuarterlyReturn
from saferplaces.web.projects.quarters import Quarter, expected_quarters

#: Spend is behind profile when it is less than this share of the profile to date.
BEHIND_PROFILE = Decimal("0.9")
#: What the board is asked by default, for each kind of exception (the administrator edits it).
DEFAULT_ASK_TEXT = {
    "note": "Note the position and the work in hand.",
    "decide": "Decide what the partnership will do, and who will do it by when.",
    "escalate": "Escalate to the body responsible, with the board's view.",
}
MONTH_NAMES = [month_label(f"2000-{m:02d}").split()[0] for m in range(1, 13)]


def previous(q: Quarter) -> Quarter:
    """The quarter before ``q``."""
    return Quarter(q.year - 1, 4) if q.number == 1 else Quarter(q.year, q.number - 1)


def quarter_months(q: Quarter) -> list[str]:
    """The quarter's three months, "YYYY-MM"."""
    return [
        f"{(q.start.year * 12 + q.start.month - 1 + i) // 12:04d}-{(q.start.month - 1 + i) % 12 + 1:02d}"
        for i in range(3)
    ]


def months_text(q: Quarter) -> str:
    """'July to September 2025'; 'January to March 2026'."""
    return f"{MONTH_NAMES[q.start.month - 1]} to {MONTH_NAMES[q.end.month - 1]} {q.end.year}"


def _date(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def _exception(kind_id: str, title: str, reason: str, ask: str) -> dict[str, str]:
    return {"id": kind_id, "title": title, "reason": reason, "ask": ask, "ask_text": DEFAULT_ASK_TEXT[ask]}


def _short(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


# -- actions ---------------------------------------------------------------------------------
def _rag_at(updates: list[ProgressUpdate], day: dt.date) -> str:
    return next((u.rag for u in updates if u.rag and u.date <= day), "")


def gather_actions(plan: Plan, q: Quarter) -> tuple[list[dict[str, Any]], int, list[dict[str, str]]]:
    """Each priority's actions with RAG now and last quarter, the quarter's updates; and exceptions."""
    last_end = previous(q).end
    priorities: dict[int, dict[str, Any]] = {}
    exceptions: list[dict[str, str]] = []
    count = 0
    for action in plan_actions(plan):
        updates = list(action.updates.all())  # newest first
        dated = any(u.rag for u in updates)
        now = _rag_at(updates, q.end) or ("" if dated else action.rag)
        last = _rag_at(updates, last_end)
        label = dict(Action.Rag.choices)
        rag_now, rag_last = label.get(now, "Not recorded"), label.get(last, "Not recorded")
        if now and last and now != last:
            changed = f"{rag_last} to {rag_now}"
        elif now and not last:
            changed = "No RAG recorded last quarter"
        else:
            changed = "No change"
        in_quarter = [u for u in updates if q.start <= u.date <= q.end]
        count += len(in_quarter)
        short = _short(action.action or str(action))
        overdue = action.due_date is not None and action.due_date <= q.end and now != Action.Rag.GREEN
        entry = {
            "action": action.action or str(action),
            "short": short,
            "lead": action.lead_officer
            or (action.lead_organisation.name if action.lead_organisation else ""),
            "due": _date(action.due_date),
            "rag_now": rag_now,
            "rag_last": rag_last,
            "changed": changed,
            "overdue": overdue,
            "updates": [
                {"date": _date(u.date), "text": u.text, "rag": label.get(u.rag, ""), "author": u.author}
                for u in sorted(in_quarter, key=lambda u: (u.date, u.pk))
            ],
        }
        group = priorities.setdefault(action.priority_id, {"title": action.priority.title, "actions": []})
        group["actions"].append(entry)
        reasons = []
        if now in (Action.Rag.RED, Action.Rag.AMBER):
            reasons.append(
                f"RAG {rag_now.lower()} at the end of {q.label}"
                + (f" ({changed.lower()})" if changed.endswith(rag_now) and now != last and last else "")
            )
        if overdue:
            reasons.append(f"due on {_date(action.due_date)} and not green at the end of {q.label}")
        if reasons:
            text = "; ".join(reasons)
            ask = "decide" if now == Action.Rag.RED or overdue else "note"
            exceptions.append(
                _exception(f"action-{action.pk}", f"Action: {short}", text[0].upper() + text[1:] + ".", ask)
            )
    return list(priorities.values()), count, exceptions


# -- targets ---------------------------------------------------------------------------------
def _in_quarter(period: str, q: Quarter, months: list[str]) -> bool:
    """Whether a target's period ("2025/26 Q2", "August 2025" or "2025-08") is in ``q``."""
    return period == q.label or period in months or period in {month_label(m) for m in months}


def gather_targets(plan: Plan, q: Quarter) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Each target's latest value, status test, special-cause signals in the quarter and chart.

    Only values of periods that end by the quarter's last month are read: a pack for Q1 built
    after Q2's values were entered still reports Q1 (a label with no months is kept).
    """
    months = quarter_months(q)
    last = month_index(months[-1])
    by_then = [
        v.pk
        for v in TargetValue.objects.filter(target__plan=plan).only("pk", "period")
        if (span := parse_period_label(v.period)) is None or span.end <= last
    ]
    judged = []
    for target in Target.objects.filter(plan=plan).prefetch_related(
        Prefetch("values", queryset=TargetValue.objects.filter(pk__in=by_then))
    ):
        target.plan = plan
        judged.append((target, value_rows(target), target_status(target)))
    # the charts are plain SVG drawn in Python (ADR 0028), a few milliseconds each: threads would
    # only take turns holding Python's lock
    charts = [status_chart(target, rows, result, table="") for target, rows, result in judged]
    out, exceptions = [], []
    for (target, rows, result), chart in zip(judged, charts, strict=True):
        latest = latest_row(target)
        signals = [
            f"{period} ({rule_words(rules)})"
            for period, rules in result.flags
            if _in_quarter(period, q, months)
        ]
        out.append(
            {
                "description": target.description,
                "latest": {"shown": latest.shown, "period": latest.period, "source": latest.source}
                if latest
                else None,
                "status": result.status.text,
                "sentence": result.sentence,
                "signals": signals,
                "chart": {
                    "id": f"chart-target-{target.pk}",
                    "title": chart.title,
                    "svg": chart.svg,
                    "alt": chart.alt,
                }
                if chart
                else None,
                "values": [
                    {"period": r.period, "shown": r.shown, "source": r.source} for r in rows if r.shown
                ],
            }
        )
        reasons = []
        if result.status == StatusLabel.WORSENING:
            reasons.append(f"its status test says worsening. {result.sentence}")
        if signals:
            reasons.append("special-cause variation in the quarter (" + "; ".join(signals) + ")")
        if reasons:
            text = ". ".join(r.rstrip(".") for r in reasons)
            exceptions.append(
                _exception(
                    f"target-{target.pk}",
                    f"Target: {target.description}",
                    text[0].upper() + text[1:].rstrip(".") + ".",
                    "decide" if result.status == StatusLabel.WORSENING else "note",
                )
            )
    return out, exceptions


# -- risks -----------------------------------------------------------------------------------
def _reading_text(r: Any) -> str:
    if r is None:
        return "Not reviewed"
    closed = ", closed" if r.status == Risk.Status.CLOSED else ""
    likelihood = r.get_likelihood_display().lower()
    return f"{r.get_impact_display()} impact, {likelihood} likelihood (score {r.score}){closed}"


def gather_risks(plan: Plan, q: Quarter) -> tuple[list[dict[str, Any]], list, list, list[dict[str, str]]]:
    """The register with each risk's reading at the end of the quarter and the one before."""
    last_end = previous(q).end
    out, now_readings, last_readings, exceptions = [], [], [], []
    risks = plan.risks.prefetch_related(
        Prefetch("reviews", queryset=RiskReview.objects.order_by("-date", "-id"))
    )
    for risk in risks:
        reviews = list(risk.reviews.all())
        now = next((r for r in reviews if r.date <= q.end), None)
        if now is None and not reviews:
            now = RiskReview(
                risk=risk, date=q.end, impact=risk.impact, likelihood=risk.likelihood, status=risk.status
            )
        last = next((r for r in reviews if r.date <= last_end), None)
        rose = now is not None and last is not None and now.score > last.score
        if now is None:
            change = "Not reviewed by the end of the quarter"
        elif last is None:
            change = "No review last quarter"
        elif now.score > last.score:
            change = "Score rose"
        elif now.score < last.score:
            change = "Score fell"
        elif now.status != last.status:
            change = f"Now {now.get_status_display().lower() or 'no status'}"
        else:
            change = "No change"
        out.append(
            {
                "risk": risk.risk,
                "owner": risk.owner,
                "last": _reading_text(last),
                "now": _reading_text(now),
                "change": change,
                "rose": rose,
            }
        )
        if now is not None:
            now_readings.append(
                SimpleNamespace(impact=now.impact, likelihood=now.likelihood, status=now.status)
            )
        if last is not None:
            last_readings.append(
                SimpleNamespace(impact=last.impact, likelihood=last.likelihood, status=last.status)
            )
        if rose:
            exceptions.append(
                _exception(
                    f"risk-{risk.pk}",
                    f"Risk: {_short(risk.risk)}",
                    f"Score rose from {last.score} at the end of {previous(q).label} to {now.score} "
                    "at the end "
                    f"of {q.label} ({_reading_text(now).lower()}).",
                    "escalate" if now.score == 4 else "note",
                )
            )
    return out, _plain(risk_heatmap(now_readings)), _plain(risk_heatmap(last_readings)), exceptions


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The heatmap as JSON-ready data (labels as plain text)."""
    return [
        {"impact": str(r["impact"]), "cells": [{**c, "likelihood": str(c["likelihood"])} for c in r["cells"]]}
        for r in rows
    ]


# -- money and projects -------------------------------------------------------------------------
def _amount(stream: Any) -> str:
    if stream.amount_text:
        return stream.amount_text
    if (
        stream.amount_low is not None
        and stream.amount_high is not None
        and stream.amount_low != stream.amount_high
    ):
        return f"£{stream.amount_low:,.0f} to £{stream.amount_high:,.0f}"
    value = stream.amount_low if stream.amount_low is not None else stream.amount_high
    return f"£{value:,.0f}" if value is not None else ""


def _quarter_of_label(label: str) -> Quarter | None:
    try:
        years, number = label.split(" Q")
        return Quarter(int(years[:4]), int(number))
    except (ValueError, IndexError):
        return None


def gather_money(plan: Plan, q: Quarter, today: dt.date) -> tuple[list, list, list[dict[str, str]]]:
    """Funding streams; each project's spend against a straight-line profile and the quarter's return."""
    funding = [{"name": f.name, "amount": _amount(f), "frequency": f.frequency} for f in plan.funding.all()]
    projects, exceptions = [], []
    for project in Project.objects.filter(plan=plan).prefetch_related("returns"):
        returns: list[QuarterlyReturn] = list(project.returns.all())
        contract = expected_quarters(project.contract_start, project.contract_end)
        this = next((r for r in returns if r.period == q.label), None)
        if q not in contract:
            status = "No return expected (outside the contract)" if contract else "No contract dates recorded"
        elif this is not None:
            on_time = this.submitted_on is None or this.submitted_on <= q.late_after
            status = (f"Submitted on {_date(this.submitted_on)}" if this.submitted_on else "Submitted") + (
                "" if on_time else f", late (due by {_date(q.late_after)})"
            )
        elif today > q.late_after:
            status = f"Missing: was due by {_date(q.late_after)}"
        else:
            status = f"Not yet submitted: due by {_date(q.late_after)}"
        to_date = [r for r in returns if (rq := _quarter_of_label(r.period)) is not None and rq <= q]
        spends = [r.spend for r in to_date if r.spend is not None]
        spent = sum(spends, Decimal(0)) if spends else None
        profile = None
        if project.budget is not None and contract and q >= contract[0]:
            done = len([c for c in contract if c <= q])
            profile = project.budget * done / len(contract)
        behind = spent is not None and profile is not None and spent < BEHIND_PROFILE * profile
        projects.append(
            {
                "name": project.name,
                "provider": project.provider,
                "budget": float(project.budget) if project.budget is not None else None,
                "spent": float(spent) if spent is not None else None,
                "profile": float(round(profile, 2)) if profile is not None else None,
                "return_status": status,
                "targets_met": this.get_targets_met_display()
                if this and this.targets_met
                else "Not reported",
                "outputs": this.outputs if this else "",
            }
        )
        late = this is not None and this.submitted_on is not None and this.submitted_on > q.late_after
        if status.startswith("Missing") or late:
            reason = (
                f"No return for {q.label} has come; it was due by {_date(q.late_after)}."
                if this is None
                else f"The return for {q.label} came on {_date(this.submitted_on)}, after the deadline "
                f"of {_date(q.late_after)}."
            )
            exceptions.append(
                _exception(f"project-{project.pk}-return", f"Project: {project.name}", reason, "decide")
            )
        if behind:
            exceptions.append(
                _exception(
                    f"project-{project.pk}-spend",
                    f"Project spend: {project.name}",
                    f"£{spent:,.0f} spent to the end of {q.label}, against a profile of £{profile:,.0f} "
                    f"(less than {BEHIND_PROFILE:.0%} of it).",
                    "note",
                )
            )
    return funding, projects, exceptions


# -- the area's data ---------------------------------------------------------------------------
def _series(s: Any) -> dict[str, Any]:
    return {
        "name": s.name,
        "total": s.total,
        "total_year_earlier": s.total_year_earlier,
        "months": [
            {
                "month": m.month,
                "month_label": month_label(m.month),
                "count": m.count,
                "year_earlier": m.year_earlier,
                "expected": m.expected,
                "lower": m.lower,
                "upper": m.upper,
                "label": m.label,
            }
            for m in s.months
        ],
    }


def gather_area(
    plan: Plan, q: Quarter, store: Store
) -> tuple[dict[str, Any], list[dict[str, str]], list[str], str]:
    """The area's crime and ASB in the quarter, its priority places; exceptions; assumptions; snapshot id."""
    try:
        snap = store.snapshot()
    except SaferPlacesError as exc:
        return {"problem": f"The data store could not be read: {exc}"}, [], [], ""
    with snap:
        con = snap.connect()
        try:
            area = resolve_partnership_area(con, plan.partnership.area_name)
        except SaferPlacesError:
            return (
                {
                    "problem": f"The data store has no area named {plan.partnership.area_name}, so the pack "
                    "shows no crime or ASB figures."
                },
                [],
                [],
                str(snap.id),
            )
        wanted = {p.name.casefold(): p for p in plan.places.all()}
        wards = [a for a in areas_within(con, area) if a.level == "ward" and a.name.casefold() in wanted]
        result = quarter_area(snap, con, area, quarter_months(q), wards)
        con.close()
        snapshot_id = str(snap.id)
    missing_text = ""
    if result.missing:
        names = ", ".join(month_label(m) for m in result.missing)
        missing_text = (
            f"The data store does not hold {names} for {area.name}: those months are shown as not held, "
            "not as zero."
        )
    places = [
        {"name": p.name, "crime": _series(p.crime), "asb": _series(p.asb)}
        for p in (result.area, *result.places)
    ]
    not_found = sorted(set(wanted) - {w.name.casefold() for w in wards})
    assumptions = list(result.assumptions)
    if not_found:
        assumptions.append(
            "These priority places are not wards the data store knows, so they have no figures: "
            + ", ".join(wanted[n].name for n in not_found)
            + "."
        )
    exceptions = []
    for name in result.above:
        series = next(s for s in (result.area.crime, *result.by_type) if s.name == name)
        months = ", ".join(month_label(m) for m in series.months_above)
        exceptions.append(
            _exception(
                f"crime-{name}",
                f"Crime in {area.name}: {name}",
                f"Above its normal range for the time of year in {months} "
                f"(at least {MONTHS_ABOVE} of the quarter's months).",
                "note",
            )
        )
    return (
        {
            "name": area.name,
            "code": area.code,
            "places": places,
            "missing_text": missing_text,
            "above": list(result.above),
        },
        exceptions,
        assumptions,
        snapshot_id,
    )


# -- the whole pack ------------------------------------------------------------------------------
def gather(plan: Plan, q: Quarter, store: Store, now: dt.datetime) -> dict[str, Any]:
    """Every fact of ``plan``'s pack for quarter ``q``, as plain data (see docs/board-packs.md)."""
    today = now.date()
    priorities, updates_count, action_exceptions = gather_actions(plan, q)
    targets, target_exceptions = gather_targets(plan, q)
    risks, heat_now, heat_last, risk_exceptions = gather_risks(plan, q)
    funding, projects, money_exceptions = gather_money(plan, q, today)
    area, area_exceptions, area_assumptions, snapshot_id = gather_area(plan, q, store)
    partnership = plan.partnership
    return {
        "title": f"{partnership.name}: board pack for {q.label}",
        "intro": f"The quarterly performance report to the board of {partnership.name} on the plan "
        f"“{plan.title}”, for {q.label} ({months_text(q)}).",
        "partnership": partnership.name,
        "plan": plan.title,
        "quarter": q.label,
        "quarter_months": months_text(q),
        "previous_quarter": previous(q).label,
        "generated_on": _date(today),
        "generated_at": now.replace(microsecond=0, tzinfo=None).isoformat(),
        "snapshot_id": snapshot_id,
        "sign_off": "Draft: not yet signed off.",
        "exceptions": action_exceptions
        + target_exceptions
        + risk_exceptions
        + money_exceptions
        + area_exceptions,
        "updates_count": updates_count,
        "priorities": priorities,
        "targets": targets,
        "risks": risks,
        "heatmap_now": heat_now,
        "heatmap_last": heat_last,
        "funding": funding,
        "projects": projects,
        "behind_profile_percent": int(BEHIND_PROFILE * 100),
        "area": area,
        "assumptions": [
            f"RAG now is each action's latest RAG dated on or before the end of {q.label}, and RAG last "
            f"quarter its latest dated on or before the end of {previous(q).label}; an action with no "
            "dated RAG shows the RAG recorded on it.",
            f"An action is overdue when its due date is on or before the end of {q.label} and it was not "
            "green then.",
            "A target is listed when its status test says worsening, or its chart shows special-cause "
            "variation in a period of the quarter (the quarter itself or one of its months). Targets are "
            "judged on the values held when the pack was built.",
            "A risk's score adds its impact and likelihood (low 0, medium 1, high 2), from 0 to 4.",
            f"A return is late when it came, or has not come, more than 30 days after the quarter ended "
            f"(by {_date(q.late_after)}).",
            *area_assumptions,
        ],
    }
