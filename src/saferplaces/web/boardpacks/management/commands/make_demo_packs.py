"""``manage make_demo_packs``: the demo's signed-off Q1 and draft Q2 board packs (issue 11, section 4)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from saferplaces.web.boardpacks.demo import DEMO_CHAIR, DEMO_PARTNERSHIPS, make_demo_packs
from saferplaces.web.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Build the demo's board packs from the invented activity: 2025/26 Q1 signed off and Q2 as a "
        "draft, for Lichfield and East Staffordshire. Load the seed plans and the demo activity first. "
        "Packs already built are left as they are. Example: python -m saferplaces.web.manage make_demo_packs"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        chair = get_user_model().objects.filter(username=DEMO_CHAIR).first()
        for slug in DEMO_PARTNERSHIPS:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                self.stdout.write(f"Skipped {slug}: its seed plan is not loaded.")
                continue
            self.stdout.write(f"Board packs for {partnership.name} (built once; this takes a moment)…")
            packs = make_demo_packs(partnership, user=chair)
            for pack in packs:
                state = "signed off" if pack.signed_off else "draft"
                self.stdout.write(f"  {pack} ({state})")
