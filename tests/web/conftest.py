"""Django settings for the web tests only; other test folders never import Django.

pytest-django reads ``DJANGO_SETTINGS_MODULE`` at start-up, before this file is
imported when the whole suite runs, so Django is set up here as well.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.test")
django.setup()
