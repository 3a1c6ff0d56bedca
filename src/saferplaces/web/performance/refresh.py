"""Refresh a store-query target's values from the data store, as rows marked "computed".

Entered values (the plan's own figures, and any typed in or taken from a survey)
are never changed: computed values are rows of their own. Every row created,
changed or removed is recorded in the audit trail, in one transaction with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from saferplaces.data.store import Store
from saferplaces.errors import InputError
from saferplaces.indicators import IndicatorPoint, IndicatorSeries, indicator_series
from saferplaces.web.audit.trail import audited_delete, audited_save
from saferplaces.web.performance.models import Target, TargetValue


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did to one target's computed values."""

    target: Target
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    assumptions: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        return (
            f"{self.created} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged"
        )


def web_store() -> Store:
    """The data store the web app reads (``SAFERPLACES_HOME`` or the per-user folder)."""
    return Store(settings.ENV.store_dir)


def _detail(point: IndicatorPoint, area_name: str) -> dict[str, object]:
    detail: dict[str, object] = {
        "area_name": area_name,
        "count": point.count,
        "monthly": dict(point.monthly),
        "months_in_period": point.months_in_period,
    }
    if point.population is not None:
        detail.update(
            population=point.population,
            population_year=point.population_year,
            lower=round(point.lower, 3) if point.lower is not None else None,
            upper=round(point.upper, 3) if point.upper is not None else None,
        )
    return detail


def compute_series(target: Target, store: Store | None = None) -> IndicatorSeries:
    """Count the target's query in the store, saving nothing (the slow half of a refresh).

    Raises
    ------
    InputError
        When the target is not a store query, or the store cannot answer it.
    """
    query = target.indicator_query()
    if query is None:
        raise InputError(
            f"The target '{target.description}' is not defined as a data store query.",
            "Choose a data store query as its source and give the query first.",
        )
    return indicator_series(store or web_store(), query)


def apply_series(
    target: Target,
    series: IndicatorSeries,
    user: AbstractBaseUser | AnonymousUser | None = None,
    *,
    via: str = "refresh from the data store",
) -> RefreshResult:
    """Save a counted series as the target's computed rows, in one transaction, each change audited."""
    created = changed = unchanged = removed = 0
    with transaction.atomic():
        existing = {v.period: v for v in target.values.filter(source=TargetValue.Source.COMPUTED)}
        for point in series.points:
            row = existing.pop(point.period, None)
            value = Decimal(str(round(point.value, 3)))
            detail, note = _detail(point, series.area.name), point.coverage()
            if row is None:
                row = TargetValue(target=target, period=point.period, source=TargetValue.Source.COMPUTED)
                created += 1
            elif (row.value, row.detail, row.note) == (value, detail, note):
                unchanged += 1
                continue
            else:
                changed += 1
            # Computed rows sort before entered ones, so the plan's own figure shows on the plan page.
            row.order, row.value, row.detail, row.note = 0, value, detail, note
            row.store_snapshot_id = series.snapshot_id
            audited_save(user, row, via=via)
        for stale in existing.values():
            audited_delete(user, stale, via=via)
            removed += 1
    return RefreshResult(target, created, changed, removed, unchanged, series.assumptions)


def refresh_target(
    target: Target,
    store: Store | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    *,
    via: str = "refresh from the data store",
) -> RefreshResult:
    """Count the target's query in the store and save the values as computed rows.

    The web app runs this in the worker (see :mod:`saferplaces.web.work.kinds`); the
    ``refresh_targets`` management command runs it directly.

    Raises
    ------
    InputError
        When the target is not a store query, or the store cannot answer it;
        nothing is saved then.
    """
    return apply_series(target, compute_series(target, store), user, via=via)


def refresh_targets(
    targets: list[Target], store: Store | None = None, user: AbstractBaseUser | None = None, *, via: str
) -> list[RefreshResult | InputError]:
    """Refresh several targets from one snapshot of the store; one that fails leaves the others alone."""
    results: list[RefreshResult | InputError] = []
    with (store or web_store()).snapshot() as snap:
        for target in targets:
            try:
                results.append(refresh_target(target, snap, user, via=via))
            except InputError as exc:
                results.append(exc)
    return results
