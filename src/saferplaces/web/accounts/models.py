"""Accounts: Django's users for now; roles per partnership come in a later slice."""
