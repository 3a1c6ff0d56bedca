from __future__ import annotations

from django.apps import AppConfig


class BoardPacksConfig(AppConfig):
    name = "saferplaces.web.boardpacks"
    label = "boardpacks"
    verbose_name = "Board packs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The pack's build and sign-off register their runners with the background work.
        from saferplaces.web.boardpacks import build  # noqa: F401
