"""Priority scoring (docs/methods/priority-scoring.md): hand-worked examples and invariants.

The expected numbers are worked by hand from the formulas on the methods page, not by
calling the product for them.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.assessment.priorities import (
    CATCH_ALL,
    COMPONENTS,
    GRADE_SCORES,
    Candidate,
    PriorityWeights,
    ScoringContext,
    component_scores,
    grade_change,
    grade_rate,
    load_weights,
    log_scale,
    rank_stability,
    score_candidates,
    weighted_score,
)
from saferplaces.errors import InputError


def weights(**given: float) -> PriorityWeights:
    return PriorityWeights({k: float(given.get(k, 0)) for k in COMPONENTS})


# --- hand-worked examples ------------------------------------------------------------------


def test_log_scale_by_hand():
    # log1p(99) - log1p(9) over log1p(999) - log1p(9): ln(100/10) / ln(1000/10) = 1/2
    assert log_scale(99, 9, 999) == pytest.approx(0.5)
    assert log_scale(9, 9, 999) == 0.0
    assert log_scale(999, 9, 999) == 1.0
    assert log_scale(5, 5, 5) == 1.0  # one theme only: it is the largest


def test_three_themes_worked_by_hand():
    """Three themes, harm 3, volume 3, change 2, versus_force 2: the methods page's example."""
    cands = [
        Candidate(
            "Violence and sexual offences",
            999,
            severity=999.0,
            change_label="decrease",
            change_p=0.0001,
            versus_force="lower-strong",
        ),
        Candidate(
            "Burglary", 99, severity=99.0, change_label="increase", change_p=0.01, versus_force="higher"
        ),
        Candidate(
            "Anti-social behaviour",
            9,
            severity=None,
            change_label="no-significant-change",
            change_p=0.4,
            versus_force="similar",
        ),
    ]
    w = weights(harm=3, volume=3, change=2, versus_force=2)
    # violence: harm 1, volume 1, change 0 (fall at 99.8%), force 0 -> (3 + 3) / 10 = 0.6
    # burglary: harm 0 (the least severe of the two with a weight), volume
    #           (ln 100 - ln 10) / (ln 1000 - ln 10) = 1/2, change 0.75 (rise at 95%),
    #           force 0.75 -> (0 + 1.5 + 1.5 + 1.5) / 10 = 0.45
    # ASB: harm left out, volume 0, change 0.5, force 0.5 -> (0 + 1 + 1) / 7 = 0.2857
    scored = {p.theme: p for p in score_candidates(cands, w)}
    assert scored["Violence and sexual offences"].score == pytest.approx(0.6, abs=1e-3)
    assert scored["Burglary"].components == pytest.approx(
        {"harm": 0.0, "volume": 0.5, "change": 0.75, "versus_force": 0.75}, abs=1e-3
    )
    assert scored["Burglary"].score == pytest.approx(0.45, abs=1e-3)
    assert scored["Anti-social behaviour"].score == pytest.approx(2 / 7, abs=1e-3)
    assert "harm" not in scored["Anti-social behaviour"].components
    assert "left out" in scored["Anti-social behaviour"].sentences["harm"]
    assert [p.theme for p in score_candidates(cands, w)] == [
        "Violence and sexual offences",
        "Burglary",
        "Anti-social behaviour",
    ]


def test_change_is_graded_by_its_test():
    assert grade_change("increase", 0.0001) == "higher-strong"
    assert grade_change("increase", 0.03) == "higher"
    assert grade_change("no-significant-change", 0.3) == "similar"
    assert grade_change("decrease", 0.01) == "lower"
    assert grade_change("decrease", 0.001) == "lower-strong"
    assert grade_change(None, None) is None


def test_rate_is_graded_at_95_and_99_8_percent():
    # 200 in 10,000 = 20 per 1,000; exact Poisson 95% interval about 17.3 to 23.0 and 99.8% about
    # 16.3 to 24.3 (PHE technical guide), so a benchmark of 16.8 is below the 95% interval only
    assert grade_rate(200, 10_000, 16.8) == "higher"
    assert grade_rate(200, 10_000, 15.0) == "higher-strong"
    assert grade_rate(200, 10_000, 20.0) == "similar"
    assert grade_rate(200, 10_000, 23.5) == "lower"
    assert grade_rate(200, 10_000, 26.0) == "lower-strong"


def test_series_break_is_not_counted_as_evidence():
    c = Candidate(
        "Drugs",
        100,
        change_label="increase",
        change_p=0.0001,
        change_from=10,
        change_to=40,
        series_break=True,
    )
    p = score_candidates([c], weights(change=1, volume=1))[0]
    assert "change" not in p.components
    assert "not counted" in p.sentences["change"]
    # with no context the window is "the period", and reads as such
    assert " recorded in the period" in p.sentences["volume"]
    assert any("break" in c for c in p.caveats)


def test_catch_alls_are_never_recommended():
    cands = [
        Candidate(t, 1000 - i, severity=100.0)
        for i, t in enumerate(["Other crime", "Other theft", "Robbery"])
    ]
    scored = score_candidates(cands, weights(volume=1), ScoringContext(total=3000))
    assert [p.theme for p in scored if p.recommended] == ["Robbery"]
    other = scored[0]
    assert other.theme == "Other crime" and other.rank == 1 and other.kind == "catch-all"
    assert any("catch-all" in c for c in other.caveats)


def test_police_found_offences_carry_the_caveat():
    p = score_candidates([Candidate("Drugs", 10)], weights(volume=1))[0]
    assert any("police activity" in c for c in p.caveats)


def test_not_assessed_components_say_so():
    p = score_candidates([Candidate("Robbery", 10)], weights(volume=1, vulnerability=1, versus_peers=1))[0]
    assert "not assessed" in p.sentences["vulnerability"] and "--extract" in p.sentences["vulnerability"]
    assert "not assessed" in p.sentences["versus_peers"]
    assert set(p.components) == {"volume"}


def test_vulnerability_is_the_mean_of_its_shares():
    c = Candidate("Violence and sexual offences", 10, domestic_share=0.4, repeat_share=0.2)
    p = score_candidates([c], weights(vulnerability=1), ScoringContext(extract="demo"))[0]
    assert p.components["vulnerability"] == pytest.approx(0.3)
    assert "40% domestic-related" in p.sentences["vulnerability"]


def test_community_concern_ranking_and_inputs():
    w = PriorityWeights(
        {**weights(community_concern=1).weights},
        inputs={"Burglary": {"community_concern": 0.9}},
        concern_ranking=("Anti-social behaviour", "Drugs"),
        concern_source="the 2025 survey",
    )
    cands = [Candidate(t, 5) for t in ("Anti-social behaviour", "Drugs", "Robbery", "Burglary")]
    parts = component_scores(cands, w)
    assert parts["Anti-social behaviour"]["community_concern"] == 1.0
    assert parts["Drugs"]["community_concern"] == 0.5
    assert parts["Robbery"]["community_concern"] == 0.0
    assert parts["Burglary"]["community_concern"] == 0.9
    sentences = {p.theme: p.sentences["community_concern"] for p in score_candidates(cands, w)}
    assert "ranked 2 of 2 in the 2025 survey" in sentences["Drugs"]


def test_rank_stability_by_hand():
    # A: volume 1, change 0; B: volume 0, change 1 -> equal weights tie (A first alphabetically);
    # volume +20% keeps A first, change +20% puts B first: both move between ranks 1 and 2
    parts = {"A": {"volume": 1.0, "change": 0.0}, "B": {"volume": 0.0, "change": 1.0}}
    w = PriorityWeights({**weights(volume=1, change=1).weights}, recommend=1)
    result = rank_stability(parts, w)
    assert result == {"A": (1, 2, False), "B": (1, 2, False)}
    w = PriorityWeights({**weights(volume=2, change=1).weights}, recommend=1)
    assert rank_stability(parts, w) == {"A": (1, 1, True), "B": (2, 2, True)}


def test_bundled_weights_and_old_names(tmp_path):
    w = load_weights()
    assert w.weights["harm"] == 3 and w.weights["vulnerability"] == 2
    assert w.recommend == 5 and w.stability == 0.2
    old = tmp_path / "w.toml"
    old.write_text('[weights]\npublic_concern = 1\n\n[inputs."Drugs"]\npublic_concern = 0.5\n')
    w = load_weights(old)
    assert w.weights["community_concern"] == 1 and w.inputs == {"Drugs": {"community_concern": 0.5}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[inputs."Drugs"]\ncapacity = 2\n[weights]\nvolume = 1\n', "from 0 to 1"),
        ("[weights]\nvolume = 1\n[options]\nrecommend = 0\n", "whole number of 1 or more"),
        ("[weights]\nvolume = 1\n[options]\nstability = 1.5\n", "between 0 and 1"),
        ("[weights]\nvolume = 1\n[community_concern]\nranking = 'ASB'\n", "not a list"),
    ],
)
def test_weights_file_errors(tmp_path, text, message):
    bad = tmp_path / "w.toml"
    bad.write_text(text)
    with pytest.raises(InputError, match=message):
        load_weights(bad)


# --- invariants (Hypothesis) ---------------------------------------------------------------

TYPES = (
    "Burglary",
    "Drugs",
    "Other crime",
    "Robbery",
    "Shoplifting",
    "Vehicle crime",
    "Anti-social behaviour",
)
grades = st.sampled_from(sorted(GRADE_SCORES))
changes = st.sampled_from(["increase", "decrease", "no-significant-change"])


@st.composite
def candidate_sets(draw):
    themes = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=len(TYPES), unique=True))
    out = []
    for t in themes:
        out.append(
            Candidate(
                t,
                draw(st.integers(1, 50_000)),
                severity=None if t == "Anti-social behaviour" else draw(st.floats(1, 5000)),
                change_label=draw(st.none() | changes),
                change_p=draw(st.floats(0, 1)),
                versus_force=draw(st.none() | grades),
                versus_peers=draw(st.none() | grades),
                domestic_share=draw(st.none() | st.floats(0, 1)),
                repeat_share=draw(st.none() | st.floats(0, 1)),
            )
        )
    return out


weight_sets = st.fixed_dictionaries({k: st.integers(0, 5) for k in COMPONENTS}).filter(
    lambda w: any(w.values())
)


@settings(max_examples=60, deadline=None)
@given(candidate_sets(), weight_sets)
def test_scores_lie_between_0_and_1_and_ranks_are_a_permutation(cands, w):
    scored = score_candidates(cands, PriorityWeights({k: float(v) for k, v in w.items()}))
    assert sorted(p.rank for p in scored) == list(range(1, len(cands) + 1))
    for p in scored:
        assert 0 <= p.score <= 1
        assert all(0 <= v <= 1 for v in p.components.values())
        assert p.rank_best <= p.rank <= p.rank_worst
        assert not (p.recommended and p.theme in CATCH_ALL)
        assert set(p.sentences) == {k for k, v in w.items() if v > 0}


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries({k: st.none() | st.floats(0, 1) for k in COMPONENTS}),
    weight_sets,
    st.sampled_from(COMPONENTS),
    st.floats(0, 1),
)
def test_score_is_monotone_in_each_component(parts, w, key, more):
    w = {k: float(v) for k, v in w.items()}
    low = dict(parts, **{key: min(parts[key] or 0.0, more)})
    high = dict(parts, **{key: max(parts[key] or 0.0, more)})
    assert weighted_score(high, w) >= weighted_score(low, w) - 1e-12


@settings(max_examples=40, deadline=None)
@given(candidate_sets(), weight_sets, st.integers(0, 10_000))
def test_more_crimes_never_lower_a_themes_volume_or_rank_on_volume(cands, w, extra):
    from dataclasses import replace

    first = cands[0]
    before = component_scores(cands, weights(volume=1))[first.theme]["volume"]
    grown = [replace(first, count=first.count + extra), *cands[1:]]
    after = component_scores(grown, weights(volume=1))[first.theme]["volume"]
    assert after >= before - 1e-12


@settings(max_examples=40, deadline=None)
@given(candidate_sets(), weight_sets, st.randoms())
def test_rank_stability_is_symmetric_and_order_free(cands, w, rnd):
    pw = PriorityWeights({k: float(v) for k, v in w.items()})
    parts = component_scores(cands, pw)
    result = rank_stability(parts, pw)
    # the order the themes come in changes nothing
    shuffled = list(parts.items())
    rnd.shuffle(shuffled)
    assert rank_stability(dict(shuffled), pw) == result
    # scaling every weight by one factor changes no rank: only their ratios matter
    scaled = PriorityWeights({k: 3 * v for k, v in pw.weights.items()})
    assert rank_stability(parts, scaled) == result
    # symmetric: a theme moves down only when another moves up (ranks stay a permutation)
    base = {p.theme: p.rank for p in score_candidates(cands, pw)}
    falls = any(worst > base[t] for t, (_, worst, _) in result.items())
    rises = any(best < base[t] for t, (best, _, _) in result.items())
    assert falls == rises
    for best, worst, _ in result.values():
        assert 1 <= best <= worst <= len(parts)


# --- vulnerability from a partner extract ---------------------------------------------------


def test_vulnerability_shares_agree_with_the_extract_file(bundled_store, tmp_path):
    """Domestic and repeat-victim shares by crime type, counted from the CSV with the csv module."""
    import csv
    import gzip
    import shutil

    from saferplaces.assessment.build import build_assessment
    from saferplaces.data.store import Store
    from tests.conftest import run_cli

    out = tmp_path / "tamworth-synthetic.csv.gz"
    made = run_cli(
        "synth", "--out", str(out), "--area", "Tamworth", "--from", "2025-01", "--to", "2025-12",
        "--seed", "3", "--store", str(bundled_store.root),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    store = tmp_path / "store"
    shutil.copytree(bundled_store.root, store)
    a = build_assessment(Store(store), "Tamworth", "2025", extract=str(out))
    with gzip.open(out, "rt", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["date"].startswith("2025-")]
    victims = Counter(r["victim_id"] for r in rows if r["victim_id"])
    expected = {}
    for t in {r["category"] for r in rows}:
        mine = [r for r in rows if r["category"] == t]
        known = [r for r in mine if r["domestic"] != ""]
        with_victim = [r for r in mine if r["victim_id"]]
        shares = []
        if len(known) >= 10:
            shares.append(sum(r["domestic"].lower() == "true" for r in known) / len(known))
        if len(with_victim) >= 10:
            shares.append(sum(victims[r["victim_id"]] > 1 for r in with_victim) / len(with_victim))
        if shares:
            expected[t] = sum(shares) / len(shares)
    got = {p.theme: p.components["vulnerability"] for p in a.priorities if "vulnerability" in p.components}
    assert got == pytest.approx({t: v for t, v in expected.items() if t in got}, abs=1e-3)
    assert set(got) == {p.theme for p in a.priorities} & set(expected)
    assert all("synthetic" in p.sentences["vulnerability"] for p in a.priorities if p.theme in got)
