"""The risk heatmap: risks not closed, counted by impact and likelihood."""

from __future__ import annotations

from saferplaces.web.plans.models import Risk

LEVELS = [Risk.Level.HIGH, Risk.Level.MEDIUM, Risk.Level.LOW]

#: The words for a cell's score (impact and likelihood together, 0 = low/low, 4 = high/high),
#: written in the cell so the shade is never the only sign of it.
RATINGS = {0: "Low", 1: "Low", 2: "Medium", 3: "High", 4: "High"}


def risk_heatmap(risks: list[Risk]) -> list[dict[str, object]]:
    """Counts of risks not closed by impact (rows, high first) and likelihood (columns, low first).

    Each cell has its ``count``, a ``score`` from 0 (low impact, low likelihood) to 4 (both
    high) that picks its shade, and the ``rating`` (Low, Medium or High) that says it in words.
    """
    open_risks = [r for r in risks if r.status != Risk.Status.CLOSED]
    rows = []
    for impact in LEVELS:
        cells = []
        for likelihood in LEVELS[::-1]:
            score = LEVELS[::-1].index(impact) + LEVELS[::-1].index(likelihood)
            cells.append(
                {
                    "likelihood": likelihood.label,
                    "count": sum(1 for r in open_risks if r.impact == impact and r.likelihood == likelihood),
                    "score": score,
                    "rating": RATINGS[score],
                }
            )
        rows.append({"impact": impact.label, "cells": cells})
    return rows
