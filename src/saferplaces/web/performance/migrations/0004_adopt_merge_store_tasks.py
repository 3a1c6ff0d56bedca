"""Merges the store branch's and the tasks branch's third migrations (no changes of its own)."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0003_store_snapshot_id"),
        ("performance", "0003_tasks_target_kind_retired"),
    ]

    operations: list = []
