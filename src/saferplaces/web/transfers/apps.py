from __future__ import annotations

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "saferplaces.web.transfers"
    label = "transfers"
    verbose_name = "Imports and exports"
