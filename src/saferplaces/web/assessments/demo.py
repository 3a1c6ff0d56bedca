"""The demo set-up's assessments: the seed plans' stated evidence matched to the bundled data.

The four seed plans keep their transcribed text. Where a seed states evidence the bundled
police.uk data can show again (Stafford's and Lichfield's ASB rates against force-wide,
Lichfield's vehicle crime against force-wide), the demo builds that partnership's 2025
assessment in the background and links the priority to the matching candidate. The seeds'
own figures are for earlier years; the link says so.
"""

from __future__ import annotations

from typing import Any

from saferplaces.web.assessments.build import ASSESSMENT_BUILD, STEPS
from saferplaces.web.assessments.models import Assessment
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Priority
from saferplaces.web.work.jobs import start_job
from saferplaces.web.work.models import Job

PERIOD = "2025"
THEN = (
    "The plan states this evidence for {years}; this links the same measure in the 2025 "
    "assessment of the bundled police.uk data, so the board can see whether it still holds."
)
#: partnership slug -> (area, [(priority title, candidate theme or "", reason kind, reason)])
SEED_LINKS: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "stafford": (
        "Stafford",
        [("Anti-Social Behaviour (ASB)", "Anti-social behaviour", "evidence", THEN.format(years="2019-20"))],
    ),
    "lichfield": (
        "Lichfield",
        [
            ("Anti-Social Behaviour", "Anti-social behaviour", "evidence", THEN.format(years="2021-22")),
            ("Crime prevention", "Vehicle crime", "evidence", THEN.format(years="2021-22")),
            (
                "Prevent",
                "",
                "statutory",
                "Prevent is a statutory duty on the partners (Counter-Terrorism and Security Act 2015, "
                "section 26); police.uk data cannot show the need for it.",
            ),
        ],
    ),
}


def queue_demo_assessments(user: Any = None) -> list[Job]:
    """Start the builds that link the seeds' evidence, unless built or queued already; return the jobs."""
    jobs = []
    for slug, (area, links) in SEED_LINKS.items():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            continue
        if Assessment.objects.filter(partnership=partnership).exists():
            continue
        if Job.objects.filter(
            partnership=partnership, kind=ASSESSMENT_BUILD, finished_at__isnull=True
        ).exists():
            continue
        params_links = []
        for title, theme, kind, reason in links:
            priority = Priority.objects.filter(plan__partnership=partnership, title=title).first()
            if priority is not None:
                params_links.append(
                    {"priority_id": priority.pk, "candidate": theme, "reason_kind": kind, "reason": reason}
                )
        params = {
            "area_code": area,
            "area_name": area,
            "period": PERIOD,
            "compare": "previous",
            "extract": "",
            "weights": {},
            "links": params_links,
        }
        jobs.append(
            start_job(
                ASSESSMENT_BUILD,
                partnership,
                user,
                title=f"Build the strategic assessment of {area} for {PERIOD} (demo set-up)",
                params=params,
                steps_total=STEPS,
            )
        )
    return jobs
