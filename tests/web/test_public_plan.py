"""The residents' plan pages (issue 12): plain-English plan, progress, targets, help, easy read (and its
PDF, typeset by Typst: ADR 0032), feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from scipy.stats import binomtest

from saferplaces.web import demo_activity
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate
from saferplaces.web.plans.publication import publish_plan
from saferplaces.web.public.models import HelpLink, PublicContact
from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site():
    cache.clear()
    load_seed_plans()
    yield
    cache.clear()


def _actions(slug: str = "lichfield") -> list[Action]:
    return list(
        Action.objects.filter(priority__plan__partnership__slug=slug).order_by("priority__order", "order")
    )


def _action(slug: str = "lichfield") -> Action:
    return _actions(slug)[0]


def _update(action: Action, summary: str, approved: bool, **extra) -> ProgressUpdate:
    admin = User.objects.get_or_create(username="approver")[0]
    return ProgressUpdate.objects.create(
        action=action,
        date=extra.pop("date", dt.date(2026, 1, 15)),
        text=extra.pop("text", "Internal note: Sergeant Pemberton-Whitlock met the MARAC chair."),
        author="Officer Quellington",
        public_summary=summary,
        public_approved_by=admin if approved else None,
        public_approved_at=timezone.now() if approved else None,
        **extra,
    )


def test_the_plan_in_plain_english_gives_each_priority_why_and_what_we_will_do(site, client: Client):
    html = client.get("/public/lichfield/plan/").content.decode()
    assert "Lichfield District Community Safety Delivery Plan" in html or "Community Safety" in html
    assert "Domestic Abuse" in html
    # why: the first two sentences of the seed's reason (lichfield-2022-2025.yaml), as the plan has them
    assert "In 2021/2022, there were 1,232 domestic abuse related crimes in Lichfield." in html
    assert "hidden crime with an estimated 65%" not in html  # the third sentence is left out
    # what we will do: the delivery plan's actions
    assert "Further develop the local MARAC" in html
    data = json.loads(client.get("/public/lichfield/plan.json").content)
    da = next(p for p in data["our_priorities"] if p["title"] == "Domestic Abuse")
    assert len(da["why"]) == 1 and da["why"][0].count(". ") == 1
    cy = client.get("/cy/public/lichfield/plan/").content.decode()
    assert '<p class="govuk-body" lang="en">In 2021/2022, there were 1,232' in cy  # quoted, in English
    assert "Pam mae hyn yn bwysig" in cy
    rows = list(csv.DictReader(io.StringIO(client.get("/public/lichfield/plan.csv").content.decode())))
    assert [r["priority"] for r in rows] == [p["title"] for p in data["our_priorities"]]


def test_why_comes_from_the_adopted_evidence_when_there_is_some(site, client: Client):
    from saferplaces.web.assessments.models import PriorityEvidence

    plan = Plan.objects.get(partnership__slug="lichfield")
    first, second = plan.priorities.all()[:2]
    PriorityEvidence.objects.create(
        priority=first,
        reason_kind="evidence",
        evidence={"rank": 2, "rank_of": 9, "months": ["2024-04", "2025-03"]},
    )
    PriorityEvidence.objects.create(priority=second, reason_kind="statutory", reason="Serious violence duty")
    data = json.loads(client.get("/public/lichfield/plan.json").content)
    by_title = {p["title"]: p for p in data["our_priorities"]}
    assert by_title[first.title]["why"] == [
        "We looked at the figures from April 2024 to March 2025. This came 2 of 9 on our list of problems."
    ]
    assert by_title[second.title]["why"] == ["The law says the partnership must work on this."]
    assert not by_title[first.title]["why_quoted_from_plan"]


def test_a_draft_plan_is_not_on_the_site(site, client: Client):
    Plan.objects.filter(partnership__slug="lichfield").update(status=Plan.Status.DRAFT)
    cache.clear()
    for path in ("plan/", "plan.json", "progress/", "progress.csv", "targets/", "updates.atom"):
        assert client.get(f"/public/lichfield/{path}").status_code == 404, path
    assert client.get("/api/partnerships/lichfield/plan/progress").status_code == 404
    assert json.loads(client.get("/public/lichfield.json").content)["plans"] == []
    assert "has not published its plan" in client.get("/public/lichfield/").content.decode()


def test_publishing_a_plan_clears_the_cached_pages(site, client: Client):
    plan = Plan.objects.get(partnership__slug="lichfield")
    plan.status = Plan.Status.DRAFT
    plan.save()
    assert client.get("/public/lichfield/plan/").status_code == 404
    # publishing goes through publish_plan (#11); its saves move the cache on
    publish_plan(plan, None, "Board of 2 March 2026 agreed the plan (minute 3)", dt.date(2026, 3, 2))
    assert client.get("/public/lichfield/plan/").status_code == 200


def test_only_approved_public_summaries_appear_and_never_the_internal_note(site, client: Client):
    action = _action()
    _update(action, "We set up a new meeting to keep people safe.", approved=True)
    _update(action, "This summary waits for approval.", approved=False)
    pending = _update(action, "", approved=False, text="No summary at all.")
    for path in ("/public/lichfield/progress/", "/public/lichfield/progress/easy-read/"):
        html = client.get(path).content.decode()
        assert "We set up a new meeting to keep people safe." in html
        assert "15 January 2026" in html
        assert "waits for approval" not in html
        for secret in ("Pemberton-Whitlock", "Quellington", "No summary at all", "approver"):
            assert secret not in html, (path, secret)
    data = json.loads(client.get("/api/partnerships/lichfield/plan/progress").content)
    summaries = [u["public_summary"] for p in data["progress"] for a in p["actions"] for u in a["updates"]]
    assert summaries == ["We set up a new meeting to keep people safe."]
    # approving another update shows it at once (the cached page is made again)
    pending.public_summary = "We trained 40 staff in schools."
    pending.public_approved_at = timezone.now()
    pending.save()
    assert "We trained 40 staff in schools." in client.get("/public/lichfield/progress/").content.decode()


def test_welsh_pages_show_the_welsh_summary_or_the_english_marked_as_english(site, client: Client):
    action = _action()
    _update(
        action,
        "We opened a drop-in centre.",
        approved=True,
        public_summary_cy="Agorwyd canolfan galw heibio.",
    )
    _update(action, "We ran a week of action.", approved=True, date=dt.date(2026, 2, 1))
    html = client.get("/cy/public/lichfield/progress/").content.decode()
    assert "Agorwyd canolfan galw heibio." in html and "We opened a drop-in centre." not in html
    assert '<span lang="en">We ran a week of action.</span>' in html
    assert '<html lang="cy"' in html
    assert "Chwefror 2026" in html  # February, in Welsh


def test_the_atom_feed_is_valid_and_holds_the_approved_updates_newest_first(site, client: Client):
    action = _action()
    _update(action, "First public news.", approved=True, date=dt.date(2026, 1, 10))
    _update(action, "Second public news.", approved=True, date=dt.date(2026, 3, 10))
    _update(action, "Not approved news.", approved=False)
    response = client.get("/public/lichfield/updates.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert 'rel="alternate" type="application/atom+xml" href="/public/lichfield/updates.atom"' in (
        client.get("/public/lichfield/progress/").content.decode()
    )
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # RFC 4287 section 4.1.1: a feed has an id, a title, an updated time, and an author (entries name none)
    for required in ("id", "title", "updated", "author/{http://www.w3.org/2005/Atom}name"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Lichfield District Community Safety Partnership"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}summary").text for e in entries] == ["Second public news.", "First public news."]
    for e in entries:
        assert e.find(f"{ATOM}id").text and e.find(f"{ATOM}updated").text
        assert e.find(f"{ATOM}link").get("href").startswith("http://testserver/public/lichfield/progress/")
    assert b"Pemberton" not in response.content and b"Not approved" not in response.content


def _target(plan: Plan, latest: int) -> Target:
    target = Target.objects.create(
        plan=plan,
        description="Reports of anti-social behaviour",
        unit="incidents",
        kind=Target.Kind.COUNT,
        direction=Target.Direction.REDUCE,
        baseline_value=Decimal(3502),
        baseline_period="2017/18",
    )
    TargetValue.objects.create(target=target, period="2017/18", value=Decimal(3502))
    TargetValue.objects.create(target=target, period="2025/26", value=Decimal(latest), order=1)
    return target


def test_targets_in_plain_words_say_significant_only_when_the_test_does(site, client: Client):
    plan = Plan.objects.get(partnership__slug="lichfield")
    # 3,502 to 2,950: the conditional binomial test of two Poisson counts, computed here with scipy
    assert binomtest(2950, 3502 + 2950, 0.5).pvalue < 0.001
    _target(plan, 2950)
    data = json.loads(client.get("/public/lichfield/targets.json").content)
    words = " ".join(data["targets"][0]["in_plain_words"])
    assert "3,502" in words and "2017/18" in words and "2025/26" in words and "2,950" in words
    assert "bring this down" in words
    assert "That is a fall." in words and "it is statistically significant" in words
    Target.objects.all().delete()
    assert binomtest(3480, 3502 + 3480, 0.5).pvalue > 0.05
    _target(plan, 3480)
    words = " ".join(
        json.loads(client.get("/public/lichfield/targets.json").content)["targets"][0]["in_plain_words"]
    )
    assert "It is not statistically significant." in words and "fall" not in words
    html = client.get("/public/lichfield/targets/").content.decode()
    assert "It is not statistically significant." in html
    rows = list(csv.DictReader(io.StringIO(client.get("/public/lichfield/targets.csv").content.decode())))
    assert rows[0]["latest_period"] == "2025/26" and rows[0]["status_label"] == "no-significant-change"


def test_where_to_get_help_in_both_languages(site, client: Client):
    p = Partnership.objects.get(slug="lichfield")
    HelpLink.objects.create(
        partnership=p,
        help_name="Victim support",
        help_name_cy="Cymorth i ddioddefwyr",
        help_about="Free help for anyone affected by crime.",
        help_url="https://example.org/victims",
        help_phone="0808 168 9111",
    )
    PublicContact.objects.create(partnership=p, contact_email="csp@example.org", contact_text="Write to us.")
    html = client.get("/public/lichfield/help/").content.decode()
    assert "Victim support" in html and "0808 168 9111" in html and "csp@example.org" in html
    cy = client.get("/cy/public/lichfield/help/").content.decode()
    assert "Cymorth i ddioddefwyr" in cy
    assert '<p class="govuk-body" lang="en">Free help for anyone affected by crime.</p>' in cy
    data = json.loads(client.get("/public/lichfield/help.json").content)
    assert data["help"][0]["help_phone"] == "0808 168 9111"
    assert data["contact"]["contact_email"] == "csp@example.org"
    assert "csp@example.org" in client.get("/public/lichfield/").content.decode()


# -- the easy-read guide's PDF, typeset by Typst (ADR 0032) ----------------------------------

GUIDE = "/public/lichfield/progress/easy-read/"
PDF = "/public/lichfield/progress/easy-read.pdf"


def _edit_plan(edit) -> None:
    """Make a change to Lichfield's published plan: back to draft, ``edit()``, published again."""
    plan = Plan.objects.get(partnership__slug="lichfield")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    edit()
    publish_plan(Plan.objects.get(pk=plan.pk), None, "Board agreed it (minute 3)", dt.date(2026, 3, 2))
    cache.clear()


def _due_next_year(action: Action) -> None:
    action.due_date = dt.date(dt.date.today().year + 1, 7, 31)
    action.save()


class _Lines(HTMLParser):
    """The lines a reader meets in the guide's ``sp-easy`` block: each heading, paragraph and
    warning as one line of text, and each picture's alt text."""

    BLOCKS = {"h1", "h2", "p", "strong"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside the sp-easy block when above 0
        self.hidden = 0
        self.open: list[list[str]] = []
        self.lines: list[str] = []
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and (self.depth or a.get("class") == "sp-easy"):
            self.depth += 1
        if not self.depth:
            return
        if a.get("aria-hidden") == "true":
            self.hidden += 1
        if tag == "img":
            self.alts.append(a.get("alt") or "")
        if tag in self.BLOCKS and not self.open:
            self.open.append([])

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
        if tag == "span" and self.hidden:
            self.hidden -= 1
        if tag in self.BLOCKS and self.open:
            line = " ".join("".join(self.open.pop()).split())
            if line:
                self.lines.append(line)

    def handle_data(self, data: str) -> None:
        if self.open and not self.hidden:
            self.open[-1].append(data)


def _pdf(client: Client, path: str) -> tuple[PdfReader, str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lichfield-easy-read.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _guide_and_pdf(client: Client, prefix: str) -> tuple[_Lines, PdfReader, str]:
    """The guide's page and its PDF, after checking the PDF holds every line the page shows."""
    page = _Lines()
    page.feed(client.get(prefix + GUIDE).content.decode())
    assert len(page.lines) > 5, "the guide's page shows too few lines"
    reader, text = _pdf(client, prefix + PDF)
    missing = [line for line in page.lines if line not in text]
    assert not missing, missing
    return page, reader, text


def _tagged(node, key: str, found: list[str]) -> list[str]:
    """Every value of ``key`` (``/Alt``, ``/Lang``) in the PDF's tag tree below ``node``."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            _tagged(kid, key, found)
    elif hasattr(node, "get"):
        if key in node:
            found.append(str(node[key]))
        if "/K" in node:
            _tagged(node["/K"], key, found)
    return found


def test_the_english_pdf_holds_every_line_of_the_guide_and_its_pictures(site, client: Client, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="saferplaces.reports.typst_run")
    first, second, *others = _actions()[:8]
    _update(first, "We set up a new meeting to keep people safe.", approved=True)
    _update(second, "We put up new street lights near the station.", approved=True, date=dt.date(2026, 1, 20))
    for n, action in enumerate(others, start=1):  # enough news to run over pages
        _update(
            action,
            f"We held {n + 2} meetings with people who live nearby.",
            approved=True,
            date=dt.date(2026, 1, n),
        )
    demo_activity.load_demo_file("lichfield.yaml")  # the guide then warns that some is made up
    _edit_plan(lambda: _due_next_year(second))
    page, reader, text = _guide_and_pdf(client, "")
    assert [r.getMessage() for r in caplog.records] == []  # Typst replaced nothing
    # lines the test knows independently of the page
    for line in (
        "Easy read: what we are doing",
        "Warning",
        "This is a demonstration.",
        "15 January 2026: We set up a new meeting to keep people safe.",
        "20 January 2026: We put up new street lights near the station.",
        "We said we would do this:",
        "This is what we did:",
        "This is what we will do next:",
        f"We aim to finish this by July {dt.date.today().year + 1}.",
    ):
        assert line in text, line
    assert "Pemberton" not in text and "Quellington" not in text
    # every picture with the page's alt text, tagged and titled (PDF/UA-1)
    root = reader.trailer["/Root"]
    assert sorted(set(_tagged(root["/StructTreeRoot"], "/Alt", []))) == sorted(set(page.alts))
    assert {"A speech bubble", "A tick", "An arrow pointing forward"} <= set(page.alts)
    assert _tagged(root["/StructTreeRoot"], "/Alt", []).count("A tick") == text.count("This is what we did:")
    assert str(root["/Lang"]).startswith("en")
    assert (
        reader.metadata.title
        == "Easy read: what we are doing – Lichfield District Community Safety Partnership"
    )
    assert root["/MarkInfo"]["/Marked"]
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    pages = len(reader.pages)
    assert pages >= 2 and reader.pages[-1].extract_text().split()[-3:] == [str(pages), "/", str(pages)]


def test_the_welsh_pdf_holds_the_welsh_lines_and_says_it_is_welsh(site, client: Client):
    first, second = _actions()[:2]
    _update(
        first, "We opened a drop-in centre.", approved=True, public_summary_cy="Agorwyd canolfan galw heibio."
    )
    # no Welsh for this one: shown in English, and marked as English
    _update(second, "We ran a week of action.", approved=True, date=dt.date(2026, 1, 20))
    _edit_plan(lambda: _due_next_year(second))
    page, reader, text = _guide_and_pdf(client, "/cy")
    # the .po file's Welsh for the guide's fixed words
    for line in (
        "Hawdd ei ddarllen: beth rydym yn ei wneud",
        "15 Ionawr 2026: Agorwyd canolfan galw heibio.",
        "20 Ionawr 2026: We ran a week of action.",
        f"Gorffennaf {dt.date.today().year + 1}",  # July, in the next step's sentence
    ):
        assert line in text, line
    assert "Easy read: what we are doing" not in text and "We opened a drop-in centre." not in text
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]) == "cy"
    assert {"Swigen siarad", "Tic", "Saeth yn pwyntio ymlaen"} <= set(
        _tagged(root["/StructTreeRoot"], "/Alt", [])
    )
    assert "A tick" not in _tagged(root["/StructTreeRoot"], "/Alt", [])
    # the English a partnership typed is tagged as English for a screen reader
    assert any(lang.startswith("en") for lang in _tagged(root["/StructTreeRoot"], "/Lang", []))
    assert reader.metadata.title.startswith("Hawdd ei ddarllen: beth rydym yn ei wneud – ")


def test_an_action_with_more_news_than_a_page_holds_runs_on_and_loses_no_line(site, client: Client):
    first, second = _actions()[:2]
    for day in range(1, 29):  # 28 updates: about two pages of them
        _update(
            first,
            f"Our team visited {day} more homes to fit new locks.",
            approved=True,
            date=dt.date(2026, 2, day),
        )
    _update(second, "We held a street meeting.", approved=True)
    _page, reader, text = _guide_and_pdf(client, "")
    assert len(reader.pages) >= 3
    for day in range(1, 29):
        assert f"{day} February 2026: Our team visited {day} more homes to fit new locks." in text
    assert text.index("We held a street meeting.") > text.index("28 more homes")


def test_one_long_update_runs_over_pages_to_its_last_word(site, client: Client):
    """A summary may be 5,000 characters: the part holding it breaks over pages rather than
    running off the foot of one, and its last word is in the PDF."""
    first = _actions()[0]
    words = " ".join(f"Street{n} was visited." for n in range(240))  # about 5,000 characters
    _update(first, words + " THEEND", approved=True, date=dt.date(2026, 2, 3))
    reader, text = _pdf(client, PDF)
    assert "THEEND" in text and "Street239 was visited." in text


def test_an_emoji_or_a_control_character_does_not_stop_the_guide(site, client: Client):
    """Text Liberation Sans cannot show (an emoji) or that is not text (a bell character) still
    gives a PDF: tagged, the rest of the line printed."""
    first = _actions()[0]
    _update(first, "Great turnout \U0001f44d at the \x07 drop-in.", approved=True, date=dt.date(2026, 2, 4))
    reader, text = _pdf(client, PDF)
    assert "Great turnout" in text and "drop-in." in text and "\x07" not in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_names_with_typst_markup_characters_print_as_typed(site, client: Client):
    partnership = Partnership.objects.get(slug="lichfield")
    partnership.name = "Lichfield #strong[CSP] $x$"
    partnership.save()
    action = _actions()[0]

    def edit() -> None:
        action.action = 'Fix #panic("no") [links] *now* $5 <here> @ref _under_ \\back'
        action.save()
        action.priority.title = "Safety = #(1 + 1) * [two] // not a comment"
        action.priority.save()

    _edit_plan(edit)
    _update(action, "We spent $100 on #lights and [locks] for <homes>.", approved=True)
    _reader, text = _pdf(client, PDF)
    for typed in (
        "Lichfield #strong[CSP] $x$",
        'Fix #panic("no") [links] *now* $5 <here> @ref _under_ \\back',
        "Safety = #(1 + 1) * [two] // not a comment",
        "We spent $100 on #lights and [locks] for <homes>.",
    ):
        assert typed in text, typed


def test_an_administrator_writes_approves_and_withdraws_a_public_summary(site, client: Client):
    from saferplaces.web.accounts.models import Role
    from saferplaces.web.audit.models import AuditEntry

    p = Partnership.objects.get(slug="lichfield")
    admin = User.objects.create_user(username="admin", password="x", first_name="Ada", last_name="Admin")
    Role.objects.create(user=admin, partnership=p, name=Role.Name.ADMINISTRATOR)
    update = _update(_action(), "", approved=False)
    client.force_login(admin)
    url = f"/partnerships/lichfield/public-site/updates/{update.pk}/"
    assert "Write a summary" in client.get("/partnerships/lichfield/public-site/").content.decode()
    html = client.post(url, {"public_summary": "", "approve": "yes"}).content.decode()
    assert "There is a problem" in html and "Enter a public summary to approve" in html
    update.refresh_from_db()
    assert update.public_approved_at is None
    public = Client()
    assert "Fifty homes" not in public.get("/public/lichfield/progress/").content.decode()
    response = client.post(url, {"public_summary": "Fifty homes had new locks.", "approve": "yes"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.public_approved_by == admin and update.public_approved_at is not None
    assert AuditEntry.objects.filter(model="plans.progressupdate", object_id=str(update.pk)).exists()
    page = public.get("/public/lichfield/progress/").content.decode()
    assert "Fifty homes had new locks." in page and "Ada" not in page
    client.post(url, {"public_summary": "Fifty homes had new locks.", "approve": "no"})
    assert "Fifty homes" not in public.get("/public/lichfield/progress/").content.decode()


def test_an_administrator_adds_a_place_to_get_help(site, client: Client):
    from saferplaces.web.accounts.models import Role

    p = Partnership.objects.get(slug="lichfield")
    admin = User.objects.create_user(username="admin", password="x")
    Role.objects.create(user=admin, partnership=p, name=Role.Name.ADMINISTRATOR)
    client.force_login(admin)
    html = client.post(
        "/partnerships/lichfield/public-site/help/new/", {"help_name": "ASB line"}
    ).content.decode()
    assert "Enter a web address or a phone number" in html
    assert not HelpLink.objects.exists()
    client.post(
        "/partnerships/lichfield/public-site/help/new/", {"help_name": "ASB line", "help_phone": "101"}
    )
    assert "ASB line" in Client().get("/public/lichfield/help/").content.decode()
    link = HelpLink.objects.get()
    client.post(f"/partnerships/lichfield/public-site/help/{link.pk}/remove/")
    assert not HelpLink.objects.exists()
    response = client.post(
        "/partnerships/lichfield/public-site/contact/", {"contact_email": "safer@example.org"}
    )
    assert response.status_code == 302
    assert "safer@example.org" in Client().get("/public/lichfield/").content.decode()


def test_a_store_count_for_part_of_a_year_names_its_months(site, client: Client):
    plan = Plan.objects.get(partnership__slug="lichfield")
    target = Target.objects.create(
        plan=plan,
        description="Reports of anti-social behaviour",
        source=Target.Source.STORE,
        direction=Target.Direction.REDUCE,
        query={"area": "E07000194", "crime_types": ["Anti-social behaviour"], "grain": "financial-year"},
    )
    monthly = {f"2025-{m:02d}": 100 for m in range(4, 12)}  # April to November: 8 of 12 months
    TargetValue.objects.create(
        target=target,
        period="2025/26",
        value=Decimal(800),
        source=TargetValue.Source.COMPUTED,
        detail={"count": 800, "monthly": monthly, "months_in_period": 12},
    )
    words = json.loads(client.get("/public/lichfield/targets.json").content)["targets"][0]["in_plain_words"]
    # the months held, not the whole year's, which a partial count does not cover
    assert "In 2025/26 it was 800." in words and "March 2026" not in " ".join(words)
    assert "This only counts 8 of the 12 months: April 2025 to November 2025." in words


def test_a_lead_officer_proposes_a_summary_that_appears_once_approved(site, client: Client):
    from saferplaces.web.accounts.models import Role

    action = _action()
    officer = User.objects.create_user(username="lead", password="x")
    Role.objects.create(
        user=officer, partnership=action.priority.plan.partnership, name=Role.Name.LEAD_OFFICER
    )
    action.lead_user = officer
    action.save()
    client.force_login(officer)
    plan = action.priority.plan
    response = client.post(
        f"/partnerships/lichfield/plans/{plan.slug}/actions/{action.pk}/update/",
        {
            "rag": "green",
            "text": "Internal: met the chair.",
            "public_summary": "We met local schools.",
            "date-day": "2",
            "date-month": "2",
            "date-year": "2026",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action, public_summary="We met local schools.")
    assert update.public_approved_at is None
    public = Client()
    assert "We met local schools." not in public.get("/public/lichfield/progress/").content.decode()
    update.public_approved_at = timezone.now()
    update.save()
    assert "We met local schools." in public.get("/public/lichfield/progress/").content.decode()


def test_the_plan_heading_gives_its_years_once(site, client: Client):
    """A title that names its years ("... plan 2022-2025") is not followed by them again; a title
    without them gets them."""
    from saferplaces.web.plans.year import start_version

    html = client.get("/public/lichfield/plan/").content.decode()
    assert "Community Safety Delivery plan 2022-2025</span></p>" in html
    assert "2022 to 2025" not in html
    plan = Plan.objects.get(partnership__slug="lichfield", status=Plan.Status.PUBLISHED)
    admin = User.objects.create_user("admin-years")
    draft = start_version(plan, admin, kind=Plan.VersionKind.REFRESH, label="Refresh", what_changed="Title")
    Plan.objects.filter(pk=draft.pk).update(title="Community Safety Delivery Plan")
    renamed = Plan.objects.get(pk=draft.pk)
    publish_plan(renamed, admin, "Board of 2 April 2025 (minute 2)", dt.date(2025, 4, 2))
    cache.clear()
    html = client.get("/public/lichfield/plan/").content.decode()
    assert "Community Safety Delivery Plan</span>: 2022 to 2025</p>" in html


@pytest.mark.parametrize(
    ("title", "gives"),
    [
        ("Community Safety Delivery plan 2022-2025", True),
        ("Community Safety and Wellbeing Strategy 2022 - 2025", True),
        ("Community Safety Agreement 2022 – 2025", True),
        ("Plan 2022-25", True),
        ("Plan for 2022 to 2025", True),
        ("Community Safety Plan 2022 (reviewed 2025)", False),
        ("Community Safety Plan", False),
        ("Plan 2021-2025", False),
    ],
)
def test_a_title_gives_the_years_only_when_it_names_the_span(title: str, gives: bool) -> None:
    assert Plan(title=title, start_year=2022, end_year=2025).title_gives_years is gives
