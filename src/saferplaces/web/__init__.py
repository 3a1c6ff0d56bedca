"""The Safer Places partnership web application (Django).

The library (``saferplaces.data``, ``.stats``, ``.assessment``, ``.reports``) never
imports this package; it may import the library.
"""
