"""``manage load_demo_activity``: two invented quarters of activity for the demo partnerships."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from saferplaces.web.demo_activity import load_demo_activity


class Command(BaseCommand):
    help = (
        "Load two quarters of activity INVENTED FOR DEMONSTRATION (2025/26 Q1 and Q2) for the Lichfield "
        "and East Staffordshire seed plans; load the seed plans first. Activity already loaded is left as "
        "it is. Example: python -m saferplaces.web.manage load_demo_activity"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for result in load_demo_activity():
            if result.loaded:
                written = ", ".join(f"{n} {kind}" for kind, n in result.counts.items() if n)
                self.stdout.write(f"Loaded invented demo activity for {result.partnership}: {written}.")
            else:
                self.stdout.write(f"Skipped {result.partnership}: {' '.join(result.assumptions)}")
