"""The kinds of long work the web app hands to the worker, one runner each.

Each runner reads first, reporting its steps, and makes all its writes in one
transaction at the end: a runner that raises has saved nothing.

Other apps register their own kinds: ``assessment-build`` (web/assessments/build.py) and
``board-pack`` (web/boardpacks/build.py), each recording the store snapshot it read in
``Outcome.snapshot_id``.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from saferplaces.errors import InputError
from saferplaces.web.accounts.permissions import can_edit_plan, can_edit_targets
from saferplaces.web.performance.models import Target
from saferplaces.web.performance.refresh import apply_series, compute_series, web_store
from saferplaces.web.plans.models import Plan
from saferplaces.web.tables import Table
from saferplaces.web.transfers.imports import check_and_apply
from saferplaces.web.transfers.kinds import KINDS
from saferplaces.web.work.jobs import Outcome, Progress, Save, runner
from saferplaces.web.work.models import Job

TARGET_REFRESH = "target-refresh"
IMPORT = "import"


def store_snapshot_id(store: Any) -> str:
    """The id of the store snapshot being read, when the store gives one ("" until it does)."""
    snapshot = getattr(store, "snapshot_id", "")
    snapshot = snapshot() if callable(snapshot) else snapshot
    return str(snapshot or "")


def _plan(job: Job) -> Plan:
    plan = Plan.objects.select_related("partnership").filter(
        pk=job.params.get("plan_id"), partnership=job.partnership
    )
    found = plan.first()
    if found is None:
        raise InputError("The plan this work was for is no longer held.", "Start the work again from a plan.")
    return found


@runner(TARGET_REFRESH, may_start=lambda user, job: can_edit_targets(user, _plan(job)))
def refresh_targets_runner(job: Job, progress: Progress) -> Save:
    """Count each store-query target in the data store, then save every target's values at once."""
    plan = _plan(job)
    targets = list(Target.objects.filter(plan=plan, pk__in=job.params.get("target_ids", [])))
    if not targets:
        raise InputError("The targets to refresh are no longer in the plan.", "Start the refresh again.")
    total = len(targets) + 1
    store = web_store()
    counted = []
    for done, target in enumerate(targets):
        progress(done, total, f"Counting “{target.description}” in the data store")
        counted.append((target, compute_series(target, store)))
    slug = plan.partnership.slug
    if len(targets) == 1:
        url, link = reverse("target", args=[slug, plan.slug, targets[0].pk]), "See the target"
    else:
        url, link = reverse("targets", args=[slug, plan.slug]), "See the targets"

    def save() -> Outcome:
        via = "refresh from the data store"
        results = [apply_series(target, series, job.started_by, via=via) for target, series in counted]
        text = " ".join(f"{r.target.description}: {r.summary()}." for r in results)
        return Outcome(f"Values refreshed from the data store. {text}", url, link, store_snapshot_id(store))

    return save


@runner(IMPORT, may_start=lambda user, job: can_edit_plan(user, _plan(job)))
def import_runner(job: Job, progress: Progress) -> Save:
    """Check an uploaded table again against the plan as it is now and, if unchanged, save it."""
    plan = _plan(job)
    kind = KINDS[job.params["kind"]]
    table = Table.from_json(job.params["table"])
    progress(0, 2, f"Reading {len(table.rows):,} rows")

    def save() -> Outcome:
        # The check is made again inside the saving transaction, so what is saved is what was checked.
        check, applied = check_and_apply(
            kind,
            plan,
            table,
            job.started_by,
            via=f"import {job.params.get('file_name', '')}".strip(),
            expected=job.params["digest"],
        )
        if not check.ok:
            raise InputError(
                f"The file now has {len(check.problems):,} problems with the plan as it is, "
                "so nothing was imported.",
                "Upload the file again to see them.",
            )
        if not applied:
            raise InputError(
                "The plan changed after the changes were checked, so nothing was imported.",
                "Upload the file again to see the changes as they are now.",
            )
        text = f"Imported {kind.name}: {len(check.added):,} added, {len(check.changed):,} changed."
        return Outcome(text, reverse("plan", args=[plan.partnership.slug, plan.slug]), "See the plan")

    return save
