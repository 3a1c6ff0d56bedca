"""The forms of board packs: which plan and quarter to build, and the asks of each exception."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.reports.board_pack import ASKS
from saferplaces.web.validation import LONG_TEXT, too_long


class BuildForm(forms.Form):
    """The plan and the quarter of a new pack."""

    plan = forms.ChoiceField(error_messages={"required": "Select a plan", "invalid_choice": "Select a plan"})
    quarter = forms.ChoiceField(
        error_messages={"required": "Select a quarter", "invalid_choice": "Select a quarter"}
    )

    def __init__(self, plans: list[tuple[str, str]], quarters: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = plans
        self.fields["quarter"].choices = [(q, q) for q in quarters]


class AsksForm(forms.Form):
    """What the board is asked to do about each exception: note, decide or escalate, and the words."""

    def __init__(self, exceptions: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exceptions = exceptions
        for i, e in enumerate(exceptions):
            self.fields[f"ask_{i}"] = forms.ChoiceField(
                choices=list(ASKS.items()),
                initial=e.get("ask", "note"),
                error_messages={
                    "required": f"Select what the board is asked to do about {e['title']}",
                    "invalid_choice": f"Select what the board is asked to do about {e['title']}",
                },
            )
            self.fields[f"text_{i}"] = forms.CharField(
                max_length=LONG_TEXT,
                initial=e.get("ask_text", ""),
                error_messages={
                    "required": f"Enter what the board is asked about {e['title']}",
                    "max_length": too_long("What is asked"),
                },
            )

    def rows(self) -> list[tuple[dict[str, Any], str, str]]:
        return [(e, f"ask_{i}", f"text_{i}") for i, e in enumerate(self.exceptions)]

    def apply(self, content: dict[str, Any]) -> dict[str, Any]:
        """The content with the asks as entered."""
        exceptions = [dict(e) for e in content.get("exceptions", [])]
        for i, e in enumerate(exceptions):
            e["ask"] = self.cleaned_data[f"ask_{i}"]
            e["ask_text"] = self.cleaned_data[f"text_{i}"].strip()
        return {**content, "exceptions": exceptions}
