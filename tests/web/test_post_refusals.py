"""Every view that takes a POST refuses a signed-out user and a user with no role (issue #13).

The views are found by walking Django's URL resolver, not listed by hand, so a new view is
covered as soon as its URL is added. Each URL's arguments come from a published Lichfield
plan and its records; a URL argument this file cannot fill fails the test (add it to
``_arguments``) rather than leaving the view out.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from saferplaces.web.accounts.models import Role
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.performance.models import Target
from saferplaces.web.plans.models import Action, Plan, Priority, ProgressUpdate, Risk
from saferplaces.web.projects.models import Project
from saferplaces.web.public.models import HelpLink
from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db

#: URL names open to everyone by design: signing in and out, and resetting a password.
OPEN = {
    "sign-in",
    "sign-out",
    "password-reset",
    "password-reset-sent",
    "password-reset-confirm",
    "password-reset-complete",
    "invitation",  # checks its own one-time token
}
#: Django's admin has its own sign-in and staff check, tested in Django itself.
SKIPPED_NAMESPACES = {"admin"}


def _takes_post(callback: object, url: str, admin: Client) -> bool:
    """Whether the view handles POST: a class-based view with ``post``, a function that reads
    ``request.POST`` or ``request.method``, or a page that (to a superuser) has a form posting to itself."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    func = inspect.unwrap(callback)
    while isinstance(func, functools.partial):  # django-ninja's views are partials
        func = inspect.unwrap(func.func)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        source = ""  # no source to read: the page's forms decide
    if "POST" in source or "request.method" in source:
        return True
    page = admin.get(url)
    forms = (
        re.findall(r"<form\b[^>]*>", page.content.decode(errors="replace")) if page.status_code == 200 else []
    )
    return any(
        re.search(r'method="post"', form, re.I)
        and re.search(rf'action="({re.escape(url)})?"', form) is not None
        or (re.search(r'method="post"', form, re.I) and "action=" not in form)
        for form in forms
    )


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = "", args: tuple[str, ...] = ()
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(name with its namespace, route, URL arguments) of every named URL under the resolver."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            inner = (f"{namespace}:{entry.namespace}" if namespace else entry.namespace) or namespace
            more = tuple(entry.pattern.regex.groupindex)
            yield from _patterns(entry, prefix + str(entry.pattern), inner, args + more)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), args + tuple(entry.pattern.regex.groupindex)


def _arguments(slug: str) -> dict[str, object]:
    """Example URL arguments from one partnership's seed plan and its first records.

    Jobs, assessments and board packs are not in the seed plans: their ids name no record, so those views
    answer 404, which is a refusal too (their role checks are in test_permissions.py).
    """
    plan = Plan.objects.get(partnership__slug=slug)
    priority = Priority.objects.filter(plan=plan).first()
    first = {
        "action_id": Action.objects.filter(priority__plan=plan).first(),
        "risk_id": Risk.objects.filter(plan=plan).first(),
        "target_id": Target.objects.filter(plan=plan).first(),
        "project_id": Project.objects.filter(partnership=plan.partnership).first(),
        "priority_id": priority,
        "record_id": priority,
    }
    found = {name: record.pk for name, record in first.items() if record is not None}
    user, _ = User.objects.get_or_create(username="someone")
    role, _ = Role.objects.get_or_create(user=user, partnership=plan.partnership, name="analyst")
    found["role_id"] = role.pk
    # the residents' site's administrator pages (issue 12): a help link and a progress update
    link, _ = HelpLink.objects.get_or_create(partnership=plan.partnership, help_name="Help", help_phone="101")
    found["link_id"] = link.pk
    action = first["action_id"]
    if action is not None:
        update = ProgressUpdate.objects.filter(action=action).first() or ProgressUpdate.objects.create(
            action=action, date="2026-01-05", text="An update"
        )
        found["update_id"] = update.pk
    return {
        "slug": slug,
        "plan_slug": plan.slug,
        "kind": "actions",
        "fmt": "csv",
        "section": "priorities",
        "user_id": user.pk,
        "job_id": 999999,
        "assessment_id": 999999,
        "year": plan.year,
        "pack_id": 999999,
        **found,
    }


#: The seed plans hold actions in Lichfield's plan, and risks, targets and projects in East
#: Staffordshire's: each URL takes its arguments from the first of these that has them all.
_PARTNERSHIPS = ("east-staffordshire", "lichfield")


def _snapshot() -> tuple[int, ...]:
    """Counts that any change through a view moves: audit entries and the records they describe."""
    from django.apps import apps

    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label.startswith(("plans", "projects", "performance", "public"))
    ]
    return (AuditEntry.objects.count(), *(m.objects.count() for m in models))


def _users() -> dict[str, Client]:
    nobody = Client()
    user, _ = User.objects.get_or_create(username="no-role")
    nobody.force_login(user)
    return {"signed out": Client(), "signed in with no role": nobody}


def test_every_post_view_refuses_signed_out_and_no_role_users() -> None:
    load_seed_plans()
    worlds = [_arguments(slug) for slug in _PARTNERSHIPS]
    routes = sorted(set(_patterns(get_resolver())))
    assert len(routes) >= 15, routes  # the walk found the app's URLs
    checked = []
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="a long password 123"))
    for name, route, pattern in routes:
        if name.rsplit(":", 1)[-1] in OPEN:
            continue
        world = next((w for w in worlds if all(arg in w for arg in pattern)), None)
        assert world is not None, f"{name} ({route}) takes {pattern}: add an example to _arguments()"
        url = reverse(name, kwargs={arg: world[arg] for arg in pattern})
        takes_post = _takes_post(resolve(url).func, url, admin)
        for who, client in _users().items():
            before = _snapshot()
            response = client.post(url, {"title": "x", "value": "1", "period": "2024"})
            after = _snapshot()
            assert after == before, f"POST {url} as {who} changed something"
            status = response.status_code
            if not takes_post:
                continue  # a page that ignores POST: it changed nothing, which is all that matters
            to_sign_in = status == 302 and response["Location"].startswith(reverse("sign-in"))
            assert to_sign_in or status in (403, 404, 405), (
                f"POST {url} ({name}) as {who} answered {status}; a refusal is a redirect to sign in, "
                "403, 404 or 405"
            )
            checked.append(name)
    assert {"action-update", "risk-new", "risk-edit", "target", "return-new", "import"} <= set(checked)
    assert {
        "public-site-contact",
        "public-site-help-new",
        "public-site-help-remove",
        "public-site-update",
    } <= set(checked)


def test_the_walk_finds_a_url_added_later() -> None:
    """The walk reads the resolver itself: a pattern in any included app shows up."""
    names = {name.rsplit(":", 1)[-1] for name, _, _ in _patterns(get_resolver())}
    assert {"home", "plan", "risk-edit", "history", "export", "password-reset"} <= names
    assert not any(name.startswith("admin") for name in names)
