"""``manage load_seed_plans``: load the four Staffordshire seed plans (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferplaces.web.seeds import load_seed_plans


class Command(BaseCommand):
    help = (
        "Load the four Staffordshire seed plans. A plan already loaded is left as it is. "
        "Example: python -m saferplaces.web.manage load_seed_plans"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete and reload seed plans already in the database, losing changes made to them.",
        )

    def handle(self, *args: Any, replace: bool = False, **options: Any) -> None:
        for result in load_seed_plans(replace=replace):
            verb = "Loaded" if result.created else "Already loaded"
            self.stdout.write(f"{verb}: {result.plan} ({result.partnership})")
