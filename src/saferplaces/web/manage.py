"""Django's command-line utility for Safer Places: ``python -m saferplaces.web.manage``.

The settings default to ``saferplaces.web.config.settings.local``; set
``DJANGO_SETTINGS_MODULE=saferplaces.web.config.settings.production`` on a server.
"""

from __future__ import annotations

import os
import sys

DEFAULT_SETTINGS = "saferplaces.web.config.settings.local"


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command, as ``manage.py`` would."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
