"""Commands: quality (being written)."""

COMMANDS: list = []
