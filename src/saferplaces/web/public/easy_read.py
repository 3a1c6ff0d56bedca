"""The residents' easy-read guide: which actions it shows, and its PDF typeset by Typst (ADR 0032).

The page (``public/easy_read.html``) and the PDF show the same words: every sentence is
translated here with the msgid the page's template uses, so the Welsh translations in the
``.po`` file serve both. The PDF's layout is ``easy_read.typ`` beside this module; the words
reach it as data (JSON in ``sys.inputs``), never as Typst markup, so a plan or action name can
hold any character (``#``, ``[``, ``*``, ``$``) and print as it is typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from saferplaces.reports.typst_run import run_typst

TEMPLATE = Path(__file__).with_name("easy_read.typ")
#: The pictures, shared with the page (which links to them as static files).
ICON_DIR = Path(__file__).resolve().parent.parent / "static" / "public" / "icons"


def shown_priorities(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The priorities and actions the guide shows: only actions with news or a next step.

    A long list of "no news yet" is not easy to read. ``record`` is the progress record with
    each action's dated summaries in ``shown`` (as ``views._progress_context`` makes it).
    """
    out = []
    for p in record["progress"]:
        actions = [a for a in p["actions"] if a["shown"] or a["next_step"]]
        if actions:
            out.append({"title": p["title"], "actions": actions})
    return out


def _icons() -> dict[str, dict[str, str]]:
    # the alt texts are the page's (public/_easy.html), so they keep their Welsh
    alts = {"said": _("A speech bubble"), "did": _("A tick"), "next": _("An arrow pointing forward")}
    return {name: {"svg": (ICON_DIR / f"{name}.svg").read_text(), "alt": alt} for name, alt in alts.items()}


def print_data(
    context: dict[str, Any], *, lang: str, title: str, partnership: str, invented: bool
) -> dict[str, Any]:
    """Everything the PDF shows, as plain data for ``easy_read.typ``, in the guide's language.

    ``context`` is the easy-read page's (``views._easy_context``); ``invented`` says the
    partnership holds the demo's made-up activity, which the guide then warns of as the page does.
    """

    def entered(text: str, text_lang: str = "en") -> dict[str, str]:
        # names and summaries the partnership typed: English unless given in Welsh
        return {"text": text, "lang": text_lang}

    def said(text: str) -> dict[str, str]:
        return {"text": text, "lang": lang}

    priorities = []
    for p in context["priorities"]:
        actions = []
        for a in p["actions"]:
            did = [entered(f"{date}: {text}", text_lang) for date, text, text_lang in a["shown"]]
            parts = [
                {"icon": "said", "lines": [said(context["said"]), entered(a["action"])]},
                {"icon": "did", "lines": [said(context["did"]), *(did or [said(context["no_update"])])]},
            ]
            if a["next_step"]:
                parts.append({"icon": "next", "lines": [said(context["next"]), said(a["next_step"])]})
            actions.append({"parts": parts})
        priorities.append({"title": entered(p["title"]), "actions": actions})
    warning = None
    if invented:  # the page's words (public/_invented.html)
        warning = {
            "label": _("Warning"),
            "text": _(
                "This is a demonstration. Some updates and figures for this partnership were made up "
                "to show how the site works. They are not real."
            ),
        }
    return {
        "lang": "cy" if lang == "cy" else "en",
        "title": title,
        "document_title": f"{title} – {partnership}",
        "partnership": partnership,
        "intro": context["intro"],
        "no_update": context["no_update"],
        "warning": warning,
        "icons": _icons(),
        "priorities": priorities,
    }


def typeset(data: dict[str, Any]) -> bytes:
    """Typst's PDF of ``data`` laid out by ``easy_read.typ``: A4, tagged (PDF/UA-1)."""
    return run_typst(
        TEMPLATE,
        {"data": data},
        "easy-read guide's PDF",
        "Read the easy-read page instead, and tell the partnership that its PDF failed.",
        pdf_standards=["ua-1"],
    )
