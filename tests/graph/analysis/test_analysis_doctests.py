"""The examples in graph/analysis docstrings are documentation: they must run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import govkg.graph.analysis
import pytest

MODULES = sorted(m.name for m in pkgutil.iter_modules(govkg.graph.analysis.__path__))


def test_every_module_is_checked():
    assert {"coverage", "explain", "centrality", "structure", "paths", "scenarios"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"govkg.graph.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
