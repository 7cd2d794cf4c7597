"""Every docstring example in govkg runs: one test per module of ontology/graph/api/viz with one.

Why a module of its own rather than ``--doctest-modules``: the four top-level folders are
installed as one ``govkg`` namespace (a package-dir mapping), so pytest's file-path imports would
load them under the wrong names. Here each module is imported by its installed name, found with
:func:`pkgutil.walk_packages`, and its examples run with :mod:`doctest`. A module is listed when
its source holds an example (``>>>``), read without importing it, so collection stays cheap and a
module that fails to import fails its test instead of hiding from it.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import io
import pkgutil

import govkg.api
import govkg.graph
import govkg.ontology
import govkg.viz
import pytest

PACKAGES = (govkg.ontology, govkg.graph, govkg.api, govkg.viz)


def _walk() -> list[str]:
    """Every module of the four packages, the packages included, by installed name."""
    names = []
    for package in PACKAGES:
        names.append(package.__name__)
        prefix = package.__name__ + "."
        names += [m.name for m in pkgutil.walk_packages(package.__path__, prefix)]
    return sorted(names)


def _modules_with_examples(names: list[str]) -> list[str]:
    found = []
    for name in names:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        if origin and origin.endswith(".py"):
            with open(origin, encoding="utf-8") as fh:
                if ">>> " in fh.read():
                    found.append(name)
    return found


WALKED = _walk()
MODULES = _modules_with_examples(WALKED)


def test_modules_with_examples_are_found() -> None:
    """The walk reaches every layer (a broken walk would pass by checking nothing)."""
    for package in PACKAGES:
        inside = [m for m in WALKED if m.startswith(package.__name__ + ".")]
        assert len(inside) >= 3, (package.__name__, inside)
    analysis = {"coverage", "explain", "centrality", "structure", "paths", "scenarios"}
    assert {f"govkg.graph.analysis.{name}" for name in analysis} <= set(MODULES)
    assert {"govkg.graph.iris", "govkg.api.cli.main", "govkg.ontology"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out = io.StringIO()
    examples = 0
    for test in finder.find(module, name):
        examples += len(test.examples)
        runner.run(test, out=out.write)
    assert examples > 0, f"{name}: its '>>> ' is not in a docstring doctest finds"
    assert runner.failures == 0, out.getvalue()
