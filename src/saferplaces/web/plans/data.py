"""A plan as plain data: the object behind the plan page's JSON and CSV twins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from saferplaces.web.plans.models import Plan
from saferplaces.web.plans.privacy import blank_private
from saferplaces.web.tables import write_csv

#: The delivery plan CSV's columns, in order.
ACTION_COLUMNS = (
    "priority",
    "priority_kind",
    "order",
    "action",
    "outcome",
    "data_measure",
    "lead_organisation",
    "lead_officer",
    "board",
    "due_date",
    "rag",
)


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_data(plan: Plan, *, public: bool = False) -> dict[str, Any]:
    """Everything the plan page shows, as JSON-ready data (without private fields when ``public``)."""
    priorities = list(plan.priorities.prefetch_related("actions__lead_organisation", "actions__board"))
    risks = list(plan.risks.all())
    governance = list(plan.governance.all())
    actions = [a for p in priorities for a in p.actions.all()]
    blank_private(public, risks=risks, actions=actions, governance=governance)
    return {
        "partnership": {"name": plan.partnership.name, "slug": plan.partnership.slug},
        "title": plan.title,
        "slug": plan.slug,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "status": plan.status,
        "vision": plan.vision,
        "aim": plan.aim,
        "principles": plan.principles,
        "versions": [
            {"label": v.label, "date": v.date, "what_changed": v.what_changed} for v in plan.versions.all()
        ],
        "version": _version(plan),
        "priorities": [
            {
                "title": p.title,
                "kind": p.kind,
                "description": p.description,
                "reasons": p.reasons,
                "aims": p.aims,
                "actions": [
                    {
                        column: value
                        for column, value in zip(ACTION_COLUMNS[3:], _action_row(a)[3:], strict=True)
                    }
                    for a in p.actions.all()
                ],
            }
            for p in priorities
        ],
        "places": [
            {
                "name": pl.name,
                "area_type": pl.area_type,
                "district": pl.district,
                "priority_type": pl.priority_type,
                "rationale": pl.rationale,
            }
            for pl in plan.places.all()
        ],
        "targets": [
            {
                "description": t.description,
                "unit": t.unit,
                "direction": t.direction,
                "baseline_value": _number(t.baseline_value),
                "baseline_text": t.baseline_text,
                "baseline_period": t.baseline_period,
                "values": [
                    {"period": v.period, "value": _number(v.value), "trend": v.trend}
                    for v in t.entered_values()
                ],
            }
            for t in plan.targets.prefetch_related("values")
        ],
        "risks": [
            {
                "risk": r.risk,
                "impact": r.impact,
                "likelihood": r.likelihood,
                "mitigation": r.mitigation,
                "owner": r.owner,
                "review_date": r.review_date,
                "status": r.status,
            }
            for r in risks
        ],
        "governance": [
            {"theme": g.theme, "arrangements": g.arrangements, "officer_responsible": g.officer_responsible}
            for g in governance
        ],
    }


def _version(plan: Plan) -> dict[str, Any]:
    """Which version of its line the plan is, what changed, and its publication (issue 11)."""
    from saferplaces.web.plans.models import Publication

    publication = Publication.objects.filter(plan=plan).first()
    return {
        "kind": plan.version_kind,
        "label": plan.version_name,
        "plan_year": plan.plan_year,
        "what_changed": plan.what_changed,
        "previous_version": plan.previous_version.slug if plan.previous_version_id else None,
        "publication": None
        if publication is None
        else {
            "published_at": publication.published_at.isoformat(),
            "decision": publication.decision_text,
            "decision_date": publication.decision_date,
        },
    }


def _action_row(action: Any) -> list[Any]:
    priority = action.priority
    return [
        priority.title,
        priority.kind,
        action.order,
        action.action,
        action.outcome,
        action.data_measure,
        action.lead_organisation.name if action.lead_organisation else "",
        action.lead_officer,
        action.board.name if action.board else "",
        action.due_date.isoformat() if action.due_date else "",
        action.rag,
    ]


def delivery_plan_csv(plan: Plan, *, public: bool = False) -> bytes:
    """The delivery plan, one row per action, with a header row (see :func:`write_csv`)."""
    priorities = list(plan.priorities.prefetch_related("actions__lead_organisation", "actions__board"))
    blank_private(public, actions=[a for p in priorities for a in p.actions.all()])
    return write_csv(ACTION_COLUMNS, [_action_row(a) for p in priorities for a in p.actions.all()])
