"""``manage define_target_query``: make a target a data store query (its entered values stay)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from saferplaces.web.audit.trail import audited_save
from saferplaces.web.performance.models import Target


class Command(BaseCommand):
    help = (
        "Define a target's values as a query on the data store. Then run refresh_targets. "
        "Example: python -m saferplaces.web.manage define_target_query 3 --area E07000193 "
        '--crime-type "Anti-social behaviour" --grain financial-year'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=int, help="The target's id (shown in its page address).")
        parser.add_argument("--area", required=True, help="An ONS code or area name, such as E07000193.")
        parser.add_argument(
            "--crime-type",
            action="append",
            dest="crime_types",
            help="A police.uk crime type; repeat for more. Leave out for all crime and ASB.",
        )
        parser.add_argument(
            "--grain", default="financial-year", choices=["financial-year", "quarter", "month"]
        )
        parser.add_argument("--measure", default="count", choices=["count", "rate"])

    def handle(
        self,
        *args: Any,
        target: int,
        area: str,
        crime_types: list[str] | None,
        grain: str,
        measure: str,
        **options: Any,
    ) -> None:
        found = Target.objects.filter(pk=target).first()
        if found is None:
            raise CommandError(
                f"There is no target with id {target}. Check the id in the target page's address."
            )
        found.source = Target.Source.STORE
        found.query = {"area": area, "crime_types": crime_types or "all", "grain": grain, "measure": measure}
        try:
            found.full_clean()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            audited_save(None, found, via="define_target_query command")
        self.stdout.write(f"{found} is now a data store query. Run refresh_targets to compute its values.")
