"""Commands: download (being written)."""

COMMANDS: list = []
