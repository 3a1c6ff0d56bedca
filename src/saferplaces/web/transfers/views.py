"""Export and import pages; the work is done in ``exports``, ``imports`` and ``tables``.

An upload is checked, and its rows are kept in the server-side session (the browser
holds only the session's key) until the user confirms them. Confirming checks the
rows again against the plan as it is then and saves them only when the changes are
the ones the user was shown.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from saferplaces.web.accounts.permissions import can_edit_plan, can_view_plan
from saferplaces.web.plans.models import Plan
from saferplaces.web.plans.privacy import reader_is_public
from saferplaces.web.tables import MAX_UPLOAD_BYTES, Table
from saferplaces.web.transfers.exports import FORMATS, export_file, export_name
from saferplaces.web.transfers.forms import ImportForm
from saferplaces.web.transfers.imports import Check, Problem, check_and_apply, check_table
from saferplaces.web.transfers.kinds import KINDS
from saferplaces.web.work.jobs import start_job
from saferplaces.web.work.kinds import IMPORT

#: The most problems the error summary lists; the rest are counted.
MAX_PROBLEMS_LISTED = 50
#: The most changed rows the check page lists; the rest are counted.
MAX_ROWS_LISTED = 500


def _plan(slug: str, plan_slug: str) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("partnership"), partnership__slug=slug, slug=plan_slug
    )


def export(request: HttpRequest, slug: str, plan_slug: str, kind: str, fmt: str) -> HttpResponse:
    """A plan's actions, targets or risks as a CSV or XLSX download, for anyone who may see the plan."""
    plan = _plan(slug, plan_slug)
    if not can_view_plan(request.user, plan):
        raise Http404("No plan here.")
    public = reader_is_public(request.user, plan)
    response = HttpResponse(export_file(KINDS[kind], plan, fmt, public=public), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_name(KINDS[kind], plan, fmt)}"'
    return response


def _editable_plan(request: HttpRequest, slug: str, plan_slug: str) -> Plan | HttpResponse:
    """The plan, when the user may change it; a sign-in redirect, 404 or 403 otherwise."""
    plan = _plan(slug, plan_slug)
    if not can_view_plan(request.user, plan):
        # Not 403: a draft's existence is itself the partnership's unpublished data.
        raise Http404("No plan here.")
    if not can_edit_plan(request.user, plan):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("Only the partnership's administrators import into its plans.")
    return plan


def _pending_key(plan: Plan) -> str:
    return f"transfers:import:{plan.pk}"


def _done_key(plan: Plan) -> str:
    return f"transfers:done:{plan.pk}"


def _context(plan: Plan, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "plan": plan,
        "partnership": plan.partnership,
        "kinds": list(KINDS.values()),
        "nav_active": "partnerships",
        "breadcrumbs": [
            {"text": "Partnerships", "href": "/"},
            {"text": plan.partnership.name, "href": f"/partnerships/{plan.partnership.slug}/"},
            {"text": plan.title, "href": f"/partnerships/{plan.partnership.slug}/plans/{plan.slug}/"},
        ],
        **extra,
    }


def _upload_page(
    request: HttpRequest, plan: Plan, form: ImportForm, problems: tuple[Problem, ...] = (), status: int = 200
) -> HttpResponse:
    errors = bool(form.errors or problems)
    context = _context(
        plan,
        ("Error: " if errors else "") + "Import from a spreadsheet",
        form=form,
        problems=[str(p) for p in problems[:MAX_PROBLEMS_LISTED]],
        more_problems=max(0, len(problems) - MAX_PROBLEMS_LISTED),
        problem_count=len(problems),
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        done=None if errors else request.session.pop(_done_key(plan), None),
    )
    return render(request, "transfers/import.html", context, status=status)


def import_upload(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """Upload a file of actions, targets or risks; a file without problems goes on to the check page."""
    plan = _editable_plan(request, slug, plan_slug)
    if isinstance(plan, HttpResponse):
        return plan
    if request.method != "POST":
        return _upload_page(request, plan, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid() or form.table is None:
        return _upload_page(request, plan, form)
    kind = KINDS[form.cleaned_data["kind"]]
    check = check_table(kind, plan, form.table)
    if not check.ok:
        return _upload_page(request, plan, form, check.problems)
    request.session[_pending_key(plan)] = {
        "token": secrets.token_urlsafe(16),
        "kind": kind.name,
        "file_name": PurePath(form.cleaned_data["file"].name).name[:90],
        "table": form.table.as_json(),
        "digest": check.digest,
    }
    return redirect("import-check", plan.partnership.slug, plan.slug)


def _check_page(
    request: HttpRequest, plan: Plan, pending: dict[str, Any], check: Check, moved: bool = False
) -> HttpResponse:
    pending["digest"] = check.digest
    request.session.modified = True
    rows = sorted(check.added + check.changed, key=lambda row: row.row)
    context = _context(
        plan,
        "Check the changes before importing",
        check=check,
        kind=check.kind,
        file_name=pending["file_name"],
        token=pending["token"],
        rows=rows[:MAX_ROWS_LISTED],
        more_rows=max(0, len(rows) - MAX_ROWS_LISTED),
        moved=moved,
        notes=pending["table"].get("notes", []),
        background_rows=rows_held
        if (rows_held := len(pending["table"]["rows"])) > settings.BACKGROUND_IMPORT_ROWS
        else 0,
    )
    return render(request, "transfers/check.html", context)


def import_check(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """Show what the uploaded file would change; on confirmation, save it in one transaction."""
    plan = _editable_plan(request, slug, plan_slug)
    if isinstance(plan, HttpResponse):
        return plan
    pending = request.session.get(_pending_key(plan))
    if pending is None:
        return redirect("import", plan.partnership.slug, plan.slug)
    kind = KINDS[pending["kind"]]
    table = Table.from_json(pending["table"])
    if request.method != "POST":
        check = check_table(kind, plan, table)
    elif request.POST.get("token") != pending["token"]:
        # Another upload (in another tab) replaced the one this page showed: show that one.
        return redirect("import-check", plan.partnership.slug, plan.slug)
    elif len(table.rows) > settings.BACKGROUND_IMPORT_ROWS:
        # A large file is checked again and saved by the worker (issue #10), not in this request.
        del request.session[_pending_key(plan)]
        job = start_job(
            IMPORT,
            plan.partnership,
            request.user,
            title=f"Import {kind.name} from {pending['file_name']}",
            params={
                "plan_id": plan.pk,
                "kind": kind.name,
                "file_name": pending["file_name"],
                "table": pending["table"],
                "digest": pending["digest"],
            },
            back_url=reverse("import", args=[plan.partnership.slug, plan.slug]),
            steps_total=2,
        )
        return redirect("job", plan.partnership.slug, job.pk)
    else:
        check, applied = check_and_apply(
            kind, plan, table, request.user, via=f"import {pending['file_name']}", expected=pending["digest"]
        )
        if applied:
            del request.session[_pending_key(plan)]
            request.session[_done_key(plan)] = {
                "file_name": pending["file_name"],
                "kind": kind.name,
                "added": len(check.added),
                "changed": len(check.changed),
            }
            return redirect("import", plan.partnership.slug, plan.slug)
        if check.ok:
            # The plan changed since the check page was shown: show the changes as they are now.
            return _check_page(request, plan, pending, check, moved=True)
    if not check.ok:
        del request.session[_pending_key(plan)]
        return _upload_page(request, plan, ImportForm(), check.problems)
    return _check_page(request, plan, pending, check)
