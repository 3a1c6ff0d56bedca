"""Signing in and out through the real pages."""

from __future__ import annotations

import re

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in


def test_sign_in_and_sign_out(page, make_user, seeded) -> None:  # noqa: ANN001
    make_user("jo.bloggs", roles=[("lichfield", "lead_officer")])
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/sign-in/")
    sign_in(page, "jo.bloggs")
    page.wait_for_url(re.compile(r"/$"))  # LOGIN_REDIRECT_URL: the home page
    assert page.get_by_role("heading", level=1).inner_text() == "Safer Places"
    # A member sees the partnership's change history; it is not there for anyone else.
    assert page.goto("/partnerships/lichfield/history/").status == 200

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()
    assert page.get_by_text("Signed in as").count() == 0
    assert page.goto("/partnerships/lichfield/history/").status == 404


def test_sign_in_returns_to_the_page_asked_for(page, make_user, seeded) -> None:  # noqa: ANN001
    make_user("jo.bloggs", roles=[("lichfield", "analyst")])
    page.goto("/sign-in/?next=/partnerships/lichfield/history/")
    sign_in(page, "jo.bloggs")
    page.wait_for_url("**/partnerships/lichfield/history/")
    assert page.get_by_role("heading", level=1).inner_text() == "Change history"


def test_a_wrong_password_shows_an_error_summary(page, make_user) -> None:  # noqa: ANN001
    make_user("jo.bloggs")
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("jo.bloggs")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error: Sign in")
    link = summary.get_by_role("link", name=re.compile("Enter a correct username and password"))
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert page.get_by_text("Signed in as").count() == 0
    assert_accessible(page)


def test_empty_fields_are_named_in_the_error_summary(page, transactional_db) -> None:  # noqa: ANN001
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("There is a problem").wait_for()
    assert summary.get_by_role("link").all_inner_texts() == ["Enter your username", "Enter your password"]
    assert_accessible(page)
