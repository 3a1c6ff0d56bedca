"""The Jinja2 environment for Safer Places pages, with the govuk-frontend-jinja macros.

Templates import GOV.UK components as
``{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from saferplaces.defaults import DEFAULTS
from saferplaces.web import govuk
from saferplaces.wording import the_window


def _url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def _can_edit_plan(user: Any, plan: Any) -> bool:
    # Imported when a page asks, not when settings load the environment: permissions need the models.
    from saferplaces.web.accounts.permissions import can_edit_plan

    return can_edit_plan(user, plan)


def _is_member(user: Any, partnership: Any) -> bool:
    """Whether the user holds a role in the partnership (templates show partner-only links with it)."""
    from saferplaces.web.accounts.permissions import is_member

    return is_member(user, partnership)


def _localtime_text(value: Any) -> str:
    """A stored time in the site's time zone, as "3 December 2026 at 11:30"."""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%-d %B %Y at %H:%M") if value else ""


def environment(**options: Any) -> Environment:
    """Build the environment Django's Jinja2 backend uses."""
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    # Django's gettext behind {{ _("...") }}, so fixed text can be translated (the public pages' Welsh).
    options["extensions"] = [*options.get("extensions", ()), "jinja2.ext.i18n"]
    options["extensions"] = [*options.get("extensions", ()), "saferplaces.web.cache.FragmentCacheExtension"]
    env = Environment(**options)
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.filters["localtime_text"] = _localtime_text
    env.filters["the_window"] = the_window  # "the calendar year 2025", but "March 2025"
    env.globals.update(
        {
            "static": static,
            "url": _url,
            "product_name": settings.PRODUCT_NAME,
            "get_messages": get_messages,
            "error_summary": govuk.error_summary,
            "error_message": govuk.error_message,
            "date_items": govuk.date_items,
            "can_edit_plan": _can_edit_plan,
            # the analytic defaults registry, so that pages state the values the library uses
            "defaults": DEFAULTS,
            "is_member": _is_member,
        }
    )
    return env
