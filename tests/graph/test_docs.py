"""Every public function documents itself with an example, and the examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import graph

MODULES = [
    importlib.import_module(f"graph.{info.name}") for info in pkgutil.iter_modules(graph.__path__)
]
PUBLIC_FUNCTIONS = [
    getattr(graph, name) for name in graph.__all__ if inspect.isfunction(getattr(graph, name))
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_module_examples_pass(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("function", PUBLIC_FUNCTIONS, ids=lambda f: f.__name__)
def test_public_function_has_a_runnable_example(function: object) -> None:
    doc = inspect.getdoc(function) or ""
    assert ">>>" in doc


def test_everything_exported_exists() -> None:
    assert [name for name in graph.__all__ if not hasattr(graph, name)] == []
