"""Priority scoring: a MoRiLE-style matrix a partnership board recognises.

MoRiLE (Management of Risk in Law Enforcement) scores each threat on its harm, its
scale, how it is changing and the organisation's position to act. Safer Places
scores each candidate theme (a police.uk crime type) on eight components, each
from 0 to 1: harm (Crime Severity Score per offence), volume (log scaled), change
(the tested change on a year earlier, graded), the rate against the force area and
against similar areas (graded by the test at 95% and 99.8%), vulnerability (from a
partner extract, when one is held), and two inputs the partnership enters in the
weights file: community concern and partnership capacity. The theme's score is the
weighted mean of the components it has; a component that is not assessed for a
theme is left out and the other weights carry the score (said in its sentence).

``score_candidates`` is a pure function of a list of ``Candidate`` objects, so it
can be tested, and shown by the web app, on its own. ``candidates_from_rows`` makes
the candidates from an assessment's crime-type rows.

See docs/methods/priority-scoring.md.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saferplaces import stats
from saferplaces.assessment.model import CrimeTypeRow, PriorityScore
from saferplaces.data.sql import run
from saferplaces.errors import InputError
from saferplaces.stats.labels import ChangeLabel
from saferplaces.wording import in_window, share_percent, whole_percent

DEFAULT_WEIGHTS = Path(__file__).with_name("priority_weights.toml")
COMPONENTS = (
    "harm",
    "volume",
    "change",
    "versus_force",
    "versus_peers",
    "vulnerability",
    "community_concern",
    "capacity",
)
#: What each component is called in tables and sentences.
COMPONENT_NAMES = {
    "harm": "Harm",
    "volume": "Volume",
    "change": "Change",
    "versus_force": "Against the force area",
    "versus_peers": "Against similar areas",
    "vulnerability": "Vulnerability",
    "community_concern": "Community concern",
    "capacity": "Partnership capacity",
}
#: Older names still read from a weights file.
ALIASES = {"public_concern": "community_concern"}
#: police.uk categories that gather many unrelated offences: never recommended on their own.
CATCH_ALL = ("Other crime", "Other theft")
#: Offences mostly found by police activity: a rise may mean more policing, not more crime.
POLICE_FOUND = ("Drugs", "Possession of weapons")
ASB = "Anti-social behaviour"
#: The ONS Table C2 offence groups that match each police.uk crime type (for the peer comparison).
PEER_GROUPS: dict[str, tuple[str, ...]] = {
    "Violence and sexual offences": ("Violence against the person", "Sexual offences"),
    "Burglary": ("Residential burglary", "Non-residential burglary"),
    "Robbery": ("Robbery",),
    "Vehicle crime": ("Vehicle offences",),
    "Theft from the person": ("Theft from the person",),
    "Bicycle theft": ("Bicycle theft",),
    "Shoplifting": ("Shoplifting",),
    "Other theft": ("All other theft offences",),
    "Criminal damage and arson": ("Criminal damage and arson",),
    "Drugs": ("Drug offences",),
    "Possession of weapons": ("Possession of weapons offences",),
    "Public order": ("Public order offences",),
    "Other crime": ("Miscellaneous crimes against society",),
}
#: The two levels of every graded test: significant at 95%, and at 99.8% ("well" above or below).
LEVEL, STRONG_LEVEL = 0.95, 0.998
#: Graded results and their scores: the funnel plot's two levels, as Spiegelhalter (2005).
GRADE_SCORES = {
    "higher-strong": 1.0,
    "higher": 0.75,
    "similar": 0.5,
    "lower": 0.25,
    "lower-strong": 0.0,
}
CHANGE_GRADES = {
    ChangeLabel.INCREASE: "higher",
    ChangeLabel.DECREASE: "lower",
    ChangeLabel.NO_SIGNIFICANT_CHANGE: "similar",
}
#: Fewest partner-extract rows of a crime type with the flag recorded for a vulnerability share.
MIN_VULNERABILITY_ROWS = 10


@dataclass(frozen=True)
class PriorityWeights:
    """Weights, partnership inputs and options read from a weights file.

    Attributes
    ----------
    weights
        Component -> weight (zero or more).
    inputs
        Theme -> {"community_concern" | "capacity": value from 0 to 1}.
    concern_ranking
        Themes in order of community concern, most first (from ``[community_concern]``).
    concern_source
        Where that ranking comes from, for the sentences.
    recommend
        How many candidates (catch-alls left out) the report recommends for discussion.
    stability
        The relative move of each weight in the rank-stability check (0.2 = plus or minus 20%).
    """

    weights: dict[str, float]
    inputs: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = ""
    concern_ranking: tuple[str, ...] = ()
    concern_source: str = ""
    recommend: int = 5
    stability: float = 0.2


@dataclass(frozen=True)
class Candidate:
    """What the scoring needs to know about one candidate theme: a small, pure input.

    Attributes
    ----------
    theme
        The crime type.
    count
        Crimes or incidents in the period.
    rate
        Per 1,000 residents.
    severity
        Crime Severity Score weight of one offence (days); None when the type has none (ASB).
    harm_share
        Its share of all crime harm (0 to 1), for the sentence.
    change_label, change_p, change_percent, change_from, change_to
        The tested change on the same months a year earlier; ``change_p`` is the value the
        label was decided on (adjusted for multiple testing when the assessment adjusts it, and
        then ``change_p_adjusted`` is True, so the sentence says so).
    series_break, break_reason
        True when the data-quality check flags a possible break in the series: the change is
        then not counted as evidence; ``break_reason`` is the check's words for it.
    versus_force, force_rate
        Graded comparison with the force area (a key of ``GRADE_SCORES``) and its rate.
    versus_peers, peer_rate, peer_group_name
        Graded comparison with similar areas, their rate, and what the comparison covers.
    domestic_share, repeat_share
        Share of the type's crimes that were domestic-related, and that were against a
        repeat victim (0 to 1), from a partner extract; None when not held.
    """

    theme: str
    count: int
    rate: float | None = None
    severity: float | None = None
    harm_share: float | None = None
    change_label: str | None = None
    change_p: float | None = None
    change_p_adjusted: bool = False
    change_percent: float | None = None
    change_from: int | None = None
    change_to: int | None = None
    series_break: bool = False
    break_reason: str | None = None
    versus_force: str | None = None
    force_rate: float | None = None
    versus_peers: str | None = None
    peer_rate: float | None = None
    peer_group_name: str | None = None
    domestic_share: float | None = None
    repeat_share: float | None = None


@dataclass(frozen=True)
class ScoringContext:
    """Words the sentences need: the windows the figures cover and what they are compared with."""

    period_label: str = "the period"  # a window label, as in_window reads it
    change_label: str = "the same months a year earlier"
    total: int = 0
    force_name: str = "the force area"
    peers_label: str = "similar areas"
    extract: str | None = None
    synthetic: bool = False
    is_force: bool = False


def load_weights(path: str | Path | None = None) -> PriorityWeights:
    """Read priority weights from ``path`` (the bundled defaults when None).

    Raises
    ------
    InputError
        When the file cannot be read, is not TOML, or has an unknown component, a weight
        that is not a number of zero or more, or an input outside 0 to 1.
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
    weights = {ALIASES.get(k, k): v for k, v in data.get("weights", {}).items()}
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise InputError(
            f"The weights file {target.name} has an unknown component '{unknown[0]}'.",
            "Use " + ", ".join(COMPONENTS) + ".",
        )
    for key, value in weights.items():
        if not _is_number(value) or value < 0:
            raise InputError(
                f"The weight for {key} in {target.name} is {value!r}.",
                "Give each weight as a number of zero or more.",
            )
    if not any(weights.values()):
        raise InputError(f"Every weight in {target.name} is zero.", "Give at least one weight above zero.")
    inputs: dict[str, dict[str, float]] = {}
    for theme, values in data.get("inputs", {}).items():
        for key, value in values.items():
            key = ALIASES.get(key, key)
            if key not in ("community_concern", "capacity") or not _is_number(value) or not 0 <= value <= 1:
                raise InputError(
                    f"The input {key} = {value!r} for '{theme}' in {target.name} is not allowed.",
                    "Give community_concern or capacity as a number from 0 to 1.",
                )
            inputs.setdefault(theme, {})[key] = float(value)
    concern = data.get("community_concern", {})
    ranking = concern.get("ranking", [])
    if not isinstance(ranking, list) or not all(isinstance(t, str) for t in ranking):
        raise InputError(
            f"The community concern ranking in {target.name} is not a list of themes.",
            'Write it as ranking = ["Anti-social behaviour", "Drugs"], most concern first.',
        )
    options = data.get("options", {})
    recommend = options.get("recommend", 5)
    stability = options.get("stability", 0.2)
    if not isinstance(recommend, int) or recommend < 1:
        raise InputError(
            f"recommend = {recommend!r} in {target.name} is not a whole number of 1 or more.",
            "Give how many candidates to recommend, for example recommend = 5.",
        )
    if not _is_number(stability) or not 0 < stability < 1:
        raise InputError(
            f"stability = {stability!r} in {target.name} is not between 0 and 1.",
            "Give the share each weight moves in the stability check, for example stability = 0.2.",
        )
    return PriorityWeights(
        {k: float(weights.get(k, 0)) for k in COMPONENTS},
        inputs,
        str(target),
        tuple(dict.fromkeys(ranking)),
        str(concern.get("source", "the partnership's ranking")),
        recommend,
        float(stability),
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# graded tests


def grade_rate(
    count: int,
    population: float,
    benchmark: tuple[int, float] | float,
) -> str:
    """Grade a rate against a benchmark at 95% and 99.8%: a key of ``GRADE_SCORES``.

    ``benchmark`` is a (count, population) pair, judged by whether the two intervals
    overlap (as the crime-type table does against the force), or a rate per 1,000,
    judged by whether it lies outside the area's interval.
    """
    label = "similar"
    for level, strong in ((LEVEL, ""), (STRONG_LEVEL, "-strong")):
        est = stats.rate(count, population, per=1000, level=level)
        bench = (
            stats.rate(benchmark[0], benchmark[1], per=1000, level=level)
            if isinstance(benchmark, tuple)
            else float(benchmark)
        )
        found = stats.compare(est, bench).label
        if found == "similar":
            break
        label = found + strong
    return label


def grade_change(label: str | None, p: float | None) -> str | None:
    """Grade a tested change: significant at 99.8% ('-strong'), at 95%, or similar."""
    if label is None:
        return None
    grade = CHANGE_GRADES[label]
    if grade != "similar" and p is not None and p < 1 - STRONG_LEVEL:
        grade += "-strong"
    return grade


# ---------------------------------------------------------------------------------------------
# the score


def log_scale(value: float, least: float, most: float) -> float:
    """Where ``value`` lies between ``least`` (0) and ``most`` (1) on a log scale.

    Counts and severity weights span orders of magnitude, so a linear share of the largest
    would put every theme but one near zero; ``log1p`` keeps a count of 0 finite.
    """
    low, high = math.log1p(least), math.log1p(most)
    if high <= low:
        return 1.0
    return min(1.0, max(0.0, (math.log1p(value) - low) / (high - low)))


def component_scores(
    candidates: Sequence[Candidate], weights: PriorityWeights
) -> dict[str, dict[str, float | None]]:
    """Theme -> component -> score from 0 to 1, or None when not assessed for that theme."""
    counts = [c.count for c in candidates]
    severities = [c.severity for c in candidates if c.severity is not None]
    ranking = weights.concern_ranking
    out: dict[str, dict[str, float | None]] = {}
    for c in candidates:
        s: dict[str, float | None] = dict.fromkeys(COMPONENTS)
        s["volume"] = log_scale(c.count, min(counts), max(counts))
        if c.severity is not None:
            s["harm"] = log_scale(c.severity, min(severities), max(severities))
        change = grade_change(c.change_label, c.change_p)
        if change is not None and not c.series_break:
            s["change"] = GRADE_SCORES[change]
        if c.versus_force:
            s["versus_force"] = GRADE_SCORES[c.versus_force]
        if c.versus_peers:
            s["versus_peers"] = GRADE_SCORES[c.versus_peers]
        shares = [v for v in (c.domestic_share, c.repeat_share) if v is not None]
        if shares:
            s["vulnerability"] = min(1.0, max(0.0, sum(shares) / len(shares)))
        given = weights.inputs.get(c.theme, {})
        if "community_concern" in given:
            s["community_concern"] = given["community_concern"]
        elif ranking:
            s["community_concern"] = (
                (len(ranking) - ranking.index(c.theme)) / len(ranking) if c.theme in ranking else 0.0
            )
        if "capacity" in given:
            s["capacity"] = given["capacity"]
        out[c.theme] = s
    return out


def weighted_score(parts: Mapping[str, float | None], weights: Mapping[str, float]) -> float:
    """The weighted mean of the assessed components (those with a weight above zero)."""
    used = {k: w for k, w in weights.items() if w > 0 and parts.get(k) is not None}
    total = sum(used.values())
    return sum(parts[k] * w for k, w in used.items()) / total if total else 0.0  # type: ignore[operator]


def _ranks(parts: Mapping[str, Mapping[str, float | None]], weights: Mapping[str, float]) -> dict[str, int]:
    scores = {t: round(weighted_score(p, weights), 9) for t, p in parts.items()}
    order = sorted(scores, key=lambda t: (-scores[t], t))
    return {t: i + 1 for i, t in enumerate(order)}


def _recommended(ranks: Mapping[str, int], n: int) -> set[str]:
    return set(sorted((t for t in ranks if t not in CATCH_ALL), key=ranks.__getitem__)[:n])


def rank_stability(
    parts: Mapping[str, Mapping[str, float | None]], weights: PriorityWeights
) -> dict[str, tuple[int, int, bool]]:
    """Theme -> (best rank, worst rank, stays recommended) when each weight moves by +/- ``stability``.

    Each weight above zero is multiplied by 1 - stability and by 1 + stability in turn, the
    others held; the ranks are worked out again each time.
    """
    base = _ranks(parts, weights.weights)
    seen = {t: [r] for t, r in base.items()}
    chosen = _recommended(base, weights.recommend)
    stays = dict.fromkeys(base, True)
    for key, w in weights.weights.items():
        if w <= 0:
            continue
        for factor in (1 - weights.stability, 1 + weights.stability):
            moved = _ranks(parts, {**weights.weights, key: w * factor})
            now = _recommended(moved, weights.recommend)
            for t, r in moved.items():
                seen[t].append(r)
                if (t in chosen) != (t in now):
                    stays[t] = False
    return {t: (min(r), max(r), stays[t]) for t, r in seen.items()}


def score_candidates(
    candidates: Sequence[Candidate], weights: PriorityWeights, context: ScoringContext | None = None
) -> list[PriorityScore]:
    """Score and rank candidate themes, with a sentence per component and a rank-stability check.

    Parameters
    ----------
    candidates
        One per theme; themes with no crimes are left out.
    weights
        From ``load_weights``.
    context
        Windows and names for the sentences.

    Returns
    -------
    list of PriorityScore
        Highest score first; ties go to the alphabetically first theme.
    """
    context = context or ScoringContext()
    kept = [c for c in candidates if c.count > 0]
    if not kept:
        return []
    parts = component_scores(kept, weights)
    ranks = _ranks(parts, weights.weights)
    chosen = _recommended(ranks, weights.recommend)
    stability = rank_stability(parts, weights)
    by_theme = {c.theme: c for c in kept}
    out = []
    for theme in sorted(ranks, key=ranks.__getitem__):
        c, p = by_theme[theme], parts[theme]
        sentences = {k: _sentence(k, c, p[k], weights, context) for k in COMPONENTS if weights.weights[k] > 0}
        best, worst, stays = stability[theme]
        caveats = _caveats(c)
        out.append(
            PriorityScore(
                theme,
                round(weighted_score(p, weights.weights), 3),
                ranks[theme],
                {k: round(v, 3) for k, v in p.items() if v is not None},
                tuple(sentences.values()),
                sentences=sentences,
                kind="catch-all" if theme in CATCH_ALL else "crime-type",
                caveats=caveats,
                recommended=theme in chosen,
                rank_best=best,
                rank_worst=worst,
                robust=stays and theme in chosen,
                series_break=(c.break_reason or "possible break in the series") if c.series_break else None,
            )
        )
    return out


def _caveats(c: Candidate) -> tuple[str, ...]:
    out = []
    if c.theme in CATCH_ALL:
        out.append(
            f"'{c.theme}' is a catch-all police.uk category of unrelated offences, so it is not "
            "recommended on its own: ask the police for the offences inside it first."
        )
    if c.theme in POLICE_FOUND:
        out.append(
            f"{c.theme} offences are mostly found by police activity, so a rise may show more "
            "policing (stop and search, operations) rather than more offending."
        )
    if c.series_break:
        out.append(
            "The data-quality check flags a possible break in this series, so its change is not "
            "counted as evidence."
        )
    return tuple(out)


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _grade_words(grade: str) -> str:
    return {
        "higher-strong": "well above",
        "higher": "above",
        "similar": "similar",
        "lower": "below",
        "lower-strong": "well below",
    }[grade]


_CONFIDENCE = {
    "higher-strong": " (significant at 99.8%)",
    "higher": " (significant at 95%)",
    "similar": " (no significant difference)",
    "lower": " (significant at 95%)",
    "lower-strong": " (significant at 99.8%)",
}


def _sentence(
    key: str, c: Candidate, score: float | None, weights: PriorityWeights, ctx: ScoringContext
) -> str:
    """One plain sentence on one component of one candidate."""
    name = COMPONENT_NAMES[key]
    if key == "volume":
        share = f", {share_percent(c.count, ctx.total)} of all crime and ASB" if ctx.total else ""
        return (
            f"{name}: {_n(c.count)} recorded {in_window(ctx.period_label)}{share} (scored on a log scale "
            "between the smallest and largest types)."
        )
    if key == "harm":
        if c.severity is None:
            return (
                f"{name}: not scored. The Crime Severity Score has no weight for {c.theme.lower()}, "
                "so the harm component is left out for it and its score is the weighted mean of "
                "the other components."
            )
        share = (
            f"; {share_percent(c.harm_share, 1)} of all crime harm {in_window(ctx.period_label)}"
            if c.harm_share is not None
            else ""
        )
        return (
            f"{name}: a Crime Severity Score weight of {_n(c.severity)} "
            f"day{'s' if round(c.severity) != 1 else ''} per offence (the median over the offence codes "
            f"in this type){share}; scored on a log scale between the least and most severe types."
        )
    if key == "change":
        if c.change_label is None:
            return f"{name}: not assessed; no month a year earlier is held."
        if not c.change_from and not c.change_to and c.change_from is not None:
            return (
                f"{name}: none recorded in either window ({ctx.change_label}), so there is no change to test."
            )
        moved = f"from {_n(c.change_from or 0)} to {_n(c.change_to or 0)}"
        pct = "" if c.change_percent is None else f" ({whole_percent(c.change_percent):+d}%)"
        p = (
            ""
            if c.change_p is None
            else (" (p < 0.001" if c.change_p < 0.001 else f" (p = {c.change_p:.3f}")
            + (", adjusted for testing every crime type)" if c.change_p_adjusted else ")")
        )
        if c.series_break:
            return (
                f"{name}: {moved}{pct} comparing {ctx.change_label}, but not counted: the series may "
                "have a break (see data quality)."
            )
        grade = grade_change(c.change_label, c.change_p)
        verdict = {
            "higher-strong": "a significant rise at 99.8%",
            "higher": "a significant rise at 95%",
            "similar": "not statistically significant, within normal variation",
            "lower": "a significant fall at 95%",
            "lower-strong": "a significant fall at 99.8%",
        }[grade or "similar"]
        return f"{name}: {moved}{pct} comparing {ctx.change_label}: {verdict}{p}."
    if key == "versus_force":
        if not c.versus_force:
            if ctx.is_force:
                return f"{name}: not assessed; this assessment is of the whole force area."
            return f"{name}: not assessed; no rate for the whole force area is held."
        rates = (
            f"{c.rate:.1f} per 1,000 residents against {c.force_rate:.1f} for {ctx.force_name} as a whole"
            if c.rate is not None and c.force_rate is not None
            else f"the rate against {ctx.force_name} as a whole"
        )
        return f"{name}: {rates}: {_grade_words(c.versus_force)}{_CONFIDENCE[c.versus_force]}."
    if key == "versus_peers":
        if not c.versus_peers:
            why = (
                "ONS Table C2 has no anti-social behaviour"
                if c.theme == ASB
                else "no comparison with similar areas is held for this area"
            )
            return f"{name}: not assessed; {why}."
        rates = (
            f"{c.peer_group_name} against {c.peer_rate:.1f} for {ctx.peers_label}"
            if c.peer_group_name and c.peer_rate is not None
            else f"the rate against {ctx.peers_label}"
        )
        return f"{name}: {rates}: {_grade_words(c.versus_peers)}{_CONFIDENCE[c.versus_peers]}."
    if key == "vulnerability":
        if score is None:
            if ctx.extract is None:
                return (
                    f"{name}: not assessed. It needs a partner extract with domestic-abuse flags and "
                    "victim identifiers (saferplaces assess --extract)."
                )
            return (
                f"{name}: not assessed; the extract '{ctx.extract}' has fewer than "
                f"{MIN_VULNERABILITY_ROWS} of these crimes with the flags recorded."
            )
        said = []
        if c.domestic_share is not None:
            said.append(f"{c.domestic_share * 100:.0f}% domestic-related")
        if c.repeat_share is not None:
            said.append(f"{c.repeat_share * 100:.0f}% against repeat victims")
        made_up = ", synthetic data made up for demonstration" if ctx.synthetic else ""
        return f"{name}: {' and '.join(said)} (partner extract '{ctx.extract}'{made_up})."
    if key == "community_concern":
        if score is None:
            return (
                f"{name}: not given. The partnership can add a consultation or survey ranking "
                "to the weights file."
            )
        ranking = weights.concern_ranking
        if c.theme not in weights.inputs or "community_concern" not in weights.inputs[c.theme]:
            if c.theme in ranking:
                place = ranking.index(c.theme) + 1
                return f"{name}: ranked {place} of {len(ranking)} in {weights.concern_source}."
            return f"{name}: not among the {len(ranking)} concerns ranked in {weights.concern_source}."
        return f"{name}: {score:.2f}, as entered by the partnership."
    # capacity
    if score is None:
        return f"{name}: not given. The partnership can enter its capacity to act in the weights file."
    return f"{name}: {score:.2f}, as entered by the partnership."


# ---------------------------------------------------------------------------------------------
# candidates from an assessment


def peer_comparisons(national: Any) -> dict[str, tuple[str, float, str]]:
    """Crime type -> (graded comparison, similar areas' rate, groups compared) from a national comparison.

    A police.uk type that spans two ONS offence groups is compared on their summed counts
    against the sum of the similar areas' rates for those groups.
    """
    if national is None or not national.peers:
        return {}
    rows = {r.offence_group: r for r in national.rows}
    out = {}
    for theme, groups in PEER_GROUPS.items():
        found = [rows[g] for g in groups if g in rows and rows[g].peer_rate is not None]
        if len(found) != len(groups):
            continue
        count = sum(r.count for r in found)
        peer_rate = sum(r.peer_rate for r in found)
        rate = count / national.population * 1000
        name = " and ".join(g.lower() for g in groups)
        out[theme] = (
            grade_rate(count, national.population, peer_rate),
            round(peer_rate, 2),
            f"in the {national.period_label.split(' (')[0]} (ONS Table C2, {name}), {rate:.1f} per 1,000",
        )
    return out


def candidates_from_rows(
    rows: Sequence[CrimeTypeRow],
    population: int,
    *,
    force_counts: Mapping[str, int] | None = None,
    force_population: int | None = None,
    national: Any = None,
    vulnerability: Mapping[str, tuple[float | None, float | None]] | None = None,
    series_breaks: Sequence[str] = (),
) -> list[Candidate]:
    """Make the scoring's inputs from an assessment's crime-type rows and comparisons."""
    total_harm = sum(r.harm or 0 for r in rows)
    peers = peer_comparisons(national)
    vulnerability = vulnerability or {}
    out = []
    for r in rows:
        versus_force = None
        if force_counts is not None and force_population and r.crime_type in force_counts:
            versus_force = grade_rate(r.count, population, (force_counts[r.crime_type], force_population))
        peer = peers.get(r.crime_type)
        domestic, repeat = vulnerability.get(r.crime_type, (None, None))
        out.append(
            Candidate(
                r.crime_type,
                r.count,
                rate=r.rate,
                severity=None if r.harm is None or not r.count else r.harm / r.count,
                harm_share=None if r.harm is None or not total_harm else r.harm / total_harm,
                # a broken series keeps its tested label here so the sentence can say why it is not counted
                change_label=r.change_test,
                # the label was decided on the adjusted value (Benjamini-Hochberg): grade and say that one
                change_p=r.change_p if r.change_p_adjusted is None else r.change_p_adjusted,
                change_p_adjusted=r.change_p_adjusted is not None,
                change_percent=r.change_percent,
                change_from=r.previous_count,
                change_to=r.comparable_count,
                series_break=r.series_break is not None or r.crime_type in series_breaks,
                break_reason=r.series_break,
                versus_force=versus_force,
                force_rate=r.force_rate,
                versus_peers=peer[0] if peer else None,
                peer_rate=peer[1] if peer else None,
                peer_group_name=peer[2] if peer else None,
                domestic_share=domestic,
                repeat_share=repeat,
            )
        )
    return out


def vulnerability_by_type(
    con: Any, extract: str, area_filter: str, months: Sequence[str]
) -> dict[str, tuple[float | None, float | None]]:
    """Crime type -> (domestic-related share, share against repeat victims) from a partner extract.

    ``area_filter`` is the area's ``Area.lookup_filter()``. A share is given only when at least
    ``MIN_VULNERABILITY_ROWS`` of the type's rows have it recorded. A repeat victim is a victim
    identifier on two or more rows of the extract in the area and months, of any type.
    """
    name = extract.replace("'", "''")
    where = f"extract = '{name}' and {area_filter} and month in (select unnest(?))"
    found = run(
        con,
        f"with scope as (select * from partner_extracts where {where}), "
        "repeat as (select victim_id from scope where victim_id is not null group by 1 having count(*) > 1) "
        "select category, count(*) filter (where domestic), count(domestic), "
        "count(*) filter (where victim_id in (select victim_id from repeat)), count(victim_id) "
        "from scope group by 1",
        [list(months)],
    ).fetchall()
    out = {}
    for category, domestic, known, repeat, victims in found:
        out[category] = (
            domestic / known if known >= MIN_VULNERABILITY_ROWS else None,
            repeat / victims if victims >= MIN_VULNERABILITY_ROWS else None,
        )
    return out


def assessment_priorities(
    rows: Sequence[CrimeTypeRow],
    weights: PriorityWeights,
    *,
    con: Any,
    area: Any,
    population: int,
    months: Sequence[str],
    period_label: str,
    comparison_label: str | None,
    force: Any = None,
    force_counts: Mapping[str, int] | None = None,
    force_population: int | None = None,
    national: Any = None,
    extract: str | None = None,
    synthetic: bool = False,
    series_breaks: Sequence[str] = (),
) -> list[PriorityScore]:
    """The candidate priorities of an assessment: one call from ``build_assessment``."""
    vulnerability = vulnerability_by_type(con, extract, area.lookup_filter(), months) if extract else None
    candidates = candidates_from_rows(
        rows,
        population,
        force_counts=force_counts,
        force_population=force_population,
        national=national,
        vulnerability=vulnerability,
        series_breaks=series_breaks,
    )
    context = ScoringContext(
        period_label=period_label,
        change_label=comparison_label or "the same months a year earlier",
        total=sum(r.count for r in rows),
        force_name=force.name if force is not None else "the force area",
        peers_label=f"the {len(national.peers)} similar areas"
        if national and national.peers
        else "similar areas",
        extract=extract,
        synthetic=synthetic,
        is_force=area.level == "force",
    )
    return score_candidates(candidates, weights, context)
