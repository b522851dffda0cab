"""graph/ is pure: no database, web framework or I/O imports, no file access, no module state."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GRAPH_DIR = Path(__file__).resolve().parents[2] / "graph"
MODULES = sorted(GRAPH_DIR.glob("*.py"))

FORBIDDEN_IMPORTS = {
    # the application and its infrastructure
    "server",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "strawberry",
    "pydantic",
    "httpx",
    "requests",
    "redis",
    "psycopg",
    "sqlite3",
    # files, processes, sockets
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "subprocess",
    "socket",
    "urllib",
    "pickle",
    "csv",
}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "__import__", "breakpoint"}
# nx.read_edgelist, np.save, Path.write_text, Path.open, ...
FORBIDDEN_METHOD_PREFIXES = ("read_", "write_", "open", "load", "save", "fromfile", "tofile")
MUTABLE_VALUES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
MUTABLE_FACTORIES = {"list", "dict", "set", "Counter", "defaultdict", "OrderedDict"}

BAD_MODULE = """
import sqlalchemy
from server.db import models
from pathlib import Path
CACHE = {}
SEEN = set()
def f():
    global CACHE
    open("x")
    Path("y").read_text()
"""


def forbidden_imports(tree: ast.Module) -> set[str]:
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    return imported & FORBIDDEN_IMPORTS


def io_calls(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(node.func.id)
        elif isinstance(node.func, ast.Attribute) and node.func.attr.startswith(
            FORBIDDEN_METHOD_PREFIXES
        ):
            found.append(node.func.attr)
    return found


def module_state(tree: ast.Module) -> list[str]:
    """``global``/``nonlocal`` statements and mutable module-level values (``__all__`` aside)."""
    found = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, ast.Global | ast.Nonlocal)]
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        value = node.value
        mutable = isinstance(value, MUTABLE_VALUES) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in MUTABLE_FACTORIES
        )
        if mutable and names != ["__all__"]:
            found.extend(names)
    return found


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_checks_see_the_package() -> None:
    assert {p.name for p in MODULES} >= {"__init__.py", "build.py", "metrics.py", "recommend.py"}


def test_the_checks_catch_an_impure_module() -> None:
    tree = ast.parse(BAD_MODULE)

    assert forbidden_imports(tree) == {"sqlalchemy", "server", "pathlib"}
    assert io_calls(tree) == ["open", "read_text"]
    assert module_state(tree) == ["Global", "CACHE", "SEEN"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_no_infrastructure_or_io_library(path: Path) -> None:
    assert forbidden_imports(_tree(path)) == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_reads_and_writes_nothing(path: Path) -> None:
    assert io_calls(_tree(path)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_keeps_no_state(path: Path) -> None:
    assert module_state(_tree(path)) == []
