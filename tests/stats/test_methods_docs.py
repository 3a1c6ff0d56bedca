"""Every statistic has a methods page, and the examples on it run."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import saferplaces.stats as stats_pkg

DOCS = Path(__file__).resolve().parents[2] / "docs" / "methods"
PAGES = sorted(p.name for p in DOCS.glob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_examples_on_methods_page(page):
    # Code fences would be read as expected output, so blank them out first.
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    text = "\n".join("" if line.startswith("```") else line for line in lines)
    test = doctest.DocTestParser().get_doctest(text, {}, page, page, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    if page != "README.md":
        assert runner.tries > 0, f"{page} has no worked example"


def test_every_public_function_is_documented():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    functions = [
        name for name in stats_pkg.__all__ if callable(getattr(stats_pkg, name)) and name[0].islower()
    ]
    missing = [name for name in functions if f"`{name}`" not in index]
    assert not missing
