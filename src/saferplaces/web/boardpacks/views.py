"""Board pack pages (issue 11, section 1): the list by quarter, building one, a pack, its asks, sign-off."""

from __future__ import annotations

import re

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from saferplaces.reports.board_pack import ASKS, render_pack_html
from saferplaces.web.accounts.access import refuse
from saferplaces.web.assessments.views import REPORT_CSP
from saferplaces.web.audit.trail import record
from saferplaces.web.boardpacks.access import can_build_pack, can_sign_off, member_partnership
from saferplaces.web.boardpacks.build import BOARD_PACK, STEPS, VIA_ASKS, pack_record
from saferplaces.web.boardpacks.forms import AsksForm, BuildForm
from saferplaces.web.boardpacks.models import BoardPack, BoardPackFile
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan
from saferplaces.web.projects.quarters import Quarter, quarter_of
from saferplaces.web.work.jobs import start_job

FILE_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "html": "HTML"}


def _crumbs(partnership: Partnership, *more: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
        {"text": "Board packs", "href": reverse("board-packs", args=[partnership.slug])},
        *more,
    ]


def _pack(partnership: Partnership, pack_id: int) -> BoardPack:
    return get_object_or_404(BoardPack.objects.select_related("plan"), pk=pack_id, partnership=partnership)


def quarters_for(plan: Plan, today: object) -> list[str]:
    """The quarters a pack may be built for: the plan's first quarter to the current one, newest first."""
    last = quarter_of(today)  # type: ignore[arg-type]
    q, out = Quarter(plan.start_year, 1), []
    while q <= last:
        out.append(q.label)
        q = q.next()
    return out[::-1]


@require_safe
def pack_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's board packs by plan and quarter, newest first."""
    partnership = member_partnership(request, slug)
    packs = list(BoardPack.objects.filter(partnership=partnership).select_related("plan").defer("content"))
    context = {
        "title": f"Board packs – {partnership.name}",
        "partnership": partnership,
        "packs": packs,
        "can_build": can_build_pack(request.user, partnership),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership)[:-1],
    }
    return render(request, "boardpacks/list.html", context)


def pack_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the plan and quarter; the pack is built in the background."""
    partnership = member_partnership(request, slug)
    if not can_build_pack(request.user, partnership):
        return refuse(request)
    plans = list(Plan.objects.filter(partnership=partnership).order_by("-start_year", "-id"))
    today = timezone.localdate()
    quarters = sorted({q for p in plans for q in quarters_for(p, today)}, reverse=True)
    chosen_plan = request.GET.get("plan") or (str(plans[0].pk) if plans else "")
    form = BuildForm(
        [(str(p.pk), p.title) for p in plans],
        quarters,
        request.POST if request.method == "POST" else None,
        initial={"plan": chosen_plan, "quarter": quarter_of(today).label},
    )
    if form.is_bound and form.is_valid():
        plan = next(p for p in plans if str(p.pk) == form.cleaned_data["plan"])
        label = form.cleaned_data["quarter"]
        quarter = Quarter(int(label[:4]), int(label[-1]))
        job = start_job(
            BOARD_PACK,
            partnership,
            request.user,
            title=f"Build the board pack for {label}: {plan.title}",
            params={"step": "build", "plan_id": plan.pk, "year": quarter.year, "quarter": quarter.number},
            back_url=reverse("board-packs", args=[partnership.slug]),
            steps_total=STEPS,
        )
        return redirect("job", slug=partnership.slug, job_id=job.pk)
    context = {
        "title": ("Error: " if form.errors else "") + "Build a board pack",
        "partnership": partnership,
        "form": form,
        "plans": plans,
        "quarters": quarters,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "boardpacks/new.html", context)


@require_safe
def pack_detail(request: HttpRequest, slug: str, pack_id: int) -> HttpResponse:
    """One pack: its status, exceptions and asks, downloads and the pack itself."""
    partnership = member_partnership(request, slug)
    pack = _pack(partnership, pack_id)
    formats = set(pack.files.values_list("format", flat=True))
    context = {
        "title": ("Draft: " if not pack.signed_off else "") + pack.content.get("title", str(pack)),
        "partnership": partnership,
        "pack": pack,
        "exceptions": pack.content.get("exceptions", []),
        "asks": ASKS,
        "files": [(f, FILE_NAMES[f]) for f in FILE_NAMES if f in formats],
        "can_edit": can_build_pack(request.user, partnership) and not pack.signed_off,
        "can_sign_off": can_sign_off(request.user, partnership) and not pack.signed_off,
        "flash": list(messages.get_messages(request)),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "boardpacks/detail.html", context)


@require_safe
@xframe_options_sameorigin
def pack_report(request: HttpRequest, slug: str, pack_id: int) -> HttpResponse:
    """The pack's HTML: a signed-off pack's file as written; a draft's drawn from its content as it is now."""
    partnership = member_partnership(request, slug)
    pack = _pack(partnership, pack_id)
    if pack.signed_off:
        body = bytes(get_object_or_404(BoardPackFile, pack=pack, format="html").content)
    else:
        body = render_pack_html(pack.content, draft=True).encode("utf-8")
    response = HttpResponse(body, content_type=BoardPackFile.CONTENT_TYPES["html"])
    response["Content-Security-Policy"] = REPORT_CSP
    return response


@require_safe
def pack_file(request: HttpRequest, slug: str, pack_id: int, fmt: str) -> HttpResponse:
    """One of the pack's files, as a download: for a signed-off pack, the bytes written at sign-off."""
    partnership = member_partnership(request, slug)
    pack = _pack(partnership, pack_id)
    if fmt not in BoardPackFile.CONTENT_TYPES:
        raise Http404("No such file.")
    file = get_object_or_404(BoardPackFile, pack=pack, format=fmt)
    response = HttpResponse(bytes(file.content), content_type=BoardPackFile.CONTENT_TYPES[fmt])
    name = re.sub(r"[^a-z0-9]+", "-", f"{partnership.slug} board pack {pack.quarter_label}".lower()).strip(
        "-"
    )
    draft = "" if pack.signed_off else "-draft"
    response["Content-Disposition"] = f'attachment; filename="{name}{draft}.{fmt}"'
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_CSP
    return response


def pack_asks(request: HttpRequest, slug: str, pack_id: int) -> HttpResponse:
    """Edit what the board is asked to do about each exception, before sign-off."""
    partnership = member_partnership(request, slug)
    pack = _pack(partnership, pack_id)
    if not can_build_pack(request.user, partnership):
        return refuse(request)
    if pack.signed_off:
        messages.error(request, "This pack is signed off: its asks no longer change.")
        return redirect("board-pack", slug=slug, pack_id=pack.pk)
    exceptions = pack.content.get("exceptions", [])
    form = AsksForm(exceptions, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            fresh = BoardPack.objects.select_for_update().get(pk=pack.pk)
            if fresh.signed_off:
                return redirect("board-pack", slug=slug, pack_id=pack.pk)
            before = pack_record(fresh)
            fresh.content = form.apply(fresh.content)
            fresh.save()
            record(request.user, fresh, before, pack_record(fresh), via=VIA_ASKS)
        start_job(
            BOARD_PACK,
            partnership,
            request.user,
            title=f"Write the draft board pack for {pack.quarter_label} again, with its asks",
            params={"step": "render", "pack_id": pack.pk},
            back_url=reverse("board-pack", args=[slug, pack.pk]),
            steps_total=STEPS,
        )
        messages.success(
            request,
            "Asks saved. The pack below shows them now; its PDF and Word files are being written again "
            "in the background.",
        )
        return redirect("board-pack", slug=slug, pack_id=pack.pk)
    context = {
        "title": ("Error: " if form.errors else "") + f"What the board is asked – {pack.quarter_label}",
        "partnership": partnership,
        "pack": pack,
        "form": form,
        "asks": list(ASKS.items()),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(
            partnership, {"text": pack.quarter_label, "href": reverse("board-pack", args=[slug, pack.pk])}
        ),
    }
    return render(request, "boardpacks/asks.html", context)


def pack_sign_off(request: HttpRequest, slug: str, pack_id: int) -> HttpResponse:
    """Confirm and sign the pack off: the final files are written in the background and the pack frozen."""
    partnership = member_partnership(request, slug)
    pack = _pack(partnership, pack_id)
    if not can_sign_off(request.user, partnership):
        return refuse(request)
    if pack.signed_off:
        return redirect("board-pack", slug=slug, pack_id=pack.pk)
    if request.method == "POST":
        job = start_job(
            BOARD_PACK,
            partnership,
            request.user,
            title=f"Sign off the board pack for {pack.quarter_label}",
            params={"step": "sign-off", "pack_id": pack.pk},
            back_url=reverse("board-pack", args=[slug, pack.pk]),
            steps_total=STEPS,
        )
        return redirect("job", slug=slug, job_id=job.pk)
    context = {
        "title": f"Sign off the board pack for {pack.quarter_label}",
        "partnership": partnership,
        "pack": pack,
        "exceptions": pack.content.get("exceptions", []),
        "asks": ASKS,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(
            partnership, {"text": pack.quarter_label, "href": reverse("board-pack", args=[slug, pack.pk])}
        ),
    }
    return render(request, "boardpacks/sign_off.html", context)
