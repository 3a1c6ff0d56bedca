"""The change history's filters: kind of record, one record, person and dates (a GET form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from saferplaces.web.audit.labels import record_kind
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.govuk import DateInputField


class HistoryFilterForm(forms.Form):
    """Filters read from the page's address; a value that is not valid is ignored (a stale link)."""

    model = forms.ChoiceField(required=False)
    object = forms.CharField(required=False, max_length=50)
    person = forms.ChoiceField(required=False)
    since = DateInputField(label="From", required=False)
    until = DateInputField(label="To", required=False)

    def __init__(self, entries: QuerySet[AuditEntry], data: Any = None) -> None:
        super().__init__(data)
        models = sorted(set(entries.values_list("model", flat=True)), key=record_kind)
        people = sorted(set(entries.exclude(user_name="").values_list("user_name", flat=True)))
        self.fields["model"].choices = [("", "Any")] + [(m, record_kind(m)) for m in models]
        self.fields["person"].choices = [("", "Anyone")] + [(p, p) for p in people]

    def filters(self) -> dict[str, Any]:
        """The filters given that are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        chosen = self.filters()
        if "model" in chosen:
            entries = entries.filter(model=chosen["model"])
            if "object" in chosen:
                entries = entries.filter(object_id=chosen["object"])
        if "person" in chosen:
            entries = entries.filter(user_name=chosen["person"])
        if "since" in chosen:
            entries = entries.filter(when__date__gte=chosen["since"])
        if "until" in chosen:
            entries = entries.filter(when__date__lte=chosen["until"])
        return entries
