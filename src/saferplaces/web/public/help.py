"""Where to get help, and how to contact a partnership: what its administrators entered for residents."""

from __future__ import annotations

from typing import Any

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.public.models import HelpLink, PublicContact
from saferplaces.web.public.published import public_values


def contact_for(p: Partnership) -> PublicContact | None:
    """The partnership's published contact details, or None when none are entered."""
    found = PublicContact.objects.filter(partnership=p).first()
    return None if found is None or found.is_empty else found


def help_record(p: Partnership) -> dict[str, Any]:
    """The help links and contact details as published (both languages, as entered)."""
    contact = contact_for(p)
    return {
        "slug": p.slug,
        "help": [public_values(link) for link in HelpLink.objects.filter(partnership=p)],
        "contact": public_values(contact) if contact else None,
    }


def in_language(english: str, welsh: str, lang: str) -> tuple[str, str]:
    """Text in Welsh when the page is Welsh and Welsh was given, else the English; and its language."""
    if lang == "cy" and welsh.strip():
        return welsh, "cy"
    return english, "en"


def help_shown(p: Partnership, lang: str) -> list[dict[str, Any]]:
    """The help links as a page in ``lang`` shows them: name and text in that language when given."""
    shown = []
    for link in HelpLink.objects.filter(partnership=p):
        name, name_lang = in_language(link.help_name, link.help_name_cy, lang)
        about, about_lang = in_language(link.help_about, link.help_about_cy, lang)
        shown.append(
            {
                "name": name,
                "name_lang": name_lang,
                "about": about,
                "about_lang": about_lang,
                "url": link.help_url,
                "phone": link.help_phone,
            }
        )
    return shown
