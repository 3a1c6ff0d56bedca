"""The background work that builds a strategic assessment and keeps it, with its report files.

The runner reads (builds the assessment from one store snapshot and writes the CLI's five
report files into a temporary folder) and then saves the :class:`Assessment` and its files
in one transaction: a build that fails saves nothing (issue #10, section 2).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from django.db.models import Max
from django.urls import reverse

import saferplaces
from saferplaces.assessment.build import build_assessment
from saferplaces.assessment.priorities import COMPONENTS, load_weights
from saferplaces.assessment.windows import in_window
from saferplaces.reports.documents import FORMATS, write_assessment
from saferplaces.web.assessments.access import can_build
from saferplaces.web.assessments.evidence import candidate, freeze_evidence
from saferplaces.web.assessments.models import Assessment, AssessmentFile, PriorityEvidence
from saferplaces.web.audit.trail import display_name, record, snapshot
from saferplaces.web.performance.refresh import web_store
from saferplaces.web.plans.models import Priority
from saferplaces.web.work.jobs import Outcome, Progress, Save, runner
from saferplaces.web.work.models import Job

ASSESSMENT_BUILD = "assessment-build"
#: Steps the progress page counts: build, one per report file, then saving.
STEPS = 2 + len(FORMATS)


def default_weights() -> dict[str, float]:
    """The bundled priority-scoring weights, by component."""
    return dict(load_weights().weights)


def weights_toml(weights: dict[str, Any]) -> str:
    """A weights file (the format of priority_weights.toml) giving ``weights``, the rest as bundled."""
    merged = {**default_weights(), **{k: v for k, v in weights.items() if k in COMPONENTS}}
    return "[weights]\n" + "".join(f"{key} = {float(value)!r}\n" for key, value in merged.items())


def read_build(params: dict[str, Any], progress: Progress | None = None) -> tuple[Any, dict[str, bytes]]:
    """Build the assessment ``params`` ask for, and its report files; save nothing.

    ``params`` holds ``area_code``, ``period``, ``compare``, ``extract`` and ``weights``
    (components to numbers; empty for the bundled weights).
    """
    store = web_store()
    with tempfile.TemporaryDirectory(prefix="saferplaces-assess-") as tmp:
        folder = Path(tmp)
        weights_path = None
        if params.get("weights"):
            weights_path = folder / "weights.toml"
            weights_path.write_text(weights_toml(params["weights"]), encoding="utf-8")
        if progress:
            progress(0, STEPS, f"Building the assessment of {params.get('area_name', params['area_code'])}")
        built = build_assessment(
            store,
            params["area_code"],
            params["period"],
            compare=params.get("compare", "previous"),
            weights_path=str(weights_path) if weights_path else None,
            extract=params.get("extract") or None,
            allow_partial=bool(params.get("allow_partial")),
        )

        def report(_what: str, done: float, total: float) -> None:
            if progress and done < total:
                # the PDF is typeset beside the others, so the steps count files, not name them
                progress(1 + int(done), STEPS, f"Writing the report files ({int(done) + 1} of {int(total)})")

        paths = write_assessment(built, folder / "out", FORMATS, progress=report)
        files = {path.suffix.lstrip("."): path.read_bytes() for path in paths}
    return built, files


def save_assessment(
    job: Job | None, params: dict[str, Any], built: Any, files: dict[str, bytes]
) -> Assessment:
    """Record the built assessment and its files (call inside a transaction)."""
    same = Assessment.objects.filter(
        partnership_id=job.partnership_id if job else params["partnership_id"],
        area_code=built.area.code,
        period_label=built.period.label,
    )
    version = (same.aggregate(last=Max("version"))["last"] or 0) + 1
    started_by = job.started_by if job else params.get("user")
    assessment = Assessment.objects.create(
        partnership_id=job.partnership_id if job else params["partnership_id"],
        area_code=built.area.code,
        area_name=built.area.name,
        area_level=built.area.level,
        period=params["period"],
        period_label=built.period.label,
        compare=params.get("compare", "previous"),
        extract=params.get("extract") or "",
        weights=dict(built.priority_weights),
        version=version,
        snapshot_id="" if built.snapshot_id is None else str(built.snapshot_id),
        code_version=saferplaces.__version__,
        created_by=started_by,
        created_by_name=job.started_by_name if job else params.get("user_name", ""),
        job=job,
        data=built.to_dict(),
    )
    for fmt, content in files.items():
        AssessmentFile.objects.create(
            assessment=assessment, format=fmt, content=content, sha256=hashlib.sha256(content).hexdigest()
        )
    return assessment


def link_evidence(assessment: Assessment, links: list[dict[str, Any]], user: Any) -> list[PriorityEvidence]:
    """Record the evidence of existing priorities named in ``links`` (the demo set-up's seed links).

    Each link names a ``priority_id``, a ``candidate`` theme of the assessment (or none, with a
    ``reason_kind`` the data cannot show) and a ``reason``. A priority that already has evidence,
    or a candidate the assessment does not have, is passed over.
    """
    made = []
    for link in links:
        priority = Priority.objects.filter(pk=link.get("priority_id")).first()
        if priority is None or priority.adoptions.exists():
            continue
        theme = link.get("candidate") or ""
        if theme and candidate(assessment, theme) is None:
            continue
        item = PriorityEvidence.objects.create(
            priority=priority,
            assessment=assessment if theme else None,
            candidate=theme,
            reason_kind=link.get("reason_kind") or PriorityEvidence.Reason.EVIDENCE,
            reason=link.get("reason", ""),
            evidence=freeze_evidence(assessment, theme) if theme else {},
            created_by=user,
            created_by_name=display_name(user) or "The demo set-up",
        )
        record(user, item, None, snapshot(item), via="demo set-up: the seed plan's stated evidence")
        made.append(item)
    return made


@runner(ASSESSMENT_BUILD, may_start=lambda user, job: can_build(user, job.partnership))
def build_runner(job: Job, progress: Progress) -> Save:
    """Build the assessment the job asks for; save it and its five report files together."""
    built, files = read_build(job.params, progress)

    def save() -> Outcome:
        assessment = save_assessment(job, job.params, built, files)
        link_evidence(assessment, job.params.get("links") or [], job.started_by)
        url = reverse("assessment", args=[job.partnership.slug, assessment.pk])
        text = (
            f"Built the strategic assessment of {assessment.area_name} {in_window(assessment.period_label)} "
            f"(version {assessment.version}), with its report as HTML, PDF, Word, Excel and JSON."
        )
        return Outcome(text, url, "See the assessment", assessment.snapshot_id)

    return save
