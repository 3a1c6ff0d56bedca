"""Welsh mutations of a month's name after a preposition (web/public/welsh.py).

The expected forms are the standard ones of Welsh grammar (King, Modern Welsh: A Comprehensive
Grammar): every month after "i"/"o" (soft mutation) and after "yn" (nasal mutation), written out
here by hand, not computed by the code under test.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from saferplaces.web.public import sentences
from saferplaces.web.public.welsh import MONTHS, after_yn, mutate_months, soft

SOFT = {
    "Ionawr": "Ionawr",
    "Chwefror": "Chwefror",
    "Mawrth": "Fawrth",
    "Ebrill": "Ebrill",
    "Mai": "Fai",
    "Mehefin": "Fehefin",
    "Gorffennaf": "Orffennaf",
    "Awst": "Awst",
    "Medi": "Fedi",
    "Hydref": "Hydref",
    "Tachwedd": "Dachwedd",
    "Rhagfyr": "Ragfyr",
}

IN = {
    "Ionawr": "yn Ionawr",
    "Chwefror": "yn Chwefror",
    "Mawrth": "ym Mawrth",
    "Ebrill": "yn Ebrill",
    "Mai": "ym Mai",
    "Mehefin": "ym Mehefin",
    "Gorffennaf": "yng Ngorffennaf",
    "Awst": "yn Awst",
    "Medi": "ym Medi",
    "Hydref": "yn Hydref",
    "Tachwedd": "yn Nhachwedd",
    "Rhagfyr": "yn Rhagfyr",
}


@pytest.mark.parametrize("month", MONTHS)
def test_every_month_after_i_o_and_yn(month):
    assert soft(month) == SOFT[month]
    assert after_yn(month) == IN[month]
    assert mutate_months(f"o {month} 2025 i {month} 2026") == f"o {SOFT[month]} 2025 i {SOFT[month]} 2026"
    assert (
        mutate_months(f"Ar y dechrau, yn {month} 2025, roedd yn 12.")
        == f"Ar y dechrau, {IN[month]} 2025, roedd yn 12."
    )


def test_the_catalogue_names_the_months_as_the_mutations_expect():
    with translation.override("cy"):
        assert tuple(translation.gettext(m) for m in sentences.MONTHS) == MONTHS


def test_only_a_month_straight_after_the_preposition_changes():
    text = "Erbyn Mai 2026. Daeth hyn yn rhif 2 o 5. Ar 3 Mawrth 2026. Yn 2025/26 roedd yn 40. Mis Medi."
    assert mutate_months(text) == text
    assert mutate_months("Yn Gorffennaf 2025 roedd yn 7.") == "Yng Ngorffennaf 2025 roedd yn 7."
    assert mutate_months("O Medi 2025 i Mai 2026") == "O Fedi 2025 i Fai 2026"
    assert mutate_months("Mediterranean i Maidstone") == "Mediterranean i Maidstone"


def test_welsh_sentences_mutate_and_english_ones_do_not():
    with translation.override("cy"):
        why = sentences.say("why_rank", start="Medi 2024", end="Mai 2025", rank=2, of=9)
        baseline = sentences.say("target_baseline", what="Troseddau", period="Mawrth 2025", value="7")
        period = sentences.period_words("2025/26 Q2")
    assert why.startswith("Edrychom ar y ffigurau o Fedi 2024 i Fai 2025.")
    assert "ym Mawrth 2025," in baseline
    assert period == "2025/26 Q2 (Gorffennaf 2025 i Fedi 2025)"
    with translation.override("en"):
        assert sentences.say("why_rank", start="September 2024", end="May 2025", rank=2, of=9).startswith(
            "We looked at the figures from September 2024 to May 2025."
        )
        assert sentences.period_words("2025/26 Q2") == "2025/26 Q2 (July 2025 to September 2025)"
