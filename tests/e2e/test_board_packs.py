"""The board pack journey of issue 11 in a real browser, every page checked with axe.

An administrator builds the 2025/26 Q2 pack and edits what the board is asked; the chair
signs it off; a board member downloads the PDF, the very bytes the sign-off wrote.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from saferplaces.web.boardpacks.models import BoardPack
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in
from tests.web.boardpack_world import make_world
from tests.web.helpers import run_tasks

SHOTS = Path(os.environ.get("SAFERPLACES_SHOTS_DIR", "/tmp/saferplaces-shots"))


def _shot(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_out(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def _finish_task(page) -> None:  # noqa: ANN001
    page.get_by_text("Waiting for the worker to start this task.").wait_for()
    run_tasks()
    page.get_by_role("heading", name="Finished").wait_for(timeout=60_000)


def test_build_edit_sign_off_and_download(page, make_user, settings, bundled_store) -> None:  # noqa: ANN001
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    world = make_world()
    slug = world["partnership"].slug
    make_user("ann", roles=[(slug, "administrator")])
    make_user("cara", roles=[(slug, "chair")])
    make_user("bea", roles=[(slug, "board_member")])

    # The administrator builds the Q2 pack and edits the asks.
    sign_in(page, "ann")
    page.goto(f"/partnerships/{slug}/")
    page.get_by_role("link", name="Board packs").first.click()
    page.get_by_role("heading", name="Board packs").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Build a board pack").click()
    assert_accessible(page)
    page.get_by_label("Quarter").select_option("2025/26 Q2")
    page.get_by_role("button", name="Build the board pack").click()
    assert_accessible(page)
    _finish_task(page)
    page.get_by_role("link", name="See the board pack").click()
    page.get_by_role("heading", name="Board pack for 2025/26 Q2").wait_for()
    assert "Not signed off" in page.inner_text("main")
    assert_accessible(page)
    _shot(page, "board-pack-draft")
    frame = page.frame_locator("iframe.sp-report-frame")
    assert "Draft" in frame.locator("p.draft").inner_text()
    page.get_by_role("link", name="Edit what the board is asked").click()
    assert_accessible(page)
    first = page.get_by_label("What is asked about Action: Patrol the hotspots")
    first.fill("")
    page.get_by_role("button", name="Save the asks").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_role(
        "group", name="What is the board asked to do about Action: Patrol the hotspots?"
    ).get_by_label("Escalate").check()
    first.fill("Ask the police to restore the two posts by December.")
    page.get_by_role("button", name="Save the asks").click()
    page.get_by_text("Asks saved").wait_for()
    assert "Escalate: Ask the police to restore the two posts by December." in page.inner_text("main")
    run_tasks()  # the draft's files, written again with the asks
    _sign_out(page)

    # The chair signs it off.
    pack = BoardPack.objects.get()
    sign_in(page, "cara")
    page.goto(f"/partnerships/{slug}/board-packs/{pack.pk}/")
    assert page.get_by_role("link", name="Edit what the board is asked").count() == 0
    page.get_by_role("link", name="Sign off the pack").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the pack").click()
    _finish_task(page)
    page.get_by_role("link", name="See the board pack").click()
    page.get_by_text("Signed off by cara").wait_for()
    assert_accessible(page)
    _shot(page, "board-pack-signed")
    _sign_out(page)

    # A board member downloads the PDF: the bytes the sign-off wrote.
    pack.refresh_from_db()
    assert pack.signed_off
    sign_in(page, "bea")
    page.goto(f"/partnerships/{slug}/board-packs/")
    page.get_by_role("link", name="2025/26 Q2").click()
    assert page.get_by_role("link", name="Sign off the pack").count() == 0
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="The pack as PDF").click()
    downloaded = Path(info.value.path()).read_bytes()
    assert downloaded == bytes(pack.files.get(format="pdf").content)
    assert info.value.suggested_filename == f"{slug}-board-pack-2025-26-q2.pdf"
