"""The residents' site: public pages per partnership, no sign-in."""
