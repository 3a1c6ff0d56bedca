"""``manage refresh_targets``: recompute every store-query target's values from the data store."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferplaces.data.store import Store
from saferplaces.errors import InputError
from saferplaces.web.performance.models import Target
from saferplaces.web.performance.refresh import refresh_targets, web_store


class Command(BaseCommand):
    help = (
        "Recompute the values of targets defined as data store queries; values entered by hand are "
        "never changed. Example: "
        "python -m saferplaces.web.manage refresh_targets --plan east-staffordshire/2018-2021"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="Only this plan, as partnership-slug/plan-slug.")
        parser.add_argument("--target", type=int, help="Only the target with this id.")
        parser.add_argument("--store", help="The data store folder (default: the web app's store).")

    def handle(
        self,
        *args: Any,
        plan: str | None = None,
        target: int | None = None,
        store: str | None = None,
        **options: Any,
    ) -> None:
        targets = Target.objects.filter(source=Target.Source.STORE).select_related("plan__partnership")
        if plan:
            partnership, _, plan_slug = plan.partition("/")
            targets = targets.filter(plan__partnership__slug=partnership, plan__slug=plan_slug)
        if target is not None:
            targets = targets.filter(pk=target)
        chosen = list(targets)
        if not chosen:
            raise CommandError("No target defined as a data store query matches. Check --plan and --target.")
        failed = 0
        for result in refresh_targets(
            chosen, Store(store) if store else web_store(), via="refresh_targets command"
        ):
            if isinstance(result, InputError):
                failed += 1
                self.stderr.write(f"Not refreshed: {result}")
            else:
                self.stdout.write(f"{result.target} ({result.target.plan}): {result.summary()}")
        if failed:
            raise CommandError(f"{failed} of {len(chosen)} targets could not be refreshed.")
