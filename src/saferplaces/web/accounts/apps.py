from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in, password reset, roles and membership of partnerships."""

    name = "saferplaces.web.accounts"
    label = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from saferplaces.web.accounts.lockout import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="saferplaces-lockout-audit")

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from saferplaces.web.cache import data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"saferplaces-cache-{id(signal)}")
