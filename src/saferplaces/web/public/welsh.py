"""Welsh initial-consonant mutations of a month's name after a preposition.

A Welsh sentence on the residents' pages puts a month's name, filled in from the figures,
after a preposition the translation chose: "o Medi 2025 i Mawrth 2026", "yn Mai 2025". Welsh
changes the first sound of the word that follows those prepositions, so the sentence reads
"o Fedi 2025 i Fawrth 2026" and "ym Mai 2025". Only month names are changed here: they are the
only words the code fills in after a preposition (an area's name is English, a period's label
begins with a digit).

* **Soft mutation** after "i" (to) and "o" (from): p→b, t→d, c→g, b→f, d→dd, g is dropped,
  m→f, ll→l, rh→r ("i Fedi", "o Orffennaf", "i Ragfyr").
* **Nasal mutation** after "yn" (in): p→mh, t→nh, c→ngh, b→m, d→n, g→ng, and "yn" itself
  becomes "ym" before m and "yng" before ng ("ym Mawrth", "yng Ngorffennaf", "yn Nhachwedd").

Reference: King G. *Modern Welsh: A Comprehensive Grammar* (Routledge), the chapters on the
soft and nasal mutations. The month names are the Welsh catalogue's (locale/cy).
"""

from __future__ import annotations

import re

#: The months as the Welsh catalogue names them, January first.
MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)

# Longest first, so that "ll" and "rh" are matched before "l" and "r" could be.
_SOFT = (
    ("ll", "l"),
    ("rh", "r"),
    ("p", "b"),
    ("t", "d"),
    ("c", "g"),
    ("b", "f"),
    ("d", "dd"),
    ("g", ""),
    ("m", "f"),
)
_NASAL = (("p", "mh"), ("t", "nh"), ("c", "ngh"), ("b", "m"), ("d", "n"), ("g", "ng"))

_AFTER = re.compile(r"\b(?P<word>[IiOo]|[Yy]n) (?P<month>" + "|".join(MONTHS) + r")\b")


def _swap(word: str, table: tuple[tuple[str, str], ...]) -> str:
    """``word`` with its first sound changed by ``table``, keeping a capital letter."""
    lower = word.lower()
    if lower.startswith("ch"):  # "ch" is a letter of its own that no mutation changes
        return word
    for old, new in table:
        if lower.startswith(old):
            changed = new + word[len(old) :]
            return changed[:1].upper() + changed[1:] if word[:1].isupper() else changed
    return word


def soft(word: str) -> str:
    """``word`` after "i" or "o": 'Medi' → 'Fedi', 'Gorffennaf' → 'Orffennaf', 'Ionawr' stays."""
    return _swap(word, _SOFT)


def after_yn(word: str) -> str:
    """'yn' and ``word`` together: 'ym Mawrth', 'yng Ngorffennaf', 'yn Nhachwedd', 'yn Ionawr'."""
    changed = _swap(word, _NASAL)
    lower = changed.lower()
    if lower.startswith("ng"):
        return "yng " + changed
    if lower.startswith("m"):
        return "ym " + changed
    return "yn " + changed


def mutate_months(text: str) -> str:
    """``text`` with each month's name after "i", "o" or "yn" mutated as Welsh requires."""

    def one(match: re.Match[str]) -> str:
        word, month = match["word"], match["month"]
        if word.lower() == "yn":
            joined = after_yn(month)
            return joined[:1].upper() + joined[1:] if word[0].isupper() else joined
        return f"{word} {soft(month)}"

    return _AFTER.sub(one, text)
