"""Pages work in the browser under the Content-Security-Policy (issue #13).

The ``context`` fixture fails a test on any message that the policy blocked something, so
every browser test checks the policy; these visit the pages with scripts, charts and bars.
"""

from __future__ import annotations

from saferplaces.web.performance.models import Target
from tests.e2e.conftest import PASSWORD, sign_in


def test_govuk_frontend_starts_under_the_policy(page, make_user) -> None:  # noqa: ANN001
    make_user("jo")
    response = page.goto("/sign-in/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    # The hash-allowed inline script ran, and init.js started the components: the password
    # input's Show button exists only once GOV.UK Frontend's JavaScript has run.
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes
    page.get_by_role("button", name="Show password").wait_for()
    sign_in(page, "jo")


def test_dashboard_bars_and_target_chart_draw_under_the_policy(page, seeded, make_user) -> None:  # noqa: ANN001
    make_user(
        "board",
        roles=[
            (slug, "board_member")
            for slug in ("lichfield", "stafford", "staffordshire", "east-staffordshire")
        ],
    )
    sign_in(page, "board")
    page.goto("/partnerships/lichfield/dashboard/")
    bar = page.locator("svg.sp-bar").first
    assert bar.bounding_box()["width"] > 100
    assert bar.locator("rect").count() >= 2
    target = Target.objects.filter(values__isnull=False).select_related("plan__partnership").first()
    plan = target.plan
    page.goto(f"/partnerships/{plan.partnership.slug}/plans/{plan.slug}/targets/{target.pk}/")
    page.locator("main h1").wait_for()


def test_the_admin_works_under_the_policy(page, make_user) -> None:  # noqa: ANN001
    make_user("root", superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Audit entries").click()
    page.locator("#changelist").wait_for()
