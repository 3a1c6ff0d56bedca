"""The four seed plans load with every row of their tables, and loading is idempotent.

Expected counts are read off the documents in shared/seeds/ (file and lines cited).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Plan, Priority
from saferplaces.web.seeds import SEED_FILES, load_seed_plans, read_seed

pytestmark = pytest.mark.django_db

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture
def seeded() -> None:
    load_seed_plans()


def _plan(slug: str) -> Plan:
    return Plan.objects.get(partnership__slug=slug)


def _kinds(plan: Plan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in plan.priorities.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_four_partnerships_with_the_county_over_the_districts(seeded: None) -> None:
    county = Partnership.objects.get(slug="staffordshire")
    assert county.kind == "county"
    assert sorted(county.children.values_list("slug", flat=True)) == [
        "east-staffordshire",
        "lichfield",
        "stafford",
    ]
    assert Plan.objects.count() == 4
    assert set(Plan.objects.values_list("status", flat=True)) == {"published"}


def test_east_staffordshire(seeded: None) -> None:
    # shared/seeds/000_c7b2712d29f376fb.txt
    plan = _plan("east-staffordshire")
    assert (plan.start_year, plan.end_year) == (2018, 2021)
    assert plan.vision.startswith('"Partners will work collectively')  # line 15
    assert len(plan.principles) == 6  # lines 21-26
    assert _kinds(plan) == {"priority": 4, "cross_cutting": 2}  # lines 32-35, 94 and 106
    assert [len(p.aims) for p in plan.priorities.all()] == [5, 4, 4, 2, 4, 3]  # lines 48-121
    assert plan.places.count() == 7  # lines 128-130: three priority wards, four inner Burton wards
    assert plan.partnership.memberships.count() == 6  # line 11; contributions lines 142-204
    assert len(plan.key_findings) == 15  # lines 208-223
    # lines 242-252: seven targets, baselines as written, three empty yearly columns
    targets = list(plan.targets.all())
    assert [t.baseline_text for t in targets] == ["966", "780", "3502", "81% after dark", "n/a", "41", ""]
    assert [t.baseline_value for t in targets][:3] == [966, 780, 3502]
    assert [t.direction for t in targets] == [
        "increase",
        "reduce",
        "reduce",
        "increase",
        "",
        "reduce",
        "reduce",
    ]
    assert TargetValue.objects.filter(target__plan=plan).count() == 21
    assert not TargetValue.objects.filter(target__plan=plan, value__isnull=False).exists()
    # lines 320-331: nine risks
    risks = list(plan.risks.values_list("risk", "impact", "likelihood"))
    assert len(risks) == 9
    assert risks[0] == ("External funding is cut or removed", "high", "medium")
    assert risks[-1] == ("Cuts to mainstream services", "low", "high")
    assert plan.funding.count() == 2  # lines 258-259
    assert list(plan.projects.values_list("reference", flat=True)) == ["Project 3", "Project 4", "Project 5"]
    assert not Action.objects.filter(priority__plan=plan).exists()  # the plan has no delivery table


def test_stafford(seeded: None) -> None:
    # shared/seeds/002_e71c389e2a536060.txt
    plan = _plan("stafford")
    assert (plan.start_year, plan.end_year) == (2020, 2024)
    # lines 169-176 priorities; 178 oversight; 182-184 challenges; 485 cross-cutting
    assert _kinds(plan) == {"priority": 7, "oversight": 3, "force_wide_challenge": 3, "cross_cutting": 1}
    assert plan.at_risk_groups.count() == 10  # lines 197-204, 206 and 210
    places = list(plan.places.values_list("name", "priority_type"))
    assert len(places) == 5  # lines 218-236
    assert places[0] == (
        "Forebridge (Stafford Town Centre)",
        "Overall crime, ASB, All individual crime types",
    )
    assert len(plan.principles) == 16  # lines 264-280
    workstreams = list(plan.workstreams.all())
    assert [w.commitments.count() for w in workstreams] == [17, 15, 8]  # lines 288-307, 317-334, 342-349
    assert plan.projects.count() == 7  # Appendix three, lines 419-517
    table = plan.projects.get(name="Social prescribing pilot").outcome_table
    assert len(table["rows"]) == 6 and table["rows"][0] == ["Advice and information", "50"]  # lines 510-515


def test_staffordshire_csa(seeded: None) -> None:
    # shared/seeds/003_ede389bb2bf2dbf4.txt
    plan = _plan("staffordshire")
    assert (plan.start_year, plan.end_year) == (2023, 2026)
    assert _kinds(plan) == {"priority": 7, "district_only": 3}  # lines 62-69 and 71-73
    places = plan.places.all()
    assert places.count() == 8  # lines 82-99
    assert {p.district for p in places} == {
        "East Staffordshire",
        "Stafford",
        "Newcastle-under-Lyme",
        "Cannock Chase",
    }
    assert plan.governance.count() == 9  # lines 109-121
    assert plan.governance.filter(priority__isnull=False).count() == 8
    pcc = plan.partner_plans.get(kind="pcc")
    assert len(pcc.priorities) == 5  # lines 133-137
    assert len(plan.partner_plans.get(kind="fire").priorities) == 4  # lines 139-142
    assert plan.partnership.people.count() == 8  # lines 11, 109-121
    assert plan.partnership.memberships.count() == 6  # line 55


def test_lichfield(seeded: None) -> None:
    # shared/seeds/004_869f6c7585b743ac.txt
    plan = _plan("lichfield")
    assert (plan.start_year, plan.end_year) == (2022, 2025)
    assert list(plan.versions.values_list("label", flat=True)) == ["Refresh April 2023"]  # line 5
    counts = {p.title: p.actions.count() for p in plan.priorities.all()}
    assert counts == {  # every Action/Outcome/Data table
        "Domestic Abuse": 8,  # lines 117-129
        "Anti-Social Behaviour": 6,  # lines 147-158
        "County Lines": 4,  # lines 174-182
        "Violence against women and girls": 7,  # lines 198-217
        "Serious Violence": 7,  # lines 233-244
        "Prevent": 6,  # lines 260-275
        "Crime prevention": 5,  # lines 293-310
    }
    assert Action.objects.filter(priority__plan=plan, action="").count() == 2  # lines 241 and 244
    marac = Action.objects.get(priority__plan=plan, action="Further develop the local MARAC")
    assert (marac.outcome, marac.data_measure) == ("Reduced risk for victims", "Number of high risk cases")
    assert plan.at_risk_groups.count() == 6  # lines 86-91
    assert list(plan.places.values_list("name", flat=True)) == ["North Lichfield", "Burntwood", "Chasetown"]


def test_loading_again_changes_nothing(seeded: None) -> None:
    before = (Plan.objects.count(), Priority.objects.count(), Action.objects.count(), Target.objects.count())
    results = load_seed_plans()
    assert [r.created for r in results] == [False] * 4
    after = (Plan.objects.count(), Priority.objects.count(), Action.objects.count(), Target.objects.count())
    assert before == after


def test_a_loaded_plan_is_kept_unless_replaced(seeded: None) -> None:
    Action.objects.filter(priority__plan__partnership__slug="lichfield").update(rag="green")
    load_seed_plans()
    assert Action.objects.filter(rag="green").count() == 43
    load_seed_plans(replace=True)
    assert Action.objects.filter(rag="green").count() == 0
    assert Action.objects.count() == 43
    assert Partnership.objects.count() == 4


def test_the_management_command(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_seed_plans")
    call_command("load_seed_plans")
    out = capsys.readouterr().out
    assert out.count("Loaded: ") == 4
    assert out.count("Already loaded: ") == 4


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>|\*\*|[‘’]", lambda m: "'" if m.group(0) in "‘’" else " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
@pytest.mark.parametrize("name", SEED_FILES)
def test_titles_and_table_cells_come_from_the_document(name: str) -> None:
    seed = read_seed(name)
    source = re.search(r"shared/seeds/(\w+\.txt)", seed["source"]).group(1)
    document = _normalise((SHARED_SEEDS / source).read_text(encoding="utf-8"))
    texts = [p["title"] for p in seed["priorities"] if p["kind"] not in {"oversight"}]
    texts += [r["risk"] for r in seed["risks"]] + [t["description"] for t in seed["targets"]]
    texts += [a for p in seed["priorities"] for a in p["aims"]]
    for text in texts:
        assert _normalise(text) in document, text
