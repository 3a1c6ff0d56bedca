"""The residents' pages' words: a reading age of about 9 to 11, and Welsh for every fixed string."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import replace
from html.parser import HTMLParser
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
    """msgid: msgstr of the translated entries of a .po file.

    Entries may run over several quoted lines; an entry flagged ``fuzzy`` is left out, as
    ``msgfmt`` leaves it out of the compiled catalogue (a page would show the English).
    """

    def unquote(text: str) -> str:
        return re.sub(r"\\(.)", r"\1", text)

    found: dict[str, str] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        flags = " ".join(re.findall(r"^#,(.*)$", block, re.M))
        entry = re.search(r'^msgid ((?:".*"\n?)+)^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if entry is None or "fuzzy" in flags:
            continue
        msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in entry.groups())
        if msgid:
            found[unquote(msgid)] = unquote(msgstr)
    return found


#: Django's and the project's ways of marking a string for translation.
MARKERS = ("_", "gettext", "gettext_noop", "gettext_lazy", "pgettext", "ngettext")


def public_templates() -> set[Path]:
    """The public templates and every template they extend, include or import, in any folder."""
    root = WEB / "jinja2"
    todo = list((root / "public").glob("*.html"))
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r'{%-?\s*(?:extends|include|import|from)\s+"([^"]+)"', text):
            todo.append(root / name)
    return seen


def _marked_in_python(path: Path) -> set[str]:
    """The strings a module marks: constants, and module-level names holding a string (``_(TEXT)``)."""
    import importlib

    module = None
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in MARKERS and node.args):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
        elif isinstance(arg, ast.Name):
            if module is None:
                module = importlib.import_module(f"saferplaces.web.public.{path.stem}")
            value = getattr(module, arg.id, None)
            if isinstance(value, str):
                found.add(value)
    return found


def template_strings() -> set[str]:
    """Every string the public templates (and those they use) and the public views mark for translation."""
    found: set[str] = set()
    for path in public_templates():
        text = path.read_text(encoding="utf-8")
        found |= {m[1] for m in re.findall(r'\b_\(\s*(["\'])(.+?)\1', text)}
    for path in (WEB / "public").glob("*.py"):
        found |= _marked_in_python(path)
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


def govuk_defaults() -> set[str]:
    """The English words GOV.UK Frontend's macros show when a page passes none of its own."""
    import govuk_frontend_jinja

    root = Path(govuk_frontend_jinja.__file__).parent / "templates" / "components"
    found: set[str] = set()
    for path in root.glob("*/macro.html"):
        text = path.read_text(encoding="utf-8")
        found |= {m.strip() for m in re.findall(r"""(?:\bor|default\()\s*["']([A-Z][^"'%{]+)["']""", text)}
    return found


class _WelshText(HTMLParser):
    """The text a Welsh reader meets: text and human-read attributes outside any ``lang="en"`` element."""

    VOID = {"area", "base", "br", "col", "img", "input", "link", "meta", "source", "wbr", "hr"}
    READ = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[str] = []

    def _lang(self, attrs: dict[str, str | None]) -> str:
        return attrs.get("lang") or (self.stack[-1][1] if self.stack else "cy")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        lang = self._lang(found)
        if not lang.startswith("en"):
            self.texts += [str(found[k]).strip() for k in self.READ if found.get(k)]
        if tag not in self.VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        lang = self.stack[-1][1] if self.stack else "cy"
        tags = {t for t, _ in self.stack}
        if data.strip() and not lang.startswith("en") and not tags & {"script", "style"}:
            self.texts.append(data.strip())


@pytest.mark.django_db
def test_the_welsh_pages_show_no_english_fixed_text(settings, bundled_store, client):
    """Every public page in Welsh, walked from the URL table: no fixed string left in English (one
    the catalogue lacks, or a GOV.UK macro's English default); text entered in English marked so."""
    from django.contrib.auth.models import User
    from django.urls import get_resolver, reverse
    from django.utils import timezone

    from saferplaces.web.plans.models import Action, ProgressUpdate
    from saferplaces.web.public.models import HelpLink
    from saferplaces.web.seeds import load_seed_plans
    from tests.web.test_post_refusals import _patterns

    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    load_seed_plans()
    approver = User.objects.create_user("approver")
    for action in Action.objects.filter(priority__plan__partnership__slug="lichfield")[:2]:
        ProgressUpdate.objects.create(
            action=action,
            date="2026-01-05",
            text="Internal",
            public_summary="We held six street meetings with residents in the city centre.",
            public_approved_by=approver,
            public_approved_at=timezone.now(),
        )
    lichfield = Partnership.objects.get(slug="lichfield")
    HelpLink.objects.create(
        partnership=lichfield, help_name="Victim Support", help_about="Free help for anyone hurt by a crime."
    )
    welsh = read_po(LOCALE / "django.po")
    untranslated = {english for english, cymraeg in welsh.items() if english != cymraeg and len(english) > 3}
    untranslated |= template_strings() - set(welsh)
    defaults = govuk_defaults()
    assert {"Menu", "Back", "Warning"} <= defaults
    entered: set[str] = {p.description for p in Partnership.objects.exclude(description="")}
    for update in ProgressUpdate.objects.exclude(public_summary=""):
        entered |= {update.public_summary, update.action.action, update.action.outcome}
    entered |= {"Free help for anyone hurt by a crime."}
    entered = {e for e in entered if len(e) >= 25}
    routes = [(n, p) for n, _, p in set(_patterns(get_resolver())) if n.startswith("public-cy:")]
    assert len(routes) >= 20
    problems: list[str] = []
    pages = 0
    for name, pattern in sorted(routes):
        for slug in ("lichfield", "east-staffordshire", "stafford"):
            url = reverse(name, kwargs={"slug": slug} if "slug" in pattern else {})
            url += "?q=Coton" if name.endswith(":find") else ""
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            parser = _WelshText()
            parser.feed(response.content.decode())
            for text in parser.texts:
                if text in defaults:
                    problems.append(f"{url}: GOV.UK's English default {text!r}")
                elif text in untranslated:
                    problems.append(f"{url}: untranslated {text!r}")
                problems += [f"{url}: English not marked lang='en': {e[:40]!r}" for e in entered if e in text]
            if "slug" not in pattern:
                break
    assert pages >= 15
    assert not problems, "\n".join(sorted(set(problems)))
