"""A published plan for residents: its priorities and why, its places, its progress and its targets.

Each function builds one JSON-ready record from the published plan; the page, its CSV and
JSON twins, the easy-read guide, the feed and the API all read these records, so none of
them can show a field the others do not. Every field comes through
:func:`~saferplaces.web.public.published.public_values` (the allow-list).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Prefetch

from saferplaces.web.plans.models import Action, Plan, Priority, ProgressUpdate
from saferplaces.web.public import sentences
from saferplaces.web.public.help import in_language
from saferplaces.web.public.published import approved_updates, public_values

#: How many sentences of a priority's reasons the plan page gives as its "why".
WHY_SENTENCES = 2


def first_sentences(text: str, count: int = WHY_SENTENCES) -> str:
    """The first ``count`` sentences of ``text`` (a sentence ends with . ! or ? and a space)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", " ".join(text.split()))
    return " ".join(parts[:count]).strip()


def _adoption(priority: Priority) -> Any:
    """The newest adoption record of the priority from an assessment (None when it was not adopted)."""
    found = getattr(priority, "public_adoptions", None)
    if found is None:
        found = list(priority.adoptions.all()[:1])
    return found[0] if found else None


def why(priority: Priority) -> tuple[list[str], bool]:
    """One or two sentences on why this is a priority, from the adopted evidence or the plan's reasons.

    An adoption from an assessment gives where the theme came in the assessment's ranking and
    the months it covered; a statutory duty or community concern says so; otherwise the
    first sentences of the plan's own reasons (or its evidence) are quoted as the plan has them.
    Returns the sentences, and whether they are quoted from the plan (in its own language).
    """
    adoption = _adoption(priority)
    if adoption is not None:
        kind = adoption.reason_kind
        evidence = adoption.evidence or {}
        months = [m for m in evidence.get("months") or [] if m]
        if kind == "evidence" and evidence.get("rank") and evidence.get("rank_of") and len(months) == 2:
            said = sentences.say(
                "why_rank",
                start=sentences.month_name(str(months[0])[:7]),
                end=sentences.month_name(str(months[1])[:7]),
                rank=evidence["rank"],
                of=evidence["rank_of"],
            )
            return [said], False
        if kind == "statutory":
            return [sentences.say("why_statutory")], False
        if kind == "community":
            return [sentences.say("why_community")], False
    for text in [*(priority.reasons or []), priority.evidence]:
        if isinstance(text, str) and text.strip():
            return [first_sentences(text)], True
    return [], False


def _priorities(plan: Plan) -> list[Priority]:
    from saferplaces.web.assessments.models import PriorityEvidence

    return list(
        plan.priorities.prefetch_related(
            Prefetch("actions", queryset=Action.objects.all()),
            Prefetch(
                "actions__updates",
                queryset=ProgressUpdate.objects.exclude(public_approved_at=None).exclude(public_summary=""),
            ),
            Prefetch("adoptions", queryset=PriorityEvidence.objects.all(), to_attr="public_adoptions"),
        )
    )


def plan_record(plan: Plan) -> dict[str, Any]:
    """The plan in plain English: its priorities (why, and what the partnership will do) and places."""
    return public_values(plan) | {
        "our_priorities": [
            public_values(p)
            | {
                "why": (said := why(p))[0],
                "why_quoted_from_plan": said[1],
                "what_we_will_do": [a.action for a in p.actions.all() if a.action.strip()],
            }
            for p in _priorities(plan)
        ],
        "places": [public_values(place) for place in plan.places.all()],
    }


def next_step(action: Action, today: dt.date | None = None) -> str:
    """What's next for an action: the month it is due by, while that month is still to come."""
    today = today or dt.date.today()
    if action.due_date is not None and action.due_date >= today:
        return sentences.say("next_due", month=sentences.month_name(action.due_date.strftime("%Y-%m")))
    return ""


def progress_record(plan: Plan, today: dt.date | None = None) -> dict[str, Any]:
    """What we said, what we did, what's next: actions and their approved public summaries."""
    priorities = []
    for p in _priorities(plan):
        actions = [
            public_values(a)
            | {
                "updates": [public_values(u) for u in approved_updates(a.updates.all())],
                "next_step": next_step(a, today),
            }
            for a in p.actions.all()
            if a.action.strip()
        ]
        if actions:
            priorities.append({"title": p.title, "actions": actions})
    return public_values(plan) | {"progress": priorities}


def progress_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The progress guide as CSV rows: one per approved update, or one per action with none."""
    rows = []
    for p in record["progress"]:
        for a in p["actions"]:
            base = {"priority": p["title"], "action": a["action"], "outcome": a["outcome"]}
            base["due_date"] = a["due_date"]
            for u in a["updates"] or [{}]:
                rows.append(
                    base
                    | {
                        "date": u.get("date"),
                        "public_summary": u.get("public_summary", ""),
                        "public_summary_cy": u.get("public_summary_cy", ""),
                    }
                )
    return rows


def feed_items(plan: Plan) -> list[tuple[ProgressUpdate, Action, Priority]]:
    """Every approved public summary of the plan, newest first, with its action and priority."""
    items = [
        (u, a, p)
        for p in _priorities(plan)
        for a in p.actions.all()
        for u in approved_updates(a.updates.all())
    ]
    items.sort(key=lambda item: (item[0].date, item[0].public_approved_at, item[0].pk), reverse=True)
    return items


def summary_in(update: dict[str, Any] | ProgressUpdate, lang: str) -> tuple[str, str]:
    """An update's public summary in ``lang`` when given in it, else in English; and the language shown."""
    values = update if isinstance(update, dict) else public_values(update)
    return in_language(values["public_summary"], values["public_summary_cy"], lang)
