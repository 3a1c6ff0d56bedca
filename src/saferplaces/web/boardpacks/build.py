"""The background work of board packs: build a draft, remake a draft's files, sign a pack off.

One runner (``board-pack``) with three steps, as ``params["step"]`` says: ``build`` gathers
the pack's facts from the plan and the store and writes the draft's files; ``render``
writes a draft's files again after its asks were edited; ``sign-off`` writes the final files
(no "Draft" marks) and freezes the pack. Each reads first and saves in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from saferplaces.errors import InputError
from saferplaces.reports.board_pack import FORMATS, write_pack
from saferplaces.web.audit.trail import display_name, record
from saferplaces.web.boardpacks.gather import gather
from saferplaces.web.boardpacks.models import BoardPack, BoardPackFile
from saferplaces.web.performance.refresh import web_store
from saferplaces.web.plans.models import Plan
from saferplaces.web.projects.quarters import Quarter
from saferplaces.web.work.jobs import Outcome, Progress, Save, runner
from saferplaces.web.work.models import Job

BOARD_PACK = "board-pack"
#: Steps the progress page counts for a build: gathering, one per format, saving.
STEPS = 2 + len(FORMATS)
VIA_BUILD = "board pack built"
VIA_ASKS = "board pack asks edited"
VIA_SIGN_OFF = "board pack signed off"


def content_digest(content: dict[str, Any]) -> str:
    """A digest of a pack's content: a file written from other content is out of date."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def pack_record(pack: BoardPack) -> dict[str, Any]:
    """What the audit trail keeps of a pack: quarter, status, asks and who signed it off (not figures)."""
    return {
        "quarter": pack.quarter_label,
        "status": pack.status,
        "snapshot_id": pack.snapshot_id,
        "asks": {
            e["id"]: [e.get("ask", ""), e.get("ask_text", "")] for e in pack.content.get("exceptions", [])
        },
        "signed_off_by": pack.signed_off_by_name,
    }


def _render(
    content: dict[str, Any], draft: bool, progress: Progress | None, first_step: int
) -> dict[str, bytes]:
    done = [first_step]

    def step(fmt: str) -> None:
        if progress:
            progress(done[0], STEPS, f"Writing the pack as {fmt.upper()}")
        done[0] += 1

    return write_pack(content, draft=draft, progress=step)


def save_files(pack: BoardPack, files: dict[str, bytes]) -> None:
    """Replace a draft's files with ``files`` (call inside a transaction)."""
    digest = content_digest(pack.content)
    pack.files.all().delete()
    for fmt, data in files.items():
        BoardPackFile.objects.create(
            pack=pack,
            format=fmt,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            content_sha256=digest,
        )


def build_pack(
    plan: Plan,
    quarter: Quarter,
    user: Any = None,
    job: Job | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], dict[str, bytes], Save]:
    """Gather and write a draft pack of ``plan`` for ``quarter``: its content, files and saving step."""
    if BoardPack.objects.filter(
        plan=plan, year=quarter.year, quarter=quarter.number, status=BoardPack.Status.SIGNED_OFF
    ).exists():
        raise InputError(
            f"The board pack for {quarter.label} is already signed off, so no new draft is built.",
            "Read the signed-off pack, or build the pack for another quarter.",
        )
    now = now or timezone.localtime()
    if progress:
        progress(0, STEPS, f"Gathering {plan.title} for {quarter.label}")
    content = gather(plan, quarter, web_store(), now)
    draft = BoardPack.objects.filter(
        plan=plan, year=quarter.year, quarter=quarter.number, status=BoardPack.Status.DRAFT
    ).first()
    if draft is not None:
        # A new draft keeps the asks the administrator wrote for exceptions it lists again.
        asks = {e["id"]: e for e in draft.content.get("exceptions", [])}
        for e in content["exceptions"]:
            if e["id"] in asks:
                e["ask"], e["ask_text"] = asks[e["id"]]["ask"], asks[e["id"]]["ask_text"]
    files = _render(content, True, progress, 1)

    def save() -> Outcome:
        old = BoardPack.objects.filter(
            plan=plan, year=quarter.year, quarter=quarter.number, status=BoardPack.Status.DRAFT
        ).first()
        if old is not None:
            before = pack_record(old)
            old.content = content
            old.snapshot_id = content["snapshot_id"]
            old.generated_at, old.generated_by_name, old.job = now, display_name(user), job
            old.save()
            pack = old
        else:
            before = None
            pack = BoardPack.objects.create(
                partnership=plan.partnership,
                plan=plan,
                year=quarter.year,
                quarter=quarter.number,
                content=content,
                snapshot_id=content["snapshot_id"],
                generated_at=now,
                generated_by_name=display_name(user),
                job=job,
            )
        save_files(pack, files)
        record(user, pack, before, pack_record(pack), via=VIA_BUILD)
        url = reverse("board-pack", args=[plan.partnership.slug, pack.pk])
        n = len(content["exceptions"])
        text = (
            f"Built the draft board pack for {quarter.label} as HTML, PDF and Word, with "
            f"{n} {'exception' if n == 1 else 'exceptions'}."
        )
        return Outcome(text, url, "See the board pack", content["snapshot_id"])

    return content, files, save


def _pack(job: Job) -> BoardPack:
    pack = (
        BoardPack.objects.select_related("plan__partnership")
        .filter(pk=job.params.get("pack_id"), partnership=job.partnership)
        .first()
    )
    if pack is None:
        raise InputError(
            "The board pack this work was for is no longer held.", "Start again from the board packs page."
        )
    return pack


@runner(BOARD_PACK)
def board_pack_runner(job: Job, progress: Progress) -> Save:
    """Build, remake or sign off a board pack, as ``job.params["step"]`` says."""
    step = job.params.get("step", "build")
    if step == "build":
        plan = (
            Plan.objects.select_related("partnership")
            .filter(pk=job.params.get("plan_id"), partnership=job.partnership)
            .first()
        )
        if plan is None:
            raise InputError("The plan this pack was for is no longer held.", "Start again from a plan.")
        quarter = Quarter(int(job.params["year"]), int(job.params["quarter"]))
        return build_pack(plan, quarter, job.started_by, job, progress=progress)[2]
    pack = _pack(job)
    if pack.signed_off:
        raise InputError("This board pack is already signed off.", "Read it on its page.")
    content = dict(pack.content)
    read_digest = content_digest(pack.content)
    url = reverse("board-pack", args=[pack.partnership.slug, pack.pk])
    if step == "render":
        files = _render(content, True, progress, 1)

        def save_render() -> Outcome:
            fresh = BoardPack.objects.select_for_update().get(pk=pack.pk)
            if fresh.signed_off or content_digest(fresh.content) != read_digest:
                return Outcome(
                    "The pack changed while its files were written; newer files are on their way.",
                    url,
                    "See the board pack",
                )
            save_files(fresh, files)
            return Outcome(
                f"Wrote the draft board pack for {pack.quarter_label} again, with the asks as edited.",
                url,
                "See the board pack",
            )

        return save_render
    signed_at = timezone.localtime()
    name = job.started_by_name or "the board"
    content["sign_off"] = (
        f"Signed off by {name} on {signed_at:%-d %B %Y}. This pack is the board's record and does not change."
    )
    files = _render(content, False, progress, 1)

    def save_sign_off() -> Outcome:
        fresh = BoardPack.objects.select_for_update().get(pk=pack.pk)
        if fresh.signed_off:
            raise InputError("This board pack was signed off meanwhile.", "Read it on its page.")
        if content_digest(fresh.content) != read_digest:
            raise InputError(
                "The pack's asks changed while it was being signed off, so it was not signed off.",
                "Read the asks again and sign it off.",
            )
        before = pack_record(fresh)
        fresh.content = content
        save_files(fresh, files)
        fresh.status = BoardPack.Status.SIGNED_OFF
        fresh.signed_off_by, fresh.signed_off_by_name, fresh.signed_off_at = job.started_by, name, signed_at
        fresh.save()
        record(job.started_by, fresh, before, pack_record(fresh), via=VIA_SIGN_OFF)
        return Outcome(
            f"Signed off the board pack for {pack.quarter_label}. It will not change.",
            url,
            "See the board pack",
        )

    return save_sign_off


def sign_off_now(pack: BoardPack, user: Any) -> BoardPack:
    """Sign ``pack`` off at once, without the worker (for the demo set-up and tests)."""
    job = Job(
        partnership=pack.partnership,
        kind=BOARD_PACK,
        params={"step": "sign-off", "pack_id": pack.pk},
        started_by=user if user is not None and user.is_authenticated else None,
        started_by_name=display_name(user),
    )
    save = board_pack_runner(job, _NoProgress())
    with transaction.atomic():
        save()
    return BoardPack.objects.get(pk=pack.pk)


class _NoProgress(Progress):
    def __init__(self) -> None:  # no job row to record steps in
        pass

    def __call__(self, done: int, total: int | None = None, text: str = "") -> None:
        return None
