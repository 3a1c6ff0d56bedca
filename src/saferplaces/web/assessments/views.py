"""Assessments in the application: the list, the form that starts a build, one assessment and its files.

Members of the partnership read; its analysts and administrators build. The build runs
in the background (:mod:`saferplaces.web.assessments.build`).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from saferplaces.errors import InputError
from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.models import Role
from saferplaces.web.accounts.permissions import _superuser, roles
from saferplaces.web.assessments.build import ASSESSMENT_BUILD, DEFAULT_FORMATS, assessments_dir
from saferplaces.web.assessments.compare import compare, load
from saferplaces.web.assessments.models import Assessment
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.work.jobs import start_job
from saferplaces.web.work.views import member_partnership

#: The policy the HTML report is served under: its own styles and data: images only.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
FORMAT_NAMES = {
    "html": "Web page (HTML)",
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "json": "JSON",
}


def can_build_assessment(user: Any, partnership: Partnership) -> bool:
    """Build an assessment: the partnership's analysts and administrators."""
    return _superuser(user) or bool(roles(user, partnership) & {Role.Name.ANALYST, Role.Name.ADMINISTRATOR})


class BuildForm(forms.Form):
    """Area, period and comparison, checked as ``saferplaces assess`` checks them."""

    area = forms.CharField(max_length=200, error_messages={"required": "Enter an area"})
    period = forms.CharField(max_length=100, error_messages={"required": "Enter a period"})
    compare = forms.ChoiceField(
        choices=[("previous", "The same months a year earlier"), ("none", "No comparison")],
        error_messages={"required": "Select a comparison", "invalid_choice": "Select a comparison"},
    )

    def clean_area(self) -> str:
        import duckdb

        from saferplaces.data.areas import resolve_area
        from saferplaces.data.geography import install_reference_tables

        con = duckdb.connect()
        try:
            install_reference_tables(con)
            return resolve_area(con, self.cleaned_data["area"]).code
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from None
        finally:
            con.close()

    def clean_period(self) -> str:
        from saferplaces.data.periods import parse_period

        text = self.cleaned_data["period"].strip()
        try:
            parse_period(text)
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from None
        return text


def _crumbs(partnership: Partnership, *, listing: bool = True) -> list[dict[str, str]]:
    crumbs = [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
    ]
    if listing:
        crumbs.append({"text": "Assessments", "href": reverse("assessments", args=[partnership.slug])})
    return crumbs


def _default_area(partnership: Partnership) -> str:
    # "Lichfield District" is held as "Lichfield" in the reference tables.
    words = partnership.area_name.split()
    return (
        " ".join(words[:-1])
        if len(words) > 1 and words[-1] in {"District", "Borough"}
        else partnership.area_name
    )


@require_safe
def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's assessments, newest first, with who built them and when."""
    partnership = member_partnership(request, slug)
    records = list(Assessment.objects.filter(partnership=partnership))
    earlier: dict[int, Assessment] = {}
    for record in records:
        # The next older build of the same area, to compare with.
        earlier_ones = [
            r for r in records if r.area_code == record.area_code and r.built_at < record.built_at
        ]
        if earlier_ones:
            earlier[record.pk] = earlier_ones[0]
    context = {
        "title": f"Strategic assessments – {partnership.name}",
        "partnership": partnership,
        "assessments": records,
        "earlier": earlier,
        "can_build": can_build_assessment(request.user, partnership),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership, listing=False),
    }
    return render(request, "assessments/list.html", context)


def assessment_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose area, period and comparison; the build runs in the background."""
    partnership = member_partnership(request, slug)
    if not can_build_assessment(request.user, partnership):
        return refuse(request)
    form = BuildForm(
        request.POST if request.method == "POST" else None,
        initial={"area": _default_area(partnership), "compare": "previous"},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        formats = list(getattr(settings, "SAFERPLACES_ASSESSMENT_FORMATS", DEFAULT_FORMATS))
        job = start_job(
            ASSESSMENT_BUILD,
            partnership,
            request.user,
            title=f"Build the strategic assessment of {request.POST.get('area', '').strip()} "
            f"for {data['period']}",
            params={
                "area": data["area"],
                "period": data["period"],
                "compare": data["compare"],
                "formats": formats,
            },
            back_url=reverse("assessments", args=[partnership.slug]),
            steps_total=2 + len(formats),
        )
        return redirect("job", partnership.slug, job.pk)
    context = {
        "title": ("Error: " if form.errors else "") + "Build a strategic assessment",
        "partnership": partnership,
        "form": form,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "assessments/new.html", context, status=400 if form.errors else 200)


@require_safe
def assessment_detail(request: HttpRequest, slug: str, assessment_id: int) -> HttpResponse:
    """One assessment: what was built, from what, by whom; its findings and its files."""
    partnership = member_partnership(request, slug)
    record = get_object_or_404(Assessment, pk=assessment_id, partnership=partnership)
    context = {
        "title": str(record),
        "partnership": partnership,
        "record": record,
        "files": [(fmt, FORMAT_NAMES.get(fmt, fmt)) for fmt in record.formats],
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "assessments/detail.html", context)


@require_safe
def assessment_file(request: HttpRequest, slug: str, assessment_id: int, fmt: str) -> FileResponse:
    """One of the assessment's report files, for the partnership's members."""
    partnership = member_partnership(request, slug)
    record = get_object_or_404(Assessment, pk=assessment_id, partnership=partnership)
    if fmt not in record.formats:
        raise Http404("No such file.")
    path = assessments_dir() / record.folder / f"assessment.{fmt}"
    if not path.is_file():
        raise Http404("The file is no longer held.")
    name = f"{partnership.slug}-assessment-{record.area_code}-v{record.version}.{fmt}"
    content_type = mimetypes.types_map.get(f".{fmt}", "application/octet-stream")
    if fmt != "html":
        return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    # The HTML report opens in the browser, as the CLI's report. It carries its own style sheet
    # (a <style> block) and its charts as data: images, so it gets a policy of its own that
    # allows those and nothing else: no script, no other request.
    response = FileResponse(path.open("rb"), filename=name, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPORT_POLICY
    return response


@require_safe
def assessment_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two builds of the same area side by side (``?first=ID&second=ID``), the earlier one first."""
    partnership = member_partnership(request, slug)
    ids = [request.GET.get("first", ""), request.GET.get("second", "")]
    if not all(i.isdigit() for i in ids):
        raise Http404("Choose two assessments to compare.")
    records = sorted(
        (get_object_or_404(Assessment, pk=int(i), partnership=partnership) for i in ids),
        key=lambda r: (r.period_label, r.built_at),
    )
    first, second = records
    problem = ""
    if first.area_code != second.area_code:
        problem = "These assessments are of different areas. Choose two assessments of the same area."
    data = [load(first), load(second)]
    if not problem and None in data:
        problem = "One of these assessments has no JSON file held. Build it again to compare it."
    context = {
        "title": f"Compare assessments – {first.area_name}",
        "partnership": partnership,
        "first": first,
        "second": second,
        "problem": problem,
        "comparison": None if problem else compare(data[0], data[1]),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "assessments/compare.html", context)
