"""Priority scoring: a documented, configurable matrix in the spirit of MoRiLE.

MoRiLE (Management of Risk in Law Enforcement) scores each threat on harm,
likelihood and the organisation's position to act. Safer Places scores each
candidate theme on volume, harm, rate against the force area and change, plus
optional partnership inputs (public concern, capacity), with weights from a
TOML file the partnership can edit (``priority_weights.toml``). The reasons
behind each score are written as sentences.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saferplaces.assessment.model import CrimeTypeRow, PriorityScore
from saferplaces.errors import InputError

DEFAULT_WEIGHTS = Path(__file__).with_name("priority_weights.toml")
COMPONENTS = ("volume", "harm", "versus_force", "change", "public_concern", "capacity")


@dataclass(frozen=True)
class PriorityWeights:
    weights: dict[str, float]
    inputs: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = ""


def load_weights(path: str | Path | None = None) -> PriorityWeights:
    """Read priority weights from ``path`` (the bundled defaults when None).

    Raises
    ------
    InputError
        When the file cannot be read, is not TOML, or has an unknown component or a
        weight that is not a number of zero or more.
    """
    target = Path(path) if path else DEFAULT_WEIGHTS
    try:
        data: dict[str, Any] = tomllib.loads(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"The weights file {target} cannot be read ({exc.strerror}).",
            "Check the path given with --weights.",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"The weights file {target.name} is not valid TOML ({exc}).",
            "Compare it with the bundled priority_weights.toml.",
        ) from exc
    weights = data.get("weights", {})
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise InputError(
            f"The weights file {target.name} has an unknown component '{unknown[0]}'.",
            "Use " + ", ".join(COMPONENTS) + ".",
        )
    for key, value in weights.items():
        if not isinstance(value, int | float) or value < 0:
            raise InputError(
                f"The weight for {key} in {target.name} is {value!r}.",
                "Give each weight as a number of zero or more.",
            )
    if not any(weights.values()):
        raise InputError(f"Every weight in {target.name} is zero.", "Give at least one weight above zero.")
    inputs = {
        theme: {k: float(v) for k, v in values.items()} for theme, values in data.get("inputs", {}).items()
    }
    return PriorityWeights({k: float(weights.get(k, 0)) for k in COMPONENTS}, inputs, str(target))


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def score_priorities(rows: list[CrimeTypeRow], weights: PriorityWeights, total: int) -> list[PriorityScore]:
    """Score and rank each crime type as a candidate priority, with the reasons for each score."""
    candidates = [r for r in rows if r.count > 0]
    if not candidates:
        return []
    top_count = max(r.count for r in candidates)
    harms = {r.crime_type: r.harm for r in candidates if r.harm is not None}
    top_harm = max(harms.values()) if harms else 0
    total_harm = sum(harms.values())
    scored = []
    for r in candidates:
        parts: dict[str, float] = {}
        reasons: list[str] = []
        parts["volume"] = r.count / top_count
        share = r.count / total * 100 if total else 0
        reasons.append(f"{_fmt(r.count)} recorded, {share:.0f}% of all crime and ASB.")
        if r.crime_type in harms and top_harm:
            parts["harm"] = harms[r.crime_type] / top_harm
            reasons.append(
                f"{harms[r.crime_type] / total_harm * 100:.0f}% of crime harm "
                "weighted by the Crime Severity Score."
            )
        else:
            parts["harm"] = 0.0
        if r.versus_force:
            parts["versus_force"] = {"higher": 1.0, "similar": 0.5, "lower": 0.0}[r.versus_force]
            relation = "similar to" if r.versus_force == "similar" else f"{r.versus_force} than"
            reasons.append(
                f"{r.rate:.1f} per 1,000 residents, {relation} the force area ({r.force_rate:.1f})."
            )
        if r.change:
            parts["change"] = {"increase": 1.0, "no-significant-change": 0.5, "decrease": 0.0}[r.change]
            words = {
                "increase": "a significant increase",
                "decrease": "a significant fall",
                "no-significant-change": "within normal variation",
            }[r.change]
            pct = "" if r.change_percent is None else f"{r.change_percent:+.0f}% "
            reasons.append(f"{pct}on a year earlier: {words}.")
        for key in ("public_concern", "capacity"):
            value = weights.inputs.get(r.crime_type, {}).get(key)
            if value is not None:
                parts[key] = max(0.0, min(1.0, value))
                reasons.append(f"Partnership input {key.replace('_', ' ')}: {value:.2f}.")
        used = {k: w for k, w in weights.weights.items() if w and k in parts}
        score = sum(parts[k] * w for k, w in used.items()) / sum(used.values()) if used else 0.0
        scored.append(
            (r.crime_type, round(score, 3), {k: round(v, 3) for k, v in parts.items()}, tuple(reasons))
        )
    scored.sort(key=lambda s: (-s[1], s[0]))
    return [PriorityScore(t, s, i + 1, parts, reasons) for i, (t, s, parts, reasons) in enumerate(scored)]
