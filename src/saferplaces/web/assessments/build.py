"""Building a strategic assessment in the worker: the ``assessment-build`` kind of background work.

The runner calls :func:`saferplaces.assessment.build.build_assessment` (the same as
``saferplaces assess``) and writes the reports into a new folder under the store's
``web-assessments``; the save step records the :class:`Assessment` row. Files written
for a build whose save fails are never referenced by any row.

Hook for store snapshots: the store snapshot the build read is recorded through
:func:`saferplaces.web.work.kinds.store_snapshot_id` (empty until the store gives one).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from saferplaces import __version__
from saferplaces.web.performance.refresh import web_store
from saferplaces.web.work.jobs import Outcome, Progress, Save, runner
from saferplaces.web.work.kinds import store_snapshot_id
from saferplaces.web.work.models import Job

ASSESSMENT_BUILD = "assessment-build"
#: The report files a build writes (as ``saferplaces assess --format``).
DEFAULT_FORMATS = ("html", "pdf", "docx", "xlsx", "json")
FOLDER = "web-assessments"


def assessments_dir() -> Path:
    return Path(settings.ENV.store_dir) / FOLDER


@runner(ASSESSMENT_BUILD)
def build_runner(job: Job, progress: Progress) -> Save:
    """Build the assessment and write its reports; the save step records it."""
    from saferplaces.assessment.build import build_assessment
    from saferplaces.reports.documents import write_assessment
    from saferplaces.web.assessments.models import Assessment

    params = job.params
    formats = tuple(params.get("formats") or DEFAULT_FORMATS)
    total = 2 + len(formats)
    progress(0, total, "Building the assessment from the data store")
    store = web_store()
    assessment = build_assessment(
        store, params["area"], params["period"], compare=params.get("compare", "previous")
    )
    folder = f"{job.pk}-{secrets.token_hex(4)}"

    def report(step: str, done: float, of: float) -> None:
        progress(1 + int(done), total, step)

    write_assessment(assessment, assessments_dir() / folder, formats, progress=report)
    snapshot = store_snapshot_id(store)

    def save() -> Outcome:
        same = Assessment.objects.filter(
            partnership=job.partnership, area_code=assessment.area.code, period_label=assessment.period.label
        )
        record = Assessment.objects.create(
            partnership=job.partnership,
            version=(same.aggregate(v=Max("version"))["v"] or 0) + 1,
            area_query=params["area"],
            area_code=assessment.area.code,
            area_name=assessment.area.name,
            period_query=params["period"],
            period_label=assessment.period.label,
            options={"compare": params.get("compare", "previous")},
            snapshot_id=snapshot,
            code_version=__version__,
            built_by=job.started_by,
            built_by_name=job.started_by_name,
            folder=folder,
            formats=list(formats),
            findings=[f.text for f in assessment.findings[:6]],
        )
        return Outcome(
            f"The strategic assessment of {record.area_name} for {record.period_label} is built "
            f"(version {record.version}).",
            reverse("assessment", args=[job.partnership.slug, record.pk]),
            "See the assessment",
            snapshot,
        )

    return save
