"""The read-only public API: partnerships, places and ward figures, published data only.

Every answer is built by ``saferplaces.web.public.published`` and ``saferplaces.web.public.data``,
the same functions as the public pages, so the API can show nothing the pages do not.
Counts pass disclosure control: a hidden count is ``null``, and so is every rate,
limit and comparison made from it.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan
from saferplaces.web.public.data import month_rows, picture_for, ward_rows
from saferplaces.web.public.gazetteer import place_search, search_record
from saferplaces.web.public.http import record_of
from saferplaces.web.public.plan import plan_record, progress_record
from saferplaces.web.public.published import (
    current_plan,
    partnership_record,
    public_partnerships,
    published_plans,
)
from saferplaces.web.public.targets import targets_record

api = NinjaAPI(
    title="Safer Places public API",
    version="1",
    description=(
        "Read-only open data from the residents' site: partnerships, the places they cover, their "
        "published plans (priorities, progress and targets), and "
        "crime and anti-social behaviour by ward for the latest 12 months held. Counts of 1 to 4 "
        "are hidden (null), with enough others that they cannot be worked out."
    ),
    urls_namespace="api",
    docs_url=None,
)


class Organisation(Schema):
    name: str
    website: str


class PartnershipOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    area_name: str
    description: str
    parent: str | None
    members: list[Organisation]


class PublishedPlan(Schema):
    """A published plan: its title, years, vision and aim."""

    title: str
    slug: str
    start_year: int
    end_year: int
    vision: str
    aim: str


class PriorityOut(Schema):
    title: str
    kind: str
    description: str
    reasons: list[str]
    aims: list[str]
    why: list[str]
    why_quoted_from_plan: bool
    what_we_will_do: list[str]


class PlaceOut(Schema):
    name: str
    area_type: str
    district: str
    rationale: str


class PlanPriorities(PublishedPlan):
    our_priorities: list[PriorityOut]
    places: list[PlaceOut]


class UpdateOut(Schema):
    date: str
    public_summary: str
    public_summary_cy: str


class ActionOut(Schema):
    action: str
    outcome: str
    due_date: str | None
    updates: list[UpdateOut]
    next_step: str


class ProgressPriority(Schema):
    title: str
    actions: list[ActionOut]


class PlanProgress(PublishedPlan):
    progress: list[ProgressPriority]


class TargetValueOut(Schema):
    period: str
    value: float | None
    hidden: bool = Field(description="A count of 1 to 4 (or a rate made from one): value is null.")


class TargetOut(Schema):
    description: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_text: str
    baseline_period: str
    baseline_hidden: bool = Field(description="The baseline is a count of 1 to 4: it is not published.")
    values: list[TargetValueOut]
    latest_period: str | None
    latest_value: float | None
    latest_hidden: bool
    status_label: str | None = Field(description="Null when a figure the status compares is hidden.")
    test_used: str | None
    compared_periods: list[str]
    in_plain_words: list[str]


class PlanTargets(PublishedPlan):
    targets: list[TargetOut]


class Place(Schema):
    place: str
    place_type: str
    place_code: str
    district: str
    partnerships: list[str]


class DistrictCovered(Schema):
    code: str
    name: str
    partnerships: list[str]


class WardName(Schema):
    code: str
    name: str


class TownOrPostcodeDistrict(Schema):
    place: str
    place_type: str
    crosses_boundaries: bool
    districts: list[DistrictCovered]
    wards: list[WardName]


class PlaceSearchOut(Schema):
    query: str
    looks_like_postcode: bool
    postcode_district: str | None
    towns_and_postcode_districts: list[TownOrPostcodeDistrict]
    places: list[Place]
    assumptions: list[str]


class WardFigures(Schema):
    area_code: str
    area_name: str
    level: str
    code: str
    name: str
    first_month: str
    last_month: str
    population: int | None
    crime_count: int | None
    crime_per_1000: float | None
    crime_per_1000_lower: float | None
    crime_per_1000_upper: float | None
    crime_compared_with_force_area: str | None
    asb_count: int | None
    asb_per_1000: float | None
    asb_per_1000_lower: float | None
    asb_per_1000_upper: float | None
    asb_compared_with_force_area: str | None
    counts_by_crime_type: dict[str, int | None]


class MonthFigures(Schema):
    area_code: str
    month: str
    crime_count: int | None
    asb_count: int | None
    crime_usual_range_lower: float | None
    crime_usual_range_upper: float | None
    crime_against_usual_range: str | None


def _partnership(slug: str) -> Partnership:
    return get_object_or_404(Partnership.objects.select_related("parent"), slug=slug)


def _picture(slug: str) -> Any:
    picture = picture_for(_partnership(slug))
    if picture is None or isinstance(picture, str):
        raise Http404("No figures are held for this partnership's area.")
    return picture


@api.get("/partnerships", response=list[PartnershipOut], summary="Every partnership")
def partnerships(request: HttpRequest) -> list[dict[str, Any]]:
    return [record_of(partnership_record, p) for p in public_partnerships()]


@api.get("/partnerships/{slug}", response=PartnershipOut, summary="One partnership and its members")
def partnership(request: HttpRequest, slug: str) -> dict[str, Any]:
    return record_of(partnership_record, _partnership(slug))


@api.get("/partnerships/{slug}/plans", response=list[PublishedPlan], summary="Its published plans")
def plans(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return published_plans(_partnership(slug))


def _published(slug: str) -> Plan:
    plan = current_plan(_partnership(slug))
    if plan is None:
        raise Http404("This partnership has not published a plan.")
    return plan


@api.get(
    "/partnerships/{slug}/plan/priorities",
    response=PlanPriorities,
    summary="Its current published plan: priorities, why, what it will do, and its places",
)
def priorities(request: HttpRequest, slug: str) -> dict[str, Any]:
    return record_of(plan_record, _published(slug))


@api.get(
    "/partnerships/{slug}/plan/progress",
    response=PlanProgress,
    summary="Progress on its current published plan: actions and their approved public summaries",
)
def progress(request: HttpRequest, slug: str) -> dict[str, Any]:
    return record_of(progress_record, _published(slug))


@api.get(
    "/partnerships/{slug}/plan/targets",
    response=PlanTargets,
    summary="The targets of its current published plan, judged and in plain words",
)
def targets(request: HttpRequest, slug: str) -> dict[str, Any]:
    return record_of(targets_record, _published(slug))


@api.get(
    "/partnerships/{slug}/wards",
    response=list[WardFigures],
    summary="Crime and anti-social behaviour in the area and each ward, latest 12 months",
)
def wards(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    rows = []
    for row in ward_rows(_picture(slug)):
        counts = {k[len("count_") :]: v for k, v in row.items() if k.startswith("count_")}
        rows.append(
            {k: v for k, v in row.items() if not k.startswith("count_")} | {"counts_by_crime_type": counts}
        )
    return rows


@api.get("/partnerships/{slug}/months", response=list[MonthFigures], summary="The area's months")
def months(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return month_rows(_picture(slug))


@api.get(
    "/places",
    response=PlaceSearchOut,
    summary="Find partnerships by ward, council area, town or postcode district",
)
def places(request: HttpRequest, q: str) -> dict[str, Any]:
    """The find page's search, as its JSON twin gives it: wards and council areas by name, and
    towns and postcode districts (a full postcode is reduced to its district) from the bundled
    gazetteer of Staffordshire and Stoke-on-Trent, each with the partnerships that cover it."""
    return search_record(place_search(q))
