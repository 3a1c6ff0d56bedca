"""Run the examples in every stats docstring, so the documentation stays true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import saferplaces.stats as stats_pkg

MODULES = sorted(m.name for m in pkgutil.iter_modules(stats_pkg.__path__, prefix="saferplaces.stats."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
