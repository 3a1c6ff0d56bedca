"""Two quarters of invented activity for the demo partnerships, so a board pack has content.

The files in ``fixtures/demo_activity/`` are INVENTED FOR DEMONSTRATION (each says so at
its top): progress updates with RAG, due dates, target values, dated risk reviews,
project contracts and quarterly returns with spend, for Lichfield and East Staffordshire
in 2025/26 Q1 (April to June 2025) and Q2 (July to September 2025), months the bundled
police.uk data cover. They are kept apart from the seed transcriptions in
``fixtures/seeds/``, which this module never reads or changes; it adds records beside
the seed plans and marks each as invented where a board member or resident could see it:
updates and reviews by :data:`AUTHOR` (some updates carry a public summary for residents, most
approved, one waiting, so the residents' pages and the approval list have something to show;
the residents' pages warn that the partnership's activity is invented), target values and
returns with :data:`NOTE`, and records the seeds do not have (the invented actions, targets,
risks, funding stream and project) with :data:`SUFFIX` on their titles.

:func:`load_demo_activity` is idempotent: a partnership whose demo activity is already
loaded is left as it is (people may have changed it since), and each partnership loads
in one transaction, all of it or none of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from saferplaces.errors import DataFormatError
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Plan, Priority, ProgressUpdate, Risk, RiskReview
from saferplaces.web.projects.models import FundingStream, Project, QuarterlyReturn
from saferplaces.web.projects.quarters import Quarter
from saferplaces.web.seeds import decimal_or_none

DEMO_DIR = Path(__file__).resolve().parent / "fixtures" / "demo_activity"
DEMO_FILES = ("lichfield.yaml", "east-staffordshire.yaml")
#: The first line of every demo activity file.
HEADER = "# INVENTED FOR DEMONSTRATION."
#: The author of every invented progress update and risk review.
AUTHOR = "Demo data (invented for the demo)"
#: Added to the note of every invented target value and the narrative of every invented return.
NOTE = "Invented for the demo."
#: Added to the title of every record the seeds do not have.
SUFFIX = " (invented for the demo)"
#: The quarters the activity covers.
QUARTERS = (Quarter(2025, 1), Quarter(2025, 2))


@dataclass(frozen=True)
class DemoActivityResult:
    """What loading one partnership's demo activity did.

    Attributes
    ----------
    file
        The demo activity file's name.
    partnership
        The partnership's slug.
    loaded
        True when the activity was written now; False when it was there already or the
        partnership or plan is not in the database (see ``assumptions``).
    counts
        Records written, by kind ("updates", "public summaries", "reviews", "values", "returns",
        "created").
    assumptions
        What the loader chose or skipped, one sentence each.
    """

    file: str
    partnership: str
    loaded: bool
    counts: dict[str, int] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()


def read_demo_activity(name: str) -> dict[str, Any]:
    """Read one demo activity file, checking it says it is invented."""
    text = (DEMO_DIR / name).read_text(encoding="utf-8")
    if not text.startswith(HEADER):
        raise DataFormatError(
            f"The demo activity file {name} does not begin with '{HEADER}'.",
            "Put that line first, so nobody takes the file for a real partnership's records.",
        )
    return yaml.safe_load(text)


def is_loaded(partnership: Partnership) -> bool:
    """True when the partnership already holds demo activity (an invented update or review)."""
    return (
        ProgressUpdate.objects.filter(action__priority__plan__partnership=partnership, author=AUTHOR).exists()
        or RiskReview.objects.filter(risk__plan__partnership=partnership, author=AUTHOR).exists()
    )


def load_demo_activity() -> list[DemoActivityResult]:
    """Load the demo activity of every partnership it names; safe to run again.

    Run it after the seed plans (``load_seed_plans``): a partnership or plan not in the
    database is skipped, and said so.
    """
    return [load_demo_file(name) for name in DEMO_FILES]


@transaction.atomic
def load_demo_file(name: str) -> DemoActivityResult:
    """Load one partnership's demo activity in one transaction: all of it or none of it."""
    data = read_demo_activity(name)
    slug = data["partnership"]
    plan = Plan.objects.filter(partnership__slug=slug, slug=data["plan"]).first()
    if plan is None:
        return DemoActivityResult(
            name,
            slug,
            False,
            assumptions=(f"The seed plan {slug}/{data['plan']} is not loaded, so it was skipped.",),
        )
    if is_loaded(plan.partnership):
        return DemoActivityResult(
            name, slug, False, assumptions=("Its demo activity was loaded before and is left as it is.",)
        )
    loader = _Loader(plan)
    for row in data.get("actions", []):
        loader.actions(
            _existing(
                Action.objects.filter(priority__plan=plan, priority__title=row["priority"]),
                "action",
                row["action"],
                name,
            ),
            row,
        )
    for row in data.get("new_actions", []):
        priority = loader.priority(row["priority"], name)
        action = Action.objects.create(
            priority=priority,
            order=priority.actions.count() + 1,
            action=row["action"] + SUFFIX,
            outcome=row.get("outcome", ""),
            data_measure=row.get("data_measure", ""),
            lead_officer=row.get("lead_officer", ""),
        )
        loader.count("created")
        loader.actions(action, row)
    for row in data.get("targets", []):
        loader.values(_existing(plan.targets.all(), "description", row["description"], name), row)
    for row in data.get("new_targets", []):
        target = Target.objects.create(
            plan=plan,
            priority=loader.priority(row["priority"], name) if row.get("priority") else None,
            order=plan.targets.count() + 1,
            description=row["description"] + SUFFIX,
            unit=row.get("unit", ""),
            kind=row.get("kind", ""),
            direction=row.get("direction", ""),
            baseline_value=decimal_or_none(row.get("baseline_value")),
            baseline_period=row.get("baseline_period", ""),
            baseline_text=row.get("baseline_text", ""),
        )
        loader.count("created")
        loader.values(target, row)
    for row in data.get("risks", []):
        loader.reviews(_existing(plan.risks.all(), "risk", row["risk"], name), row)
    for row in data.get("new_risks", []):
        latest = max(row["reviews"], key=lambda r: r["date"])
        risk = Risk.objects.create(
            plan=plan,
            order=plan.risks.count() + 1,
            risk=row["risk"] + SUFFIX,
            impact=latest["impact"],
            likelihood=latest["likelihood"],
            status=latest.get("status", ""),
            mitigation=row.get("mitigation", ""),
            owner=row.get("owner", ""),
        )
        loader.count("created")
        loader.reviews(risk, row)
    streams: dict[str, FundingStream] = {}
    for row in data.get("new_funding_streams", []):
        streams[row["name"]] = FundingStream.objects.create(
            partnership=plan.partnership,
            plan=plan,
            order=plan.partnership.funding_streams.count() + 1,
            name=row["name"] + SUFFIX,
            amount_text=row.get("amount_text", ""),
            amount_low=decimal_or_none(row.get("amount_low")),
            amount_high=decimal_or_none(row.get("amount_high")),
            frequency=row.get("frequency", ""),
        )
        loader.count("created")
    for row in data.get("projects", []):
        project = _existing(Project.objects.filter(partnership=plan.partnership), "name", row["name"], name)
        loader.project(project, row)
    for row in data.get("new_projects", []):
        project = Project.objects.create(
            partnership=plan.partnership,
            plan=plan,
            priority=loader.priority(row["priority"], name) if row.get("priority") else None,
            funding_stream=streams.get(row.get("funding_stream", "")),
            order=plan.partnership.projects.count() + 1,
            name=row["name"] + SUFFIX,
            provider=row.get("provider", ""),
            output_targets=row.get("output_targets", ""),
        )
        loader.count("created")
        loader.project(project, row)
    return DemoActivityResult(
        name,
        slug,
        True,
        counts=dict(loader.counts),
        assumptions=(
            f"The activity is dated in {QUARTERS[0].label} and {QUARTERS[1].label} "
            f"({QUARTERS[0].start:%B %Y} to {QUARTERS[-1].end:%B %Y}), "
            "months the bundled police.uk data cover.",
        ),
    )


class _Loader:
    """Writes one partnership's activity, counting what it writes."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.counts: dict[str, int] = {
            "updates": 0,
            "public summaries": 0,
            "reviews": 0,
            "values": 0,
            "returns": 0,
            "created": 0,
        }

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    def priority(self, title: str, name: str) -> Priority:
        return _existing(self.plan.priorities.all(), "title", title, name, exact=True)

    def actions(self, action: Action, row: dict[str, Any]) -> None:
        updates = sorted(row.get("updates", []), key=lambda u: u["date"])
        for update in updates:
            summary = update.get("public_summary", "")
            approved = bool(summary) and update.get("public_summary_approved", True)
            ProgressUpdate.objects.create(
                action=action,
                date=update["date"],
                text=update["text"],
                rag=update["rag"],
                author=AUTHOR,
                public_summary=summary,
                public_approved_at=_approved_at(update["date"]) if approved else None,
            )
            self.count("public summaries", bool(summary))
        self.count("updates", len(updates))
        action.due_date = row.get("due_date") or action.due_date
        if updates:
            action.rag = updates[-1]["rag"]
        action.save(update_fields=["due_date", "rag"])

    def values(self, target: Target, row: dict[str, Any]) -> None:
        start = target.values.count()
        for order, value in enumerate(row.get("values", []), start=start + 1):
            TargetValue.objects.create(
                target=target,
                order=order,
                period=value["period"],
                value=decimal_or_none(value.get("value")),
                numerator=value.get("numerator"),
                sample_size=value.get("sample_size"),
                note=NOTE,
                source=TargetValue.Source.ENTERED,
            )
            self.count("values")

    def reviews(self, risk: Risk, row: dict[str, Any]) -> None:
        for review in row.get("reviews", []):
            RiskReview.objects.create(
                risk=risk,
                date=review["date"],
                impact=review["impact"],
                likelihood=review["likelihood"],
                status=review.get("status", ""),
                note=review.get("note", ""),
                author=AUTHOR,
            )
            self.count("reviews")

    def project(self, project: Project, row: dict[str, Any]) -> None:
        project.budget = decimal_or_none(row.get("budget"))
        project.contract_start = row.get("contract_start")
        project.contract_end = row.get("contract_end")
        project.save(update_fields=["budget", "contract_start", "contract_end"])
        quarters = {q.label: q for q in QUARTERS}
        for item in row.get("returns", []):
            quarter = quarters[item["period"]]
            QuarterlyReturn.objects.create(
                project=project,
                period=quarter.label,
                due_date=quarter.late_after,
                submitted_on=item["submitted_on"],
                spend=decimal_or_none(item.get("spend")),
                targets_met=item.get("targets_met", ""),
                outputs=item.get("outputs", ""),
                outcomes=item.get("outcomes", ""),
                narrative=" ".join(filter(None, [item.get("narrative", ""), NOTE])),
            )
            self.count("returns")


def _approved_at(day: dt.date) -> dt.datetime:
    # an invented approval on the update's own day, by no named administrator (the demo's
    # accounts are made after the activity, and an approval names who gave it)
    return dt.datetime.combine(day, dt.time(17), tzinfo=dt.UTC)


def _existing(queryset: Any, field_name: str, start: str, file: str, *, exact: bool = False) -> Any:
    """The one record whose ``field_name`` is (or, unless ``exact``, begins with) ``start``."""
    lookup = f"{field_name}__exact" if exact else f"{field_name}__startswith"
    found = list(queryset.filter(**{lookup: start})) if start else []
    if len(found) != 1:
        raise DataFormatError(
            f"The demo activity file {file} names '{start}', "
            f"which matches {len(found)} records of the seed plan.",
            "Name the record by the start of its text so that exactly one matches.",
        )
    return found[0]
