from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in, roles and membership of partnerships (a later slice)."""

    name = "saferplaces.web.accounts"
    label = "accounts"
