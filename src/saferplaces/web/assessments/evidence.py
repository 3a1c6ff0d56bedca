"""What an adopted priority rests on, copied out of the assessment when it is adopted.

The copy is made from the assessment's own record (the data the CLI writes as JSON), so
the "Why this is a priority" page shows the figures as the board saw them, whatever is
built later.
"""

from __future__ import annotations

from typing import Any

from saferplaces.assessment.priorities import ASB
from saferplaces.web.assessments.models import Assessment

#: The report tables a candidate's evidence is drawn from, by their ids in the HTML report.
TABLES = {
    "priorities": "Candidate priorities: score on each component",
    "priority-reasons": "Candidate priorities: the reason for each score",
    "crime-types": "Crime types: volume, rate, change and comparison",
    "headline": "Crime and anti-social behaviour: counts, rates and change",
}


def candidates(assessment: Assessment) -> list[dict[str, Any]]:
    """The assessment's candidate priorities, best first, as its record holds them."""
    return sorted(assessment.data.get("priorities") or [], key=lambda p: p.get("rank") or 0)


def candidate(assessment: Assessment, theme: str) -> dict[str, Any] | None:
    """One candidate priority by its theme, or None when the assessment has no such candidate."""
    return next((p for p in candidates(assessment) if p.get("theme") == theme), None)


def _figures(assessment: Assessment, theme: str) -> dict[str, Any]:
    data = assessment.data
    if theme == ASB:
        headline = data.get("headline") or {}
        asb, change = headline.get("asb") or {}, headline.get("asb_change") or {}
        return {
            "count": asb.get("count"),
            "rate": asb.get("rate"),
            "lower": asb.get("lower"),
            "upper": asb.get("upper"),
            "rate_method": asb.get("method"),
            "comparable_count": change.get("current"),
            "previous_count": change.get("previous"),
            "change": change.get("label"),
            "change_percent": change.get("percent"),
            "change_p": change.get("p"),
        }
    row = next((r for r in data.get("crime_types") or [] if r.get("crime_type") == theme), None)
    if row is None:
        return {}
    keys = (
        "count",
        "rate",
        "lower",
        "upper",
        "comparable_count",
        "previous_count",
        "change",
        "change_percent",
        "change_p",
        "force_rate",
        "versus_force",
        "rank",
        "rank_of",
        "harm",
        "trend",
    )
    return {key: row.get(key) for key in keys}


def findings_about(assessment: Assessment, theme: str) -> list[dict[str, Any]]:
    """The assessment's findings that name the theme (ASB also as 'anti-social behaviour')."""
    words = {theme.lower()} | ({"anti-social behaviour", "asb"} if theme == ASB else set())
    return [
        {"section": f.get("section", ""), "text": f.get("text", ""), "table": f.get("table", "")}
        for f in assessment.data.get("findings") or []
        if any(word in f.get("text", "").lower() for word in words)
    ]


def freeze_evidence(assessment: Assessment, theme: str) -> dict[str, Any]:
    """The copy of a candidate's evidence an adopted priority keeps.

    Raises
    ------
    KeyError
        When the assessment has no candidate of that theme.
    """
    score = candidate(assessment, theme)
    if score is None:
        raise KeyError(theme)
    period = assessment.data.get("period") or {}
    findings = findings_about(assessment, theme)
    tables = ["priorities", "priority-reasons", "headline" if theme == ASB else "crime-types"]
    tables += [f["table"] for f in findings if f["table"] and f["table"] not in tables]
    return {
        "theme": theme,
        "area": assessment.area_name,
        "period_label": assessment.period_label,
        "months": [period.get("start"), period.get("end")],
        "months_held": len(period.get("months_held") or []),
        "comparison_label": period.get("comparison_label"),
        "score": score.get("score"),
        "rank": score.get("rank"),
        "rank_of": len(candidates(assessment)),
        "rank_best": score.get("rank_best"),
        "rank_worst": score.get("rank_worst"),
        "robust": score.get("robust"),
        "recommended": score.get("recommended"),
        "components": score.get("components") or {},
        "sentences": score.get("sentences") or {},
        "caveats": list(score.get("caveats") or []),
        "weights": assessment.data.get("priority_weights") or {},
        "figures": _figures(assessment, theme),
        "findings": findings,
        "tables": tables,
        "snapshot_id": assessment.snapshot_id,
    }
