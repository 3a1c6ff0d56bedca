from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "saferplaces.web.assessments"
    label = "assessments"
    verbose_name = "Strategic assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The assessment build registers its runner with the background work when it loads.
        from saferplaces.web.assessments import build  # noqa: F401
