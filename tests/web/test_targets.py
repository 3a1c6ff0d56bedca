"""Target pages: the list, one target with its chart and values, the value form and the refresh.

The store is the session-wide store of the 22 bundled police.uk months (tests/conftest.py).
"""

from __future__ import annotations

import io
from dataclasses import replace
from html import escape

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from scipy.stats import binomtest

from saferplaces.indicators import IMPROVING, NOT_ENOUGH, TargetStatus
from saferplaces.stats import change, proportion
from saferplaces.web.accounts.models import Role
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.performance.refresh import refresh_target, web_store
from saferplaces.web.performance.status import target_status
from saferplaces.web.plans.models import Plan
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import run_tasks
from tests.web.test_accessibility import assert_page_structure

pytestmark = pytest.mark.django_db

PLAN_URL = "/partnerships/east-staffordshire/plans/2018-2021/"
LIST_URL = PLAN_URL + "targets/"
ASB_QUERY = {"area": "E07000193", "crime_types": ["Anti-social behaviour"], "grain": "financial-year"}


@pytest.fixture
def world(settings, bundled_store) -> dict[str, object]:
    """The seed plans, the bundled store as the web app's store, and one user per role."""
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    load_seed_plans()
    es = Partnership.objects.get(slug="east-staffordshire")
    users = {}
    for role in (Role.Name.ADMINISTRATOR, Role.Name.ANALYST, Role.Name.BOARD_MEMBER):
        users[role] = User.objects.create_user(username=role, password="x")
        Role.objects.create(user=users[role], partnership=es, name=role)
    targets = {t.description: t for t in Target.objects.filter(plan__partnership=es)}
    return {"users": users, "targets": targets, "plan": es.plans.get()}


def url(target: Target, suffix: str = "") -> str:
    return f"{LIST_URL}{target.pk}/{suffix}"


def make_store_query(target: Target) -> Target:
    target.source = Target.Source.STORE
    target.query = ASB_QUERY
    target.full_clean()
    target.save()
    return target


# -- models -------------------------------------------------------------------------------------


def test_seeds_stay_as_transcribed(world):
    assert {t.source for t in world["targets"].values()} == {Target.Source.MANUAL}
    values = TargetValue.objects.filter(target__plan=world["plan"])
    assert {v.source for v in values} == {TargetValue.Source.ENTERED}
    assert not values.filter(value__isnull=False).exists()


@pytest.mark.parametrize(
    ("source", "query", "message"),
    [
        ("store", {}, "no query"),
        ("store", {"area": "E07000193", "crime_types": ["Mugging"]}, "not a police.uk crime type"),
        ("store", {"area": "Atlantis"}, "No force, district, CSP or ward is called 'Atlantis'"),
        ("manual", {"area": "E07000193"}, "Remove the query"),
    ],
)
def test_query_is_checked_on_clean(world, source, query, message):
    target = world["targets"]["Reduced ASB incidents"]
    target.source, target.query = source, query
    with pytest.raises(ValidationError, match=message):
        target.full_clean()


def test_query_is_tidied_and_checked_on_save(world):
    target = world["targets"]["Reduced ASB incidents"]
    target.source = Target.Source.STORE
    target.query = {"area": "E07000193", "crime_types": ["anti-social behaviour"]}
    target.save()
    target.refresh_from_db()
    assert target.query == {**ASB_QUERY, "crime_types": ["Anti-social behaviour"], "measure": "count"}
    target.query = {"area": "E07000193", "grain": "week"}
    with pytest.raises(ValidationError):
        target.save()


# -- the value form -----------------------------------------------------------------------------


def test_an_analyst_adds_a_count_and_the_status_is_tested(client, world):
    target = world["targets"]["Reduced ASB incidents"]
    client.force_login(world["users"]["analyst"])
    response = client.post(url(target), {"period": "2019/20", "value": "3100", "note": "Police BRAIN"})
    assert response.status_code == 302
    row = target.values.get(period="2019/20")
    # The plan's empty 2019/20 cell is the row corrected: one entered value per period.
    assert (row.value, row.source, row.note) == (3100, TargetValue.Source.ENTERED, "Police BRAIN")
    entry = AuditEntry.objects.get(model="performance.targetvalue")
    assert (entry.kind, entry.via, entry.user) == (
        AuditEntry.Kind.CHANGED,
        "target value form",
        world["users"]["analyst"],
    )
    status = target_status(Target.objects.get(pk=target.pk))
    assert status.status == IMPROVING and status.p == change(3100, 3502).p
    assert status.sentence == "The value fell 11% from 2018 to 2019/20; this is a real fall (p < 0.001)."
    html = client.get(url(target)).content.decode()
    assert "The value for 2019/20 was corrected." in html
    assert escape(status.sentence) in html and "Exact test of two Poisson counts" in html
    # the method text states the registry's values (saferplaces.defaults)
    assert "With 12 or more periods in a row" in html and "(at the 5% level)" in html


def test_a_survey_result_gets_a_wilson_interval(client, world):
    target = world["targets"]["Increased feelings of safety"]
    client.force_login(world["users"]["administrator"])
    response = client.post(url(target), {"period": "2019/20", "numerator": "850", "sample_size": "1000"})
    assert response.status_code == 302
    row = target.values.get(period="2019/20")
    assert (row.numerator, row.sample_size, float(row.value)) == (850, 1000, 85.0)
    p = proportion(850, 1000, per=100)
    html = client.get(url(target)).content.decode()
    assert "85.0% (850 of 1,000)" in html and f"{p.lower:.1f}% to {p.upper:.1f}%" in html
    status = target_status(Target.objects.get(pk=target.pk))
    assert status.status == IMPROVING and "baseline of 81%" in status.sentence


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Enter a period", "Enter a value, or a number and sample size"]),
        ({"period": "next year", "value": "1"}, ["Enter the period like 2024/25, 2024/25 Q1 or March 2025"]),
        ({"period": "2019/20", "value": "lots"}, ["Value must be a number, like 3502 or 81.5"]),
        (
            {"period": "2019/20", "numerator": "90", "sample_size": "80"},
            ["Number who gave the answer must be no more than the sample size"],
        ),
        (
            {"period": "2019/20", "value": "85", "numerator": "85", "sample_size": "100"},
            ["Enter a value, or a number and sample size, not both"],
        ),
        ({"period": "2019/20", "numerator": "85"}, ["Enter the sample size"]),
        ({"period": "2019/20", "sample_size": "0", "numerator": "0"}, ["Sample size must be 1 or more"]),
    ],
)
def test_form_errors_save_nothing(client, world, data, errors):
    target = world["targets"]["Reduced ASB incidents"]
    client.force_login(world["users"]["analyst"])
    before = list(TargetValue.objects.values_list("id", "value", "numerator"))
    response = client.post(url(target), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "There is a problem" in html and "<title>Error: Reduced ASB incidents – Safer Places</title>" in html
    )
    for error in errors:
        assert error in html
    assert 'href="#id_' in html
    assert list(TargetValue.objects.values_list("id", "value", "numerator")) == before
    assert not AuditEntry.objects.exists()
    assert_page_structure(html, url(target))


def test_a_survey_target_needs_the_sample(client, world):
    target = world["targets"]["Increased feelings of safety"]
    target.source = Target.Source.SURVEY
    target.save()
    client.force_login(world["users"]["analyst"])
    html = client.post(url(target), {"period": "2019/20", "value": "85"}).content.decode()
    assert "Enter the number who gave the answer" in html and "Enter the sample size" in html


# -- the data store -----------------------------------------------------------------------------


def test_refresh_adds_computed_rows_and_never_touches_entered_ones(client, world):
    target = make_store_query(world["targets"]["Reduced ASB incidents"])
    entered_before = list(target.values.values_list("id", "period", "value", "note"))
    client.force_login(world["users"]["analyst"])
    response = client.post(url(target, "refresh/"))
    # The refresh runs in the background: the user is sent to the task's page, which follows it.
    assert response.status_code == 302 and "/tasks/" in response["Location"]
    waiting = client.get(response["Location"]).content.decode()
    assert "saferplaces/job-progress.js" in waiting  # the page follows the task's progress
    assert "Waiting for the worker to start this task." in waiting
    assert not target.values.filter(source=TargetValue.Source.COMPUTED).exists()
    run_tasks()
    done = client.get(response["Location"]).content.decode()
    assert "job-progress.js" not in done and "5 added, 0 changed, 0 removed, 0 unchanged" in done
    assert f'href="{url(target)}"' in done
    computed = {v.period: v for v in target.values.filter(source=TargetValue.Source.COMPUTED)}
    assert list(computed) == ["2017/18", "2018/19", "2023/24", "2024/25", "2025/26"]
    # each computed value records the store snapshot it was counted from (#13)
    assert {v.store_snapshot_id for v in computed.values()} == {web_store().snapshot().id} != {None}
    assert computed["2025/26"].detail["months_in_period"] == 12
    assert len(computed["2025/26"].detail["monthly"]) == 9
    assert computed["2025/26"].note == "9 of 12 months (April 2025 to December 2025)"
    assert (
        list(
            target.values.filter(source=TargetValue.Source.ENTERED).values_list(
                "id", "period", "value", "note"
            )
        )
        == entered_before
    )
    entries = AuditEntry.objects.filter(model="performance.targetvalue")
    assert entries.count() == 5 and {e.via for e in entries} == {"refresh from the data store"}
    html = client.get(url(target)).content.decode()
    assert "Anti-social behaviour in East Staffordshire, by financial year" in html
    assert "comparing the months both hold (October, November and December)" in html
    assert "real fall (p &lt; 0.001)" in html
    assert "<svg" in html and 'role="img"' in html and "Line chart of the values of" in html
    assert_page_structure(html, url(target))
    # Again: nothing changes, nothing is recorded.
    assert refresh_target(Target.objects.get(pk=target.pk)).unchanged == 5
    assert AuditEntry.objects.filter(model="performance.targetvalue").count() == 5
    # The plan page still shows the plan's own (empty) 2018/19 figure for the target.
    plan_html = client.get(PLAN_URL).content.decode()
    assert f'href="{url(target)}"' in plan_html


def test_status_of_a_store_query_uses_store_values_only(world):
    target = make_store_query(world["targets"]["Reduced ASB incidents"])
    assert target_status(target).status == NOT_ENOUGH
    refresh_target(target)
    status = target_status(Target.objects.get(pk=target.pk))
    assert status.status == IMPROVING
    assert status.p == change(97 + 118 + 75, 266 + 238 + 252).p
    assert any("not tested against data store counts" in a for a in status.assumptions)


def test_refresh_with_an_empty_store_saves_nothing(client, world, settings, tmp_path):
    settings.ENV = replace(settings.ENV, store_dir=tmp_path / "empty")
    target = make_store_query(world["targets"]["Reduced ASB incidents"])
    client.force_login(world["users"]["administrator"])
    job_url = client.post(url(target, "refresh/"))["Location"]
    run_tasks()
    html = client.get(job_url).content.decode()
    assert "The store holds no police.uk data for East Staffordshire." in html
    assert "The task did not finish" in html and "Nothing was saved." in html
    assert not target.values.filter(source=TargetValue.Source.COMPUTED).exists()
    assert not AuditEntry.objects.exists()


def test_management_commands(world, bundled_store):
    target = world["targets"]["Reduced ASB incidents"]
    out = io.StringIO()
    call_command(
        "define_target_query",
        str(target.pk),
        "--area",
        "East Staffordshire",
        "--crime-type",
        "Anti-social behaviour",
        stdout=out,
    )
    assert "is now a data store query" in out.getvalue()
    call_command(
        "refresh_targets",
        "--plan",
        "east-staffordshire/2018-2021",
        "--store",
        str(bundled_store.root),
        stdout=out,
    )
    assert "5 added" in out.getvalue()
    assert AuditEntry.objects.filter(via="refresh_targets command").count() == 5
    with pytest.raises(CommandError, match="not a police.uk crime type"):
        call_command("define_target_query", str(target.pk), "--area", "E07000193", "--crime-type", "Mugging")
    with pytest.raises(CommandError, match="No target"):
        call_command("refresh_targets", "--plan", "lichfield/2022-2025")


# -- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_form"),
    [("anonymous", False), ("board_member", False), ("analyst", True), ("administrator", True)],
)
def test_who_sees_the_form_and_the_refresh_button(client, world, persona, sees_form):
    target = make_store_query(world["targets"]["Reduced ASB incidents"])
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    response = client.get(url(target))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Add or correct a value" in html) is sees_form
    assert (f'action="{url(target, "refresh/")}"' in html) is sees_form
    assert_page_structure(html, url(target))


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_others_may_not_post(client, world, persona):
    target = make_store_query(world["targets"]["Reduced ASB incidents"])
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    assert client.post(url(target), {"period": "2019/20", "value": "1"}).status_code == 403
    assert client.post(url(target, "refresh/")).status_code == 403
    assert not target.values.filter(value__isnull=False).exists()
    assert not AuditEntry.objects.exists()


def test_a_draft_plans_targets_are_hidden(client, world):
    plan = world["plan"]
    plan.status = Plan.Status.DRAFT
    plan.save()
    target = world["targets"]["Reduced ASB incidents"]
    assert client.get(LIST_URL).status_code == 404
    assert client.get(url(target)).status_code == 404
    client.force_login(world["users"]["board_member"])
    assert client.get(url(target)).status_code == 200


def test_a_target_of_another_plan_is_not_found(client, world):
    lichfield = Plan.objects.get(partnership__slug="lichfield")
    target = Target.objects.create(plan=lichfield, description="Elsewhere")
    assert client.get(url(target)).status_code == 404


def test_the_list_page(client, world):
    target = make_store_query(world["targets"]["Reduced ASB incidents"])
    refresh_target(target)
    html = client.get(LIST_URL).content.decode()
    assert f'href="{url(target)}"' in html
    assert "989 (2025/26)" in html and "9 of 12 months" in html
    assert html.count('<strong class="govuk-tag') == len(world["targets"])
    assert "Improving" in html and "Not enough data" in html


def test_target_status_is_there_for_every_target(world):
    for target in world["targets"].values():
        assert isinstance(target_status(target), TargetStatus)


def test_xmr_flags_are_ringed_on_the_chart_with_their_rule(client, world):
    # Twelve months in a row (DEFAULTS.xmr_min_points) use the XmR chart (#14): a steady fall is a
    # trend, named on the page.
    from saferplaces.stats import rule_words

    target = world["targets"]["Reduced ASB incidents"]
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
    months += ["October", "November", "December"]
    values = [400, 390, 381, 370, 362, 350, 341, 330, 322, 311, 303, 290]
    for month, value in zip(months, values, strict=True):
        TargetValue.objects.create(target=target, period=f"{month} 2024", value=value)
    status = target_status(Target.objects.get(pk=target.pk))
    assert [period for period, _ in status.flags] == [f"{m} 2024" for m in months]
    assert all("trend" in rules for _, rules in status.flags)
    client.force_login(world["users"]["analyst"])
    html = client.get(url(target)).content.decode()
    last_period, last_rules = status.flags[-1]
    assert "Ringed points show special-cause variation on the XmR chart" in html
    assert str(escape(f"{last_period} ({rule_words(last_rules)})")) in html
    assert status.status.text in html


@pytest.mark.parametrize(
    ("kind", "unit", "method"),
    [
        (Target.Kind.COUNT, "incidents", "Exact test of two Poisson counts"),
        # "12 per 1,000" was taken as a count before kinds: a rate has no count behind it.
        (Target.Kind.RATE, "per 1,000", "None"),
        (Target.Kind.PERCENTAGE, "%", "None"),
    ],
)
def test_the_kind_decides_the_test(world, kind, unit, method) -> None:
    plan = world["plan"]
    target = Target.objects.create(
        plan=plan, description="Test", kind=kind, unit=unit, direction="reduce", baseline_period="2022/23"
    )
    TargetValue.objects.create(target=target, period="2022/23", value=120)
    TargetValue.objects.create(target=target, period="2024/25", value=60)
    status = target_status(Target.objects.get(pk=target.pk))
    assert status.method == method
    if kind == Target.Kind.COUNT:
        # the exact conditional test, written out: 60 of 180 events under a fair split
        assert status.p == pytest.approx(binomtest(60, 180, 0.5).pvalue, rel=1e-9)


def test_kinds_are_inferred_for_targets_saved_without_one(world) -> None:
    plan = world["plan"]
    made = {
        unit: Target.objects.create(plan=plan, description=unit or "blank", unit=unit).kind
        for unit in ("%", "per 1,000 residents", "incidents", "")
    }
    assert made == {"%": "percentage", "per 1,000 residents": "rate", "incidents": "count", "": "count"}


def test_a_short_series_names_its_run_chart_on_the_page(client, world):
    # Eight months, too few for XmR limits (#14): 5, 4, 6, 5, 12, 13, 14, 15 rise from April to
    # August four steps in a row, a trend of 5 (worked by hand in tests/indicators/test_status.py).
    target = world["targets"]["Reduced ASB incidents"]
    months = ["January", "February", "March", "April", "May", "June", "July", "August"]
    for month, value in zip(months, [5, 4, 6, 5, 12, 13, 14, 15], strict=True):
        TargetValue.objects.create(target=target, period=f"{month} 2024", value=value)
    html = client.get(url(target)).content.decode()
    assert "Chart: Run chart; flagged points: April 2024 (a trend" in html
    assert "Ringed points show special-cause variation on the run chart: April 2024 (a trend" in html


def test_a_standardised_rate_is_entered_with_its_limits_and_tested_from_them(client, world):
    """A health partner's DSRs with limits and events (#14); p worked by hand (Altman and Bland)."""
    import math

    target = Target.objects.create(
        plan=world["plan"],
        description="Hospital admissions for violence",
        kind=Target.Kind.STANDARDISED,
        unit="per 100,000",
        direction="reduce",
        baseline_period="2022/23",
    )
    client.force_login(world["users"]["analyst"])
    html = client.get(url(target)).content.decode()
    assert 'name="lower"' in html and 'name="events"' in html and 'name="sample_size"' not in html
    assert_page_structure(html, url(target))
    # The limits are needed, and must hold the rate.
    response = client.post(url(target), {"period": "2022/23", "value": "80"})
    assert response.status_code == 400 and not target.values.exists()
    assert "Enter the lower 95% limit" in response.content.decode()
    response = client.post(
        url(target), {"period": "2022/23", "value": "80", "lower": "81", "upper": "94", "events": "180"}
    )
    assert response.status_code == 400 and "must be no more than the rate" in response.content.decode()
    for period, value, lower, upper, events in (("2022/23", 80, 68, 94, 180), ("2023/24", 60, 50, 72, 130)):
        data = {"period": period, "value": value, "lower": lower, "upper": upper, "events": events}
        assert client.post(url(target), data).status_code == 302
    row = target.values.get(period="2023/24")
    assert row.detail == {"lower": 50.0, "upper": 72.0, "events": 130}
    status = target_status(Target.objects.get(pk=target.pk))
    z = 2 * 1.959963984540054
    se = math.hypot(math.log(94 / 68) / z, math.log(72 / 50) / z)
    p = math.erfc(abs(math.log(60 / 80) / se) / math.sqrt(2))
    assert status.status == IMPROVING and status.p == pytest.approx(p, rel=1e-9)
    html = client.get(url(target)).content.decode()
    assert "Ratio of two directly standardised rates" in html
    assert "60 (130 events)" in html and "50.0 to 72.0" in html


def test_the_baseline_names_its_period_once(client, world):
    plan = world["plan"]
    said = Target.objects.create(
        plan=plan,
        description="Said",
        unit="cases",
        baseline_text="150 cases in 2024/25",
        baseline_period="2024/25",
    )
    bare = Target.objects.create(
        plan=plan, description="Bare", unit="cases", baseline_value=150, baseline_period="2024/25"
    )
    client.force_login(world["users"]["analyst"])
    said_html = client.get(url(said)).content.decode()
    assert "150 cases in 2024/25" in said_html and "150 cases in 2024/25 (2024/25)" not in said_html
    bare_html = client.get(url(bare)).content.decode()
    assert "150 (2024/25)" in bare_html and "150.000" not in bare_html
