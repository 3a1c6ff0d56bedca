"""The residents' pages: no sign-in, published data only, each with CSV and JSON twins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from saferplaces.data.policeuk_format import CRIME_TYPES
from saferplaces.disclosure import SUPPRESSED_TEXT
from saferplaces.reports.ward_svg import ward_map_svg
from saferplaces.web import demo_activity
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan
from saferplaces.web.public import sentences
from saferplaces.web.public.data import month_rows, picture_for, picture_record, ward_rows
from saferplaces.web.public.easy_read import print_data, shown_priorities, typeset
from saferplaces.web.public.gazetteer import PlaceSearchResult, csv_rows, place_search, search_record
from saferplaces.web.public.help import contact_for, help_record, help_shown
from saferplaces.web.public.http import (
    csv_response,
    json_response,
    language_of,
    other_language_url,
    public_url,
    public_view,
    record_of,
)
from saferplaces.web.public.plan import feed_items, plan_record, progress_record, progress_rows, summary_in
from saferplaces.web.public.published import (
    current_plan,
    partnership_record,
    public_partnerships,
    published_plans,
)
from saferplaces.web.public.targets import target_rows, targets_record


def _page(request: HttpRequest, template: str, title: str, context: dict[str, Any]) -> HttpResponse:
    lang = language_of(request)
    context |= {
        "title": title,
        "lang": lang,
        "html_lang": "cy" if lang == "cy" else "en-GB",
        "purl": lambda name, *args: public_url(request, name, *args),
        "other_language_url": other_language_url(request),
    }
    return render(request, template, context)


def _partnership(slug: str) -> Partnership:
    return get_object_or_404(Partnership.objects.select_related("parent"), slug=slug)


# -- home and search -----------------------------------------------------------------------


def _home_rows() -> list[dict[str, Any]]:
    return [record_of(partnership_record, p) for p in public_partnerships()]


@public_view
def home(request: HttpRequest) -> HttpResponse:
    """Every partnership, and a box to find yours by place name."""
    return _page(
        request,
        "public/home.html",
        _("Community safety where you live"),
        {"partnerships": public_partnerships()},
    )


@public_view
def home_json(request: HttpRequest) -> HttpResponse:
    return json_response({"partnerships": _home_rows()})


@public_view
def home_csv(request: HttpRequest) -> HttpResponse:
    rows = [{k: v for k, v in r.items() if k != "members"} for r in _home_rows()]
    return csv_response(
        rows, "partnerships.csv", ["slug", "name", "short_name", "kind", "area_name", "parent"]
    )


def _search(request: HttpRequest) -> PlaceSearchResult:
    return place_search(request.GET.get("q", ""))


@public_view
def find(request: HttpRequest) -> HttpResponse:
    """Places whose names fit what the resident typed, with their partnerships."""
    result = _search(request)
    return _page(
        request,
        "public/find.html",
        _("Find your partnership"),
        {"found": result.found, "rows": result.rows, "towns": result.towns, "town_rows": result.town_rows},
    )


@public_view
def find_json(request: HttpRequest) -> HttpResponse:
    return json_response(search_record(_search(request)))


@public_view
def find_csv(request: HttpRequest) -> HttpResponse:
    result = _search(request)
    flat = csv_rows(result.town_rows)
    flat += [{**r, "partnerships": " ".join(r["partnerships"])} for r in result.rows]
    return csv_response(flat, "places.csv", ["place", "place_type", "place_code", "district", "partnerships"])


# -- a partnership ---------------------------------------------------------------------------


@public_view
def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    """A partnership's public home: who it is, its members, its published plans and the local picture."""
    p = _partnership(slug)
    return _page(
        request,
        "public/partnership.html",
        p.name,
        {
            "partnership": p,
            "record": record_of(partnership_record, p),
            "plans": published_plans(p),
            "children": p.children.order_by("name"),
            "contact": contact_for(p),
        },
    )


@public_view
def partnership_json(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(slug)
    return json_response(record_of(partnership_record, p) | {"plans": published_plans(p)})


@public_view
def partnership_csv(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(slug)
    rows = [{"partnership": p.slug, **m} for m in record_of(partnership_record, p)["members"]]
    return csv_response(rows, f"{p.slug}-members.csv", ["partnership", "name", "website"])


# -- the local picture ---------------------------------------------------------------------


def _picture(slug: str) -> tuple[Partnership, Any]:
    p = _partnership(slug)
    picture = picture_for(p)
    return p, picture


def _map(picture: Any) -> Any:
    values = {w.code: w.crime.rate for w in picture.wards}
    titles = {
        w.code: (
            f"{w.name}: {sentences.number(w.crime.rate, 1)} " + _("crimes for every 1,000 people")
            if w.crime.rate is not None
            else f"{w.name}: " + _("not shown")
        )
        for w in picture.wards
    }
    label = _("Map of the wards of %(area)s, shaded by crimes for every 1,000 people. Darker is higher.") % {
        "area": picture.area.name
    }
    return ward_map_svg(values, titles, label)


@public_view
def local_picture(request: HttpRequest, slug: str) -> HttpResponse:
    """Crime and anti-social behaviour in the area and each ward, for the latest 12 months held."""
    p, picture = _picture(slug)
    context: dict[str, Any] = {"partnership": p, "picture": None, "problem": None}
    if picture is None:
        context["problem"] = _("We do not hold figures for the area of this partnership.")
    elif isinstance(picture, str):
        context["problem"] = _("We do not hold 12 months of figures in a row for this area yet.")
    else:
        context |= {
            "picture": picture,
            "summary": sentences.summary(picture),
            "estimates": sentences.estimates(picture),
            "seasonal": sentences.seasonal(picture),
            "privacy": sentences.privacy(),
            "wards_sentence": sentences.say("wards", count=len(picture.wards), area=picture.area.name),
            "window": sentences.say(
                "window",
                start=sentences.month_name(picture.first_month),
                end=sentences.month_name(picture.last_month),
            ),
            "month_name": sentences.month_name,
            "number": sentences.number,
            "map": _map(picture),
            "suppressed_text": _(SUPPRESSED_TEXT),
            "crime_types": CRIME_TYPES,
        }
    return _page(
        request,
        "public/local_picture.html",
        _("Crime and anti-social behaviour in %(area)s") % {"area": p.area_name},
        context,
    )


def _picture_or_404(slug: str) -> Any:
    _p, picture = _picture(slug)
    if picture is None or isinstance(picture, str):
        raise Http404("No local picture is held for this partnership.")
    return picture


@public_view
def local_picture_json(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(picture_record(_picture_or_404(slug)))


@public_view
def local_picture_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return csv_response(ward_rows(_picture_or_404(slug)), f"{slug}-ward-figures.csv")


@public_view
def local_picture_months_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return csv_response(month_rows(_picture_or_404(slug)), f"{slug}-months.csv")


# -- the published plan: plain English, progress, targets, help ------------------------------


def _published(slug: str) -> tuple[Partnership, Plan]:
    """The partnership and its current published plan; 404 when it has none published."""
    p = _partnership(slug)
    plan = current_plan(p)
    if plan is None:
        raise Http404("This partnership has not published a plan.")
    return p, plan


def _plan_page(request: HttpRequest, template: str, title: str, slug: str, **context: Any) -> HttpResponse:
    p, plan = _published(slug)
    # The demo's invented activity (issue 11) is never shown to residents as if it were real.
    invented = demo_activity.is_loaded(p)
    return _page(request, template, title, {"partnership": p, "plan": plan, "invented": invented, **context})


@public_view
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    """The published plan in plain English: priorities and why, what the partnership will do, its places."""
    _p, published = _published(slug)
    return _plan_page(
        request,
        "public/plan.html",
        _("Our plan"),
        slug,
        record=record_of(plan_record, published),
        contact=contact_for(_p),
    )


@public_view
def plan_json(request: HttpRequest, slug: str) -> HttpResponse:
    _p, published = _published(slug)
    return json_response(record_of(plan_record, published))


@public_view
def plan_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _p, published = _published(slug)
    rows = [
        {
            "plan": published.title,
            "priority": pr["title"],
            "kind": pr["kind"],
            "why": " ".join(pr["why"]),
            "what_we_will_do": " | ".join(pr["what_we_will_do"]),
        }
        for pr in record_of(plan_record, published)["our_priorities"]
    ]
    return csv_response(rows, f"{slug}-plan.csv", ["plan", "priority", "kind", "why", "what_we_will_do"])


def _progress_context(request: HttpRequest, published: Plan) -> dict[str, Any]:
    lang = language_of(request)
    record = record_of(progress_record, published)
    for p in record["progress"]:
        for a in p["actions"]:
            a["shown"] = [(sentences.long_date(u["date"]), *summary_in(u, lang)) for u in a["updates"]]
    feed = public_url(request, "updates-feed", published.partnership.slug)
    return {"record": record, "no_update": sentences.say("no_update"), "feed_url": feed}


@public_view
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    """What we said, what we did, what's next: the progress guide."""
    _p, published = _published(slug)
    return _plan_page(
        request,
        "public/progress.html",
        _("What we said, what we did, what's next"),
        slug,
        **_progress_context(request, published),
    )


@public_view
def progress_json(request: HttpRequest, slug: str) -> HttpResponse:
    _p, published = _published(slug)
    return json_response(record_of(progress_record, published))


@public_view
def progress_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _p, published = _published(slug)
    return csv_response(progress_rows(record_of(progress_record, published)), f"{slug}-progress.csv")


def _easy_context(request: HttpRequest, p: Partnership, published: Plan) -> dict[str, Any]:
    context = _progress_context(request, published)
    return context | {
        "priorities": shown_priorities(context["record"]),
        "intro": sentences.say("easy_intro", partnership=p.name),
        "said": sentences.say("easy_said"),
        "did": sentences.say("easy_did"),
        "next": sentences.say("easy_next"),
    }


@public_view
def easy_read(request: HttpRequest, slug: str) -> HttpResponse:
    """The progress guide in easy read: large type, short sentences, one idea per line, simple pictures."""
    p, published = _published(slug)
    return _plan_page(
        request,
        "public/easy_read.html",
        _("Easy read: what we are doing"),
        slug,
        icon=lambda name: static(f"public/icons/{name}.svg"),
        **_easy_context(request, p, published),
    )


@public_view
def easy_read_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The easy-read guide as a print-ready PDF, typeset by Typst from the same words (ADR 0032)."""
    p, published = _published(slug)
    data = print_data(
        _easy_context(request, p, published),
        lang=language_of(request),
        title=_("Easy read: what we are doing"),
        partnership=p.name,
        invented=demo_activity.is_loaded(p),
    )
    response = HttpResponse(typeset(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slug}-easy-read.pdf"'
    return response


@public_view
def targets(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's targets in plain words, each with the test that judged it."""
    _p, published = _published(slug)
    return _plan_page(
        request, "public/targets.html", _("Our targets"), slug, record=record_of(targets_record, published)
    )


@public_view
def targets_json(request: HttpRequest, slug: str) -> HttpResponse:
    _p, published = _published(slug)
    return json_response(record_of(targets_record, published))


@public_view
def targets_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _p, published = _published(slug)
    return csv_response(target_rows(record_of(targets_record, published)), f"{slug}-targets.csv")


@public_view
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Where to get help: the links and numbers the partnership entered, and how to contact it."""
    p = _partnership(slug)
    lang = language_of(request)
    return _page(
        request,
        "public/help.html",
        _("Where to get help"),
        {
            "partnership": p,
            "record": record_of(help_record, p),
            "links": help_shown(p, lang),
            "contact": contact_for(p),
        },
    )


@public_view
def help_json(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(record_of(help_record, _partnership(slug)))


@public_view
def help_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return csv_response(record_of(help_record, _partnership(slug))["help"], f"{slug}-help.csv")


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text (``type="text"``), as partners typed them.

    Django's Atom1Feed writes every summary as ``type="html"``, so a feed reader would run a
    summary's ``<a>``, ``<img>`` or ``<script>`` as markup: text a partner typed must stay text.
    """

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


@public_view
def updates_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """An Atom feed of the approved public summaries of the partnership's published plan."""
    p, published = _published(slug)
    lang = language_of(request)
    page = request.build_absolute_uri(public_url(request, "progress", slug))
    feed = TextSummaryAtomFeed(
        title=_("Progress: %(name)s") % {"name": p.name},
        link=page,
        description=_("What we said, what we did, what's next"),
        language="cy" if lang == "cy" else "en-GB",
        feed_url=request.build_absolute_uri(),
        feed_guid=page,
        author_name=p.name,  # Atom (RFC 4287) needs an author for the feed when entries name none
    )
    for update, action, priority in feed_items(published):
        text, _shown_lang = summary_in(update, lang)
        feed.add_item(
            title=f"{priority.title}: {action.action}"[:200],
            link=f"{page}#update-{update.pk}",
            description=text,
            unique_id=f"{page}#update-{update.pk}",
            pubdate=dt.datetime.combine(update.date, dt.time(), tzinfo=dt.UTC),
            updateddate=update.public_approved_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
