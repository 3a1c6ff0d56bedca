"""Commands: partner (being written)."""

COMMANDS: list = []
