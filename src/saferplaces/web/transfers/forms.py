"""The import form: a file and what it holds, with GOV.UK wording for its errors."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.errors import DataFormatError
from saferplaces.web.tables import Table, check_upload, read_table
from saferplaces.web.transfers.kinds import KINDS

SELECT_FILE = "Select a CSV or XLSX file"


class ImportForm(forms.Form):
    """Upload a CSV or XLSX file of actions, targets or risks; a valid form has :attr:`table`."""

    file = forms.FileField(
        # read_table says an empty file is empty, in the same words for every way of uploading.
        allow_empty_file=True,
        error_messages={"required": SELECT_FILE, "invalid": SELECT_FILE, "missing": SELECT_FILE},
    )
    kind = forms.ChoiceField(
        choices=[(kind.name, kind.label) for kind in KINDS.values()],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what the file holds",
            "invalid_choice": "Select what the file holds",
        },
    )

    table: Table | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        try:
            # Size and name first, so an oversized file is never read into memory.
            check_upload(upload.name, upload.size)
            self.table = read_table(upload.name, upload.read(), sheet=data.get("kind", ""))
        except DataFormatError as error:
            self.add_error("file", str(error))
        return data
