"""WSGI entry point: ``gunicorn saferplaces.web.config.wsgi``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.local")
application = get_wsgi_application()

from saferplaces.web.server import warm_up  # noqa: E402  (needs the settings get_wsgi_application set up)

warm_up()
