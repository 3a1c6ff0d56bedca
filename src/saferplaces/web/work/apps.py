from __future__ import annotations

from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "saferplaces.web.work"
    label = "work"
    verbose_name = "Background work"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The kinds of work register their runners when their modules load.
        from saferplaces.web.work import kinds  # noqa: F401
