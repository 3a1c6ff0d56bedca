"""The residents' pages' words: a reading age of about 9 to 11, and Welsh for every fixed string."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.public import sentences
from tests.web.readability import MOST_GRADE, reading_grade

WEB = Path(sentences.__file__).resolve().parent.parent
LOCALE = WEB / "public" / "locale" / "cy" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, str]:
    """msgid: msgstr of a .po file (one-line entries, as ours are), read with a regular expression."""

    def unquote(text: str) -> str:
        return re.sub(r"\\(.)", r"\1", text)

    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', path.read_text(encoding="utf-8"), re.M)
    return {unquote(a): unquote(b) for a, b in pairs if a}


def template_strings() -> set[str]:
    """Every string the public templates and views mark for translation."""
    found: set[str] = set()
    for path in (WEB / "jinja2" / "public").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {m[1] for m in re.findall(r'\b_\(\s*(["\'])(.+?)\1', text)}
    for path in (WEB / "public").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "gettext_noop"):
                if node.args and isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("name", sorted(sentences.TEMPLATES))
def test_every_sentence_template_reads_at_about_age_nine_to_eleven(name):
    template, example = sentences.TEMPLATES[name]
    text = template % example
    grade = reading_grade(text)
    assert grade <= MOST_GRADE, f"{name}: grade {grade:.1f} (reading age {grade + 5:.0f}): {text}"


def test_the_grade_measure_tells_hard_text_from_easy():
    # a check that the measure can fail: a sentence from a methods page scores far above the limit
    hard = (
        "Overdispersion-adjusted funnel plot control limits characterise institutional "
        "performance heterogeneity relative to the benchmark expectation."
    )
    assert reading_grade(hard) > MOST_GRADE + 6
    assert reading_grade("The cat sat on the mat.") < MOST_GRADE


def test_every_fixed_string_has_a_welsh_translation():
    welsh = read_po(LOCALE / "django.po")
    assert len(template_strings()) > 80
    missing = sorted(s for s in template_strings() if not welsh.get(s))
    assert not missing, missing
    for english, cymraeg in welsh.items():
        assert re.findall(r"%\(\w+\)s", english) == re.findall(r"%\(\w+\)s", cymraeg) or sorted(
            re.findall(r"%\(\w+\)s", english)
        ) == sorted(re.findall(r"%\(\w+\)s", cymraeg)), english


def test_the_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for english, cymraeg in read_po(LOCALE / "django.po").items():
        assert compiled.gettext(english) == cymraeg, f"run msgfmt -o django.mo django.po ({english})"


def test_month_names_are_translated():
    with translation.override("cy"):
        assert sentences.month_name("2025-12") == "Rhagfyr 2025"
    with translation.override("en"):
        assert sentences.month_name("2025-12") == "December 2025"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug,area",
    [("stafford", "Stafford Borough"), ("lichfield", "Lichfield District"), ("east", "East Staffordshire")],
)
def test_the_seed_partnerships_pages_read_at_about_age_nine_to_eleven(
    settings, bundled_store, client, slug, area
):
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    Partnership.objects.create(name=f"{area} partnership", slug=slug, kind="district", area_name=area)
    html = client.get(f"/public/{slug}/local-picture/").content.decode()
    main = html[html.index("<main") : html.index("<h2")]
    found = re.findall(r'<p class="govuk-body">(.*?)</p>', main, re.S)
    paragraphs = [re.sub(r"<[^>]+>", "", p).strip() for p in found]
    assert len(paragraphs) >= 4
    for paragraph in paragraphs:
        # place names are left out of the measure: residents know their own place's name, and a
        # long one (Newcastle-under-Lyme) would otherwise set the grade of every sentence naming it
        plain = re.sub(r"East Staffordshire|Staffordshire|Stafford|Lichfield", "Place", paragraph)
        assert reading_grade(plain) <= MOST_GRADE, paragraph
    cache.clear()


@pytest.mark.django_db
def test_the_seed_plans_targets_in_plain_words_read_at_about_age_nine_to_eleven(client):
    """Issue 12: every sentence the targets page makes for East Staffordshire's seed targets."""
    from saferplaces.web.seeds import load_seed_plans

    cache.clear()
    load_seed_plans()
    data = client.get("/public/east-staffordshire/targets.json").json()
    assert len(data["targets"]) >= 3
    measured = 0
    for target in data["targets"]:
        for sentence in target["in_plain_words"]:
            # the target's own description and baseline text are the plan's words, not ours
            plain = sentence.replace(target["description"], "This")
            if target["baseline_text"]:
                plain = plain.replace(target["baseline_text"], "100")
            assert reading_grade(plain) <= MOST_GRADE, sentence
            measured += 1
    assert measured > len(data["targets"])
    cache.clear()
