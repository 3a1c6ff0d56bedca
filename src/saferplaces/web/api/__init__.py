"""The read-only public API (django-ninja): published data only."""
