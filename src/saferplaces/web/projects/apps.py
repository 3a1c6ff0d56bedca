from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "saferplaces.web.projects"
    label = "projects"
