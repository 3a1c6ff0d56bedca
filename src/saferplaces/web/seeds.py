"""Load the four Staffordshire seed plans from their YAML transcriptions.

Each file in ``fixtures/seeds/`` holds one partnership and one plan, transcribed
faithfully from the documents in ``shared/seeds/`` (see the comment at the top of
each file). :func:`load_seed_plans` is idempotent: a plan already in the database
is left as it is (partners may have updated it), unless ``replace=True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from saferplaces.errors import InputError, example
from saferplaces.web.partnerships.models import Board, Membership, Organisation, Partnership, Person
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import (
    Action,
    AtRiskGroup,
    Commitment,
    Governance,
    PartnerPlan,
    Plan,
    PlanVersion,
    Priority,
    PriorityPlace,
    Risk,
    Workstream,
    publishing,
)
from saferplaces.web.projects.models import FundingStream, Project

SEEDS_DIR = Path(__file__).resolve().parent / "fixtures" / "seeds"

#: County partnerships first, so district partnerships can name them as parent.
SEED_FILES = (
    "staffordshire-csa-2023-2026.yaml",
    "east-staffordshire-2018-2021.yaml",
    "stafford-2020-2024.yaml",
    "lichfield-2022-2025.yaml",
)


@dataclass(frozen=True)
class SeedResult:
    """What loading one seed file did.

    Attributes
    ----------
    file
        The seed file's name.
    partnership
        The partnership's slug.
    plan
        The plan's title.
    created
        True when the plan was created (or replaced); False when it was already there.
    """

    file: str
    partnership: str
    plan: str
    created: bool


def read_seed(name: str) -> dict[str, Any]:
    """Read one seed file as plain data.

    Only the files of :data:`SEED_FILES` are read: a name is never joined to the folder as a
    path, so ``../`` or a link cannot make the loader read a file from elsewhere.
    """
    if name not in SEED_FILES:
        raise InputError(
            f"There is no seed plan file called '{example(name)}'.",
            f"Choose one of {', '.join(SEED_FILES)}.",
        )
    with (SEEDS_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def load_seed_plans(replace: bool = False) -> list[SeedResult]:
    """Load the four seed plans in one transaction (all or nothing); safe to run again.

    Parameters
    ----------
    replace
        Delete and reload a seed plan that is already in the database, losing any
        changes made to it since. By default such a plan is left alone. When one file
        cannot be loaded (a plan published in the app is frozen, say), none is: the plans
        replaced before it are put back as they were.

    Returns
    -------
    list of SeedResult
        One per seed file, in loading order.
    """
    return [load_seed_file(name, replace=replace) for name in SEED_FILES]


@transaction.atomic
def load_seed_file(name: str, replace: bool = False) -> SeedResult:
    """Load one seed file in one transaction (a savepoint inside :func:`load_seed_plans`'s)."""
    seed = read_seed(name)
    partnership = _partnership(seed)
    plan_data = seed["plan"]
    existing = Plan.objects.filter(partnership=partnership, slug=plan_data["slug"]).first()
    if existing and not replace:
        return SeedResult(name, partnership.slug, existing.title, created=False)
    if existing:
        existing.delete()
        partnership.boards.all().delete()
        partnership.people.all().delete()
        partnership.memberships.all().delete()
        partnership.funding_streams.all().delete()
        partnership.projects.all().delete()

    boards = {b["name"]: _board(partnership, b) for b in seed.get("boards", [])}
    for order, member in enumerate(seed.get("members", []), start=1):
        Membership.objects.get_or_create(
            partnership=partnership,
            organisation=_organisation(member["organisation"]),
            defaults={"contribution": member.get("contribution", ""), "order": order},
        )
    for person in seed.get("people", []):
        Person.objects.get_or_create(
            partnership=partnership,
            name=person["name"],
            defaults={
                "job_title": person.get("job_title", ""),
                "organisation": _organisation(person["organisation"]) if person.get("organisation") else None,
            },
        )

    # The partnerships published these plans before they were transcribed: they arrive published,
    # the one way besides publish_plan that a version becomes published (ADR 0025).
    with publishing():
        plan = Plan.objects.create(
            partnership=partnership,
            slug=plan_data["slug"],
            title=plan_data["title"],
            start_year=plan_data["start_year"],
            end_year=plan_data["end_year"],
            status=plan_data.get("status", Plan.Status.DRAFT),
            vision=plan_data.get("vision", ""),
            aim=plan_data.get("aim", ""),
            principles=plan_data.get("principles", []),
            key_findings=plan_data.get("key_findings", []),
            review_arrangements=plan_data.get("review_arrangements", ""),
            source=seed.get("source", ""),
        )
    for version in seed.get("versions", []):
        PlanVersion.objects.create(
            plan=plan,
            label=version["label"],
            date=version.get("date") or None,
            what_changed=version.get("what_changed", ""),
        )

    priorities: dict[str, Priority] = {}
    for order, item in enumerate(seed.get("priorities", []), start=1):
        priority = Priority.objects.create(
            plan=plan,
            order=order,
            title=item["title"],
            kind=item.get("kind", Priority.Kind.PRIORITY),
            description=item.get("description", ""),
            reasons=item.get("reasons", []),
            aims=item.get("aims", []),
            evidence=item.get("evidence", ""),
        )
        priorities[priority.title] = priority
        for action_order, row in enumerate(item.get("actions", []), start=1):
            Action.objects.create(
                priority=priority,
                order=action_order,
                action=row.get("action", ""),
                outcome=row.get("outcome", ""),
                data_measure=row.get("data_measure", ""),
                lead_officer=row.get("lead_officer", ""),
                # Transcribed from the partnership's own published document, which names the lead.
                lead_officer_public=True,
                board=boards.get(row.get("board", "")),
            )

    for order, place in enumerate(seed.get("places", []), start=1):
        PriorityPlace.objects.create(
            plan=plan,
            order=order,
            name=place["name"],
            area_type=place.get("area_type", PriorityPlace.AreaType.WARD),
            district=place.get("district", ""),
            priority_type=place.get("priority_type", ""),
            rationale=place.get("rationale", ""),
        )
    for order, group in enumerate(seed.get("at_risk_groups", []), start=1):
        AtRiskGroup.objects.create(
            plan=plan, order=order, description=group["description"], detail=group.get("detail", "")
        )
    for order, item in enumerate(seed.get("targets", []), start=1):
        target = Target.objects.create(
            plan=plan,
            priority=priorities.get(item.get("priority", "")),
            order=order,
            description=item["description"],
            unit=item.get("unit", ""),
            direction=item.get("direction", ""),
            baseline_value=decimal_or_none(item.get("baseline_value")),
            baseline_text=item.get("baseline_text", ""),
            baseline_period=item.get("baseline_period", ""),
        )
        for value_order, period in enumerate(item.get("periods", []), start=1):
            TargetValue.objects.create(target=target, order=value_order, period=period)
    for order, item in enumerate(seed.get("risks", []), start=1):
        Risk.objects.create(
            plan=plan,
            order=order,
            risk=item["risk"],
            impact=item["impact"],
            likelihood=item["likelihood"],
            mitigation=item.get("mitigation", ""),
            owner=item.get("owner", ""),
        )
    for order, row in enumerate(seed.get("governance", []), start=1):
        Governance.objects.create(
            plan=plan,
            order=order,
            theme=row["theme"],
            arrangements=row.get("arrangements", ""),
            officer_responsible=row.get("officer_responsible", ""),
            priority=priorities.get(row.get("priority", "")),
        )
    for order, row in enumerate(seed.get("partner_plans", []), start=1):
        PartnerPlan.objects.create(
            plan=plan,
            order=order,
            kind=row.get("kind", PartnerPlan.Kind.OTHER),
            name=row["name"],
            priorities=row.get("priorities", []),
        )
    for order, row in enumerate(seed.get("workstreams", []), start=1):
        workstream = Workstream.objects.create(
            plan=plan,
            order=order,
            name=row["name"],
            description=row.get("description", ""),
            aims=row.get("aims", []),
        )
        for c_order, commitment in enumerate(row.get("commitments", []), start=1):
            Commitment.objects.create(
                workstream=workstream,
                order=c_order,
                audience=commitment.get("audience", ""),
                text=commitment["text"],
            )
    streams: dict[str, FundingStream] = {}
    for order, row in enumerate(seed.get("funding_streams", []), start=1):
        streams[row["name"]] = FundingStream.objects.create(
            partnership=partnership,
            plan=plan,
            order=order,
            name=row["name"],
            amount_text=row.get("amount_text", ""),
            amount_low=decimal_or_none(row.get("amount_low")),
            amount_high=decimal_or_none(row.get("amount_high")),
            frequency=row.get("frequency", ""),
        )
    for order, row in enumerate(seed.get("projects", []), start=1):
        Project.objects.create(
            partnership=partnership,
            plan=plan,
            priority=priorities.get(row.get("priority", "")),
            funding_stream=streams.get(row.get("funding_stream", "")),
            order=order,
            reference=row.get("reference", ""),
            name=row["name"],
            provider=row.get("provider", ""),
            description=row.get("description", ""),
            outcomes=row.get("outcomes", []),
            outcome_table=row.get("outcome_table", {}),
        )
    return SeedResult(name, partnership.slug, plan.title, created=True)


def _partnership(seed: dict[str, Any]) -> Partnership:
    data = dict(seed["partnership"])
    parent_slug = data.pop("parent", "")
    data.pop("lines", None)
    parent = Partnership.objects.get(slug=parent_slug) if parent_slug else None
    partnership, _ = Partnership.objects.update_or_create(
        slug=data.pop("slug"), defaults={**data, "parent": parent}
    )
    return partnership


def _organisation(name: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name)
    return organisation


def _board(partnership: Partnership, data: dict[str, Any]) -> Board:
    board, _ = Board.objects.get_or_create(
        partnership=partnership, name=data["name"], defaults={"description": data.get("description", "")}
    )
    return board


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))
