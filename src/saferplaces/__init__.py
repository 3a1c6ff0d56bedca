"""Safer Places: the data-led cycle of a Community Safety Partnership."""

__version__ = "0.1.0"
