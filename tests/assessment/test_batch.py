"""Many assessments at once: the same objects and files as one at a time."""

from __future__ import annotations

import json

from pypdf import PdfReader

from saferplaces.assessment.build import build_assessment, build_assessments
from saferplaces.reports.documents import write_assessment, write_assessments

AREAS = ["Tamworth", "Stafford", "Staffordshire"]


def test_batch_builds_the_same_objects(bundled_store):
    batch = list(build_assessments(bundled_store, AREAS, "2025"))
    assert [a.area.name for a in batch] == AREAS
    for a, name in zip(batch, AREAS, strict=True):
        assert a.to_dict() == build_assessment(bundled_store, name, "2025").to_dict()


def test_parallel_writing_gives_the_same_files(bundled_store, tmp_path):
    built = list(build_assessments(bundled_store, AREAS[:2], "2025"))
    parallel = write_assessments(((a, tmp_path / "parallel" / a.area.name) for a in built), workers=2)
    assert len(parallel) == 10
    for a in built:
        serial = {p.suffix: p for p in write_assessment(a, tmp_path / "serial" / a.area.name)}
        other = tmp_path / "parallel" / a.area.name
        for suffix in (".json", ".html"):
            assert (other / f"assessment{suffix}").read_bytes() == serial[suffix].read_bytes()
        assert json.loads((other / "assessment.json").read_text())["area"]["name"] == a.area.name
        printed = PdfReader(other / "assessment.pdf")
        assert len(printed.pages) == len(PdfReader(serial[".pdf"]).pages)
        assert f"{a.area.name}: {a.period.label}" in printed.pages[0].extract_text()
