from __future__ import annotations

from django.urls import path, register_converter

from saferplaces.web.transfers import views
from saferplaces.web.transfers.exports import FORMATS
from saferplaces.web.transfers.kinds import KINDS


class _Choice:
    """A path part that is one of a fixed set of words."""

    words: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.regex = "|".join(self.words)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KindConverter(_Choice):
    words = tuple(KINDS)


class FormatConverter(_Choice):
    words = tuple(FORMATS)


register_converter(KindConverter, "transfer_kind")
register_converter(FormatConverter, "transfer_format")

PLAN = "partnerships/<slug:slug>/plans/<slug:plan_slug>/"

urlpatterns = [
    path(PLAN + "export/<transfer_kind:kind>.<transfer_format:fmt>", views.export, name="export"),
    path(PLAN + "import/", views.import_upload, name="import"),
    path(PLAN + "import/check/", views.import_check, name="import-check"),
]
