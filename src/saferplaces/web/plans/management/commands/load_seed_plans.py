"""``manage load_seed_plans``: load the four Staffordshire seed plans (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferplaces.errors import SaferPlacesError
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
        try:
            results = load_seed_plans(replace=replace)
        except SaferPlacesError as exc:  # such as --replace of a version published in the app (frozen)
            raise CommandError(str(exc)) from None
        for result in results:
            verb = "Loaded" if result.created else "Already loaded"
            self.stdout.write(f"{verb}: {result.plan} ({result.partnership})")
