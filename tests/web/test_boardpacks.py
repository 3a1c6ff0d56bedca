"""Quarterly board packs (issue 11, sections 1 and 5): exceptions, states last quarter, files, freezing.

The world (tests/web/boardpack_world.py) says beside each record what the pack must make of
it; the area's counts are read from the raw police.uk CSV files (tests/conftest.py), and the
target's test and chart limits are worked out here with scipy and the XmR formula.
"""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader
from scipy.stats import binomtest

from saferplaces.web.assessments.models import FrozenRecordError
from saferplaces.web.boardpacks.build import build_pack, sign_off_now
from saferplaces.web.boardpacks.models import BoardPack, BoardPackFile
from saferplaces.web.plans.models import Action, ProgressUpdate, RiskReview
from saferplaces.web.projects.quarters import Quarter
from tests.conftest import raw_counts_by_type
from tests.pdf_tags import HOSTILE, figure_alts, pdf_text
from tests.web.boardpack_world import BUILT, MONTHLY, expected_ids, make_world

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)
LICHFIELD = "E07000194"


@pytest.fixture
def store_settings(settings, bundled_store):  # noqa: ANN001, ANN201
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    return settings


@pytest.fixture
def world(store_settings):  # noqa: ANN001, ANN201
    return make_world()


def _build(world: dict, quarter: Quarter = Q2) -> BoardPack:  # noqa: ANN001
    _, _, save = build_pack(world["plan"], quarter, None, now=BUILT)
    save()
    return BoardPack.objects.get(plan=world["plan"], year=quarter.year, quarter=quarter.number)


def test_exceptions_are_the_ones_worked_out(world) -> None:  # noqa: ANN001
    # The target's worsening is the exact Poisson test of 380 against 300 (conditional binomial).
    assert binomtest(380, 680, 0.5).pvalue < 0.05
    # August 2025 is above the XmR upper limit: mean + 2.66 x the mean moving range (Wheeler).
    mr = sum(abs(a - b) for a, b in zip(MONTHLY[1:], MONTHLY[:-1], strict=True)) / (len(MONTHLY) - 1)
    assert MONTHLY[-1] > sum(MONTHLY) / len(MONTHLY) + 2.66 * mr
    pack = _build(world)
    exceptions = pack.content["exceptions"]
    assert [e["id"] for e in exceptions] == expected_ids(world)
    asks = [e["ask"] for e in exceptions]
    assert asks == ["decide", "note", "decide", "decide", "note", "escalate", "decide", "note", "decide"]
    by_id = {e["id"]: e for e in exceptions}
    youth = world["youth"]
    assert (
        "£10,000 spent to the end of 2025/26 Q2, against a profile of £20,000"
        in by_id[f"project-{youth.pk}-spend"]["reason"]
    )
    funding = world["Funding is cut"]
    assert (
        "Score rose from 2 at the end of 2025/26 Q1 to 4 at the end of 2025/26 Q2"
        in by_id[f"risk-{funding.pk}"]["reason"]
    )


def test_states_last_quarter_come_from_dated_history(world) -> None:  # noqa: ANN001
    pack = _build(world)
    actions = {a["action"]: a for p in pack.content["priorities"] for a in p["actions"]}
    assert (actions["Patrol the hotspots"]["rag_last"], actions["Patrol the hotspots"]["rag_now"]) == (
        "Green",
        "Red",
    )
    assert actions["Patrol the hotspots"]["changed"] == "Green to Red"
    assert actions["Better street lighting"]["changed"] == "Amber to Green"
    # The October update is after the quarter: not counted, and not shown among the quarter's updates.
    assert actions["Domestic abuse training"]["rag_now"] == "Green"
    assert actions["Domestic abuse training"]["updates"] == []
    assert pack.content["updates_count"] == 3
    risks = {r["risk"]: r for r in pack.content["risks"]}
    assert risks["Staff leave"]["change"] == "Score fell"
    assert risks["Data sharing stalls"]["change"] == "No review last quarter"
    # Heatmaps: now HH, ML, LL; last quarter MM, HM (the unreviewed risk is not counted then).
    now = {
        (r["impact"], c["likelihood"]): c["count"] for r in pack.content["heatmap_now"] for c in r["cells"]
    }
    last = {
        (r["impact"], c["likelihood"]): c["count"] for r in pack.content["heatmap_last"] for c in r["cells"]
    }
    assert (
        now[("High", "High")] == now[("Medium", "Low")] == now[("Low", "Low")] == 1 and sum(now.values()) == 3
    )
    assert last[("Medium", "Medium")] == last[("High", "Medium")] == 1 and sum(last.values()) == 2


def test_area_counts_match_the_raw_files(world) -> None:  # noqa: ANN001
    pack = _build(world)
    area = pack.content["area"]
    whole = area["places"][0]
    months = ["2025-07", "2025-08", "2025-09"]
    for month, row in zip(months, whole["crime"]["months"], strict=True):
        raw = raw_counts_by_type([month], LICHFIELD, "2021")
        assert row["count"] == sum(n for t, n in raw.items() if t != "Anti-social behaviour")
        assert row["year_earlier"] is None  # July to September 2024 are not bundled
        assert row["label"] is None  # nor the three years before
    assert whole["asb"]["total"] == raw_counts_by_type(months, LICHFIELD, "2021")["Anti-social behaviour"]
    assert [p["name"] for p in area["places"]] == ["Lichfield", "Alrewas & Fradley"]
    html = bytes(BoardPackFile.objects.get(pack=pack, format="html").content).decode()
    assert "The store does not hold the same months a year earlier, so no change is given." in html
    assert "No month is judged against its normal range" in html
    assert any("Nowhere In Particular" in a for a in pack.content["assumptions"])


def test_a_quarter_without_updates_says_so(world) -> None:  # noqa: ANN001
    pack = _build(world, Quarter(2024, 4))
    html = bytes(pack.files.get(format="html").content).decode()
    assert "No progress updates were recorded in 2024/25 Q4 (January to March 2025)." in html


def test_drafts_say_draft_on_every_page(world) -> None:  # noqa: ANN001
    pack = _build(world)
    pdf = PdfReader(io.BytesIO(bytes(pack.files.get(format="pdf").content)))
    assert len(pdf.pages) > 1
    assert all("DRAFT: not signed off" in page.extract_text() for page in pdf.pages)
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Draft: this pack has not been signed off. Its figures and asks may change." in first
    assert pdf.metadata.title == "Draft: Lichfield Test Partnership: board pack for 2025/26 Q2"
    doc = Document(io.BytesIO(bytes(pack.files.get(format="docx").content)))
    assert all("Draft" in s.header.paragraphs[0].text for s in doc.sections)
    html = bytes(pack.files.get(format="html").content).decode()
    assert '<p class="draft">Draft: this pack has not been signed off.' in html
    assert "<title>Draft: " in html


def test_the_pdf_holds_every_section_table_and_exception_and_is_tagged(world) -> None:  # noqa: ANN001
    """The PDF (typeset by Typst, ADR 0032) holds what the HTML does, and a screen reader gets the
    title, the language, the tables and each chart's text alternative."""
    from saferplaces.reports.board_pack import ASKS, pack_sections

    pack = _build(world)
    reader = PdfReader(io.BytesIO(bytes(pack.files.get(format="pdf").content)))
    text = pdf_text(reader)
    for title in [
        "Exceptions",
        "Progress by priority",
        "Targets",
        "Risks",
        "Money and projects",
        "The area's data",
        "How this pack was made",
    ]:
        assert text.count(title) >= 2, title  # in the contents and as the section's heading
    captions = [
        "Actions under Anti-social behaviour",
        "Actions under Violence",
        "The risk register",
        "Risks not closed at the end of 2025/26 Q2",
        "Risks not closed at the end of 2025/26 Q1",
        "Funding streams",
        "Projects: spend to the end of 2025/26 Q2 and the quarter's return",
        "All crime in Lichfield, July to September 2025",
        "Anti-social behaviour in Alrewas & Fradley, July to September 2025",
    ]
    made = [b.table["caption"] for s in pack_sections(pack.content) for b in s.blocks if b.table]
    assert set(captions) <= set(made)
    for caption in made:
        assert caption in text, caption
    exceptions = pack.content["exceptions"]
    assert len(exceptions) == len(expected_ids(world))
    for e in exceptions:
        for words in (e["title"], e["reason"], ASKS[e["ask"]], e["ask_text"]):
            assert " ".join(words.split()) in text, words
    assert "Score rose from 2 at the end of 2025/26 Q1 to 4 at the end of 2025/26 Q2" in text
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("en")
    alts = [t["chart"]["alt"] for t in pack.content["targets"] if t["chart"]]
    assert len(alts) == 2  # both targets have values to draw
    assert set(alts) <= figure_alts(reader)
    for alt in alts:  # the caption repeats the text alternative for sighted readers
        assert f"{' '.join(alt.split())} The values are in the table below." in text


def test_the_pdf_prints_markup_characters_as_text(world) -> None:  # noqa: ANN001
    """A plan's, action's or ask's words reach Typst as data: markup characters print as they
    are and code in them never runs."""
    from saferplaces.reports.board_pack import pack_pdf

    content = _build(world).content
    content["title"] = HOSTILE
    content["intro"] = HOSTILE
    content["priorities"][0]["title"] = HOSTILE
    content["priorities"][0]["actions"][0]["action"] = HOSTILE
    content["exceptions"][0]["title"] = HOSTILE
    content["exceptions"][0]["ask_text"] = HOSTILE
    reader = PdfReader(io.BytesIO(pack_pdf(content, draft=True)))
    text = pdf_text(reader)
    # the title, the intro, the priority's heading and its table's caption, the action, the
    # exception and its ask
    assert text.count(HOSTILE) >= 7, text[:600]
    assert reader.metadata.title == f"Draft: {HOSTILE}"


def test_a_pdf_that_cannot_be_laid_out_says_the_pack_was_not_built(world) -> None:  # noqa: ANN001
    from saferplaces.errors import SaferPlacesError
    from saferplaces.reports.board_pack import pack_pdf

    content = _build(world).content
    next(t for t in content["targets"] if t["chart"])["chart"]["svg"] = "<svg>not a picture"
    with pytest.raises(SaferPlacesError) as raised:
        pack_pdf(content, draft=True)
    assert raised.value.problem.startswith("The board pack's PDF could not be laid out:")
    assert raised.value.action == (
        "The pack was not built: report this to the Safer Places team, naming the plan and quarter."
    )


def test_only_a_table_whose_words_do_not_fit_upright_goes_on_a_landscape_page(world, caplog) -> None:  # noqa: ANN001
    import logging

    from saferplaces.reports.board_pack import pack_pdf

    pack = _build(world)
    content = pack.content
    caplog.set_level(logging.INFO, logger="saferplaces.reports.typst_run")
    # dated when the pack was built, as the Word file is, so the same content makes the same PDF
    assert pack_pdf(content, draft=True) == bytes(pack.files.get(format="pdf").content)
    assert [r.getMessage() for r in caplog.records] == []  # Typst replaced nothing

    def landscape_pages() -> list[str]:
        reader = PdfReader(io.BytesIO(pack_pdf(content, draft=True)))
        assert reader.metadata.creation_date == BUILT  # 10:00 on 15 November is 10:00 GMT
        return [p.extract_text() for p in reader.pages if p.mediabox.width > p.mediabox.height]

    # the widest table, the projects' eight columns, fits an upright A4 page
    assert landscape_pages() == []
    # 60 characters without a space at 8.5 pt (about 410 px) beside the other seven columns'
    # longest words (about 60 px each) do not fit the 688 px of an upright page's text
    content["projects"][0]["outputs"] = "https://example.org/" + "x" * 40
    pages = landscape_pages()
    assert len(pages) == 1 and "Projects: spend to the end of 2025/26 Q2" in pages[0]
    assert "DRAFT: not signed off" in pages[0]


def test_signed_off_pack_never_changes(world, django_user_model) -> None:  # noqa: ANN001
    chair = django_user_model.objects.create_user(
        username="chair", password="x", first_name="Cara", last_name="Chair"
    )
    pack = sign_off_now(_build(world), chair)
    assert pack.signed_off and pack.signed_off_by_name == "Cara Chair"
    before = {f.format: bytes(f.content) for f in pack.files.all()}
    content = pack.content
    pdf = PdfReader(io.BytesIO(before["pdf"]))
    assert len(pdf.pages) > 1
    assert not any("DRAFT" in page.extract_text().upper() for page in pdf.pages)
    assert pdf.metadata.title == "Lichfield Test Partnership: board pack for 2025/26 Q2"
    assert "Signed off by Cara Chair" in pdf_text(pdf)
    assert "Signed off by Cara Chair" in before["html"].decode()
    # Later changes to the plan's actions, risks and returns.
    a1 = world["Patrol the hotspots"]
    ProgressUpdate.objects.create(action=a1, date=pack.the_quarter.end, rag="green", text="Recovered.")
    Action.objects.filter(pk=a1.pk).update(action="Renamed", rag="green")
    Action.objects.filter(pk=world["Upgrade the CCTV"].pk).update(retired=True)
    RiskReview.objects.create(
        risk=world["Funding is cut"], date=pack.the_quarter.end, impact="low", likelihood="low"
    )
    world["youth"].returns.create(
        period="2025/26 Q2", submitted_on=pack.the_quarter.end, outputs="x", spend=Decimal(1)
    )
    pack.refresh_from_db()
    assert pack.content == content
    assert {f.format: bytes(f.content) for f in pack.files.all()} == before
    with pytest.raises(FrozenRecordError):
        pack.save()
    with pytest.raises(FrozenRecordError):
        pack.files.first().delete()
    with pytest.raises(FrozenRecordError):
        pack.delete()


def test_generate_edit_sign_off_and_download_through_the_pages(world, django_user_model) -> None:  # noqa: ANN001
    from django.test import Client

    from saferplaces.web.accounts.models import Role
    from saferplaces.web.work.models import Job
    from tests.web.helpers import run_tasks

    partnership = world["partnership"]
    clients = {}
    for name, role in [("ann", "administrator"), ("cara", "chair"), ("bea", "board_member")]:
        user = django_user_model.objects.create_user(username=name, password="x")
        Role.objects.create(user=user, partnership=partnership, name=role)
        clients[name] = Client()
        clients[name].force_login(user)
    base = f"/partnerships/{partnership.slug}/board-packs/"
    assert "Build a board pack" in clients["ann"].get(base).content.decode()
    assert "Build a board pack" not in clients["bea"].get(base).content.decode()
    form = clients["ann"].get(base + "new/").content.decode()
    assert 'value="2025/26 Q2"' in form
    response = clients["ann"].post(base + "new/", {"plan": world["plan"].pk, "quarter": "2025/26 Q2"})
    assert response.status_code == 302 and "/tasks/" in response["Location"]
    run_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    pack = BoardPack.objects.get()
    assert not pack.signed_off and len(pack.content["exceptions"]) == len(expected_ids(world))
    page = clients["bea"].get(f"{base}{pack.pk}/").content.decode()
    assert "Not signed off" in page and "Sign off the pack" not in page and "Edit what the board" not in page

    # The administrator edits the asks; the draft shows them at once and its files are written again.
    asks = {f"ask_{i}": "note" for i in range(len(pack.content["exceptions"]))}
    texts = {f"text_{i}": f"Ask {i}" for i in range(len(pack.content["exceptions"]))}
    empty = clients["ann"].post(f"{base}{pack.pk}/asks/", {**asks, **texts, "text_0": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    response = clients["ann"].post(f"{base}{pack.pk}/asks/", {**asks, **texts, "ask_5": "escalate"})
    assert response.status_code == 302
    pack.refresh_from_db()
    assert [e["ask_text"] for e in pack.content["exceptions"]][:2] == ["Ask 0", "Ask 1"]
    assert pack.content["exceptions"][5]["ask"] == "escalate"
    assert "Ask 0" in clients["bea"].get(f"{base}{pack.pk}/pack.html").content.decode()
    run_tasks()
    docx = Document(io.BytesIO(bytes(pack.files.get(format="docx").content)))
    assert "Ask 0" in "".join(cell.text for t in docx.tables for row in t.rows for cell in row.cells)

    # The chair signs it off; the board member downloads the PDF the sign-off wrote.
    assert clients["cara"].post(f"{base}{pack.pk}/sign-off/").status_code == 302
    run_tasks()
    pack.refresh_from_db()
    assert pack.signed_off
    pdf = clients["bea"].get(f"{base}{pack.pk}/board-pack.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]) == bytes(
        pack.files.get(format="pdf").content
    )
    assert "-draft" not in pdf["Content-Disposition"]
    # Signed off: no more asks, and no new draft for the quarter.
    assert clients["ann"].post(f"{base}{pack.pk}/asks/", {**asks, **texts}).status_code == 302
    pack.refresh_from_db()
    assert pack.content["exceptions"][5]["ask"] == "escalate"
    clients["ann"].post(base + "new/", {"plan": world["plan"].pk, "quarter": "2025/26 Q2"})
    run_tasks()
    failed = Job.objects.order_by("-id").first()
    assert failed.status == Job.Status.FAILED
    assert failed.error.startswith("The board pack for 2025/26 Q2 is already signed off")
    assert BoardPack.objects.count() == 1


def test_demo_packs(world) -> None:  # noqa: ANN001
    from saferplaces.web.boardpacks.demo import make_demo_packs

    signed, draft = make_demo_packs(world["partnership"], now=BUILT)
    assert (signed.quarter_label, signed.signed_off) == ("2025/26 Q1", True)
    assert (draft.quarter_label, draft.signed_off) == ("2025/26 Q2", False)
    assert "Signed off by the board" in bytes(signed.files.get(format="html").content).decode()
    # Again: nothing new, nothing changed.
    assert [p.pk for p in make_demo_packs(world["partnership"], now=BUILT)] == [signed.pk, draft.pk]


def test_a_pack_for_an_earlier_quarter_reads_no_later_target_value():
    """Issue #9: Lichfield's pack for 2025/26 Q1, built once Q2 was entered, said "Latest value: 38
    for 2025/26 Q2" and tested the Q2 value, in a pack for Q1."""
    from saferplaces.web.boardpacks.gather import gather_targets
    from saferplaces.web.demo_activity import load_demo_activity
    from saferplaces.web.performance.models import Target
    from saferplaces.web.plans.models import Plan
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    load_demo_activity()
    plan = Plan.objects.filter(partnership__slug="lichfield").latest("pk")
    target = Target.objects.get(plan=plan, description__startswith="Domestic abuse")
    periods = sorted(v.period for v in target.values.all())
    assert periods == ["2025/26 Q1", "2025/26 Q2"]
    q1 = target.values.get(period="2025/26 Q1")
    q = Quarter(2025, 1)
    assert q.label == "2025/26 Q1"
    out, _ = gather_targets(plan, q)
    row = next(t for t in out if t["description"] == target.description)
    assert row["latest"]["period"] == "2025/26 Q1"
    assert row["latest"]["shown"] == f"{int(q1.value):,}"
    assert [v["period"] for v in row["values"]] == ["2025/26 Q1"]
    assert "2025/26 Q2" not in row["sentence"]


def test_no_cell_or_sentence_prints_a_programs_word_for_nothing() -> None:
    """A board member never reads "None", "nan" or "null": an action without a due date reads
    "Not set", as one without a lead reads "Not named" (the demo packs, where many actions have
    neither)."""
    import re

    from saferplaces.reports.board_pack import pack_sections
    from saferplaces.web.boardpacks.demo import make_demo_packs
    from saferplaces.web.boardpacks.models import BoardPack
    from saferplaces.web.demo_activity import load_demo_activity
    from saferplaces.web.partnerships.models import Partnership
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    load_demo_activity()
    for pack in make_demo_packs(Partnership.objects.get(slug="lichfield"), now=BUILT):
        words: list[str] = []
        for section in pack_sections(BoardPack.objects.get(pk=pack.pk).content):
            for block in section.blocks:
                words += [block.text or "", *block.items]
                if block.table:
                    words += [str(cell) for row in block.table["rows"] for cell in row]
        assert "Not set" in words and "Not named" in words
        found = [w for w in words if re.search(r"\b(None|nan|NaN|null)\b", w)]
        assert not found, found
