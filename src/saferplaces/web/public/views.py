"""The residents' pages: no sign-in, published data only, each with CSV and JSON twins."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from saferplaces.data.policeuk_format import CRIME_TYPES
from saferplaces.disclosure import SUPPRESSED_TEXT
from saferplaces.reports.ward_svg import ward_map_svg
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.public import sentences
from saferplaces.web.public.data import month_rows, picture_for, picture_record, search, ward_rows
from saferplaces.web.public.http import (
    csv_response,
    json_response,
    language_of,
    other_language_url,
    public_url,
    public_view,
)
from saferplaces.web.public.published import partnership_record, public_partnerships, published_plans


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
    return [partnership_record(p) for p in public_partnerships()]


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


def _search_rows(request: HttpRequest) -> tuple[Any, list[dict[str, Any]]]:
    text = request.GET.get("q", "")
    found, rows = search(text)
    out = [
        {
            "place": match.area.name,
            "place_type": match.area.level,
            "place_code": match.area.code,
            "district": match.district_name,
            "partnerships": [p.slug for p in partnerships],
            "_partnerships": partnerships,
        }
        for match, partnerships in rows
    ]
    return found, out


@public_view
def find(request: HttpRequest) -> HttpResponse:
    """Places whose names fit what the resident typed, with their partnerships."""
    found, rows = _search_rows(request)
    return _page(request, "public/find.html", _("Find your partnership"), {"found": found, "rows": rows})


@public_view
def find_json(request: HttpRequest) -> HttpResponse:
    found, rows = _search_rows(request)
    return json_response(
        {
            "query": found.text,
            "looks_like_postcode": found.looks_like_postcode,
            "places": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
            "assumptions": list(found.assumptions),
        }
    )


@public_view
def find_csv(request: HttpRequest) -> HttpResponse:
    _found, rows = _search_rows(request)
    flat = [{**r, "partnerships": " ".join(r["partnerships"])} for r in rows]
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
            "record": partnership_record(p),
            "plans": published_plans(p),
            "children": p.children.order_by("name"),
        },
    )


@public_view
def partnership_json(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(slug)
    return json_response(partnership_record(p) | {"plans": published_plans(p)})


@public_view
def partnership_csv(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(slug)
    rows = [{"partnership": p.slug, **m} for m in partnership_record(p)["members"]]
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
