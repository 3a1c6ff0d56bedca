"""The partnership's change history page, for its members."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from saferplaces.web.accounts.permissions import is_member
from saferplaces.web.audit.forms import HistoryFilterForm
from saferplaces.web.audit.labels import field_label, record_kind, shown_value
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.validation import form_query


@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every recorded change to the partnership's data, newest first, 50 to a page, with filters."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if not is_member(request.user, partnership):
        # The history holds unpublished data; its existence is not shown to others.
        raise Http404("No history here.")
    everything = AuditEntry.objects.filter(partnership=partnership)
    form = HistoryFilterForm(everything, request.GET or None)
    entries = form.apply(everything)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "title": f"Change history – {partnership.name}",
        "partnership": partnership,
        "page": page,
        "form": form,
        "filtered": bool(form.filters()),
        "query": form_query(request.GET, form.fields),
        "record_kind": record_kind,
        "field_label": field_label,
        "shown_value": shown_value,
        "nav_active": "partnerships",
        "breadcrumbs": [
            {"text": "Partnerships", "href": "/"},
            {"text": partnership.name, "href": f"/partnerships/{partnership.slug}/"},
        ],
    }
    return render(request, "audit/history.html", context)
