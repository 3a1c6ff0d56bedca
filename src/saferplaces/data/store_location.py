"""Where the data store lives: ``--store DIR``, else ``$SAFERPLACES_HOME``, else a per-user folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

ENV_VAR = "SAFERPLACES_HOME"


def resolve_store_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the store folder chosen by the precedence rule.

    Parameters
    ----------
    explicit
        A folder given on the command line (``--store``); wins when set.
    """
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(user_data_dir("saferplaces", appauthor=False)) / "store"
