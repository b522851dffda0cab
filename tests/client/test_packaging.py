"""The distribution stands alone: no import of the server, one version, a typed public API."""

from __future__ import annotations

import ast
import importlib.metadata
import tomllib
import typing
from pathlib import Path

import soundstream_sdk
from soundstream_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GraphQLError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SoundStreamError,
    UnprocessableEntityError,
)

CLIENT = Path(__file__).resolve().parents[2] / "client"
SOURCES = CLIENT / "src" / "soundstream_sdk"
# The server's packages and what only the server depends on: an SDK user has none of them.
SERVER_ONLY = {"server", "graph", "tests", "fastapi", "sqlalchemy", "strawberry", "uvicorn"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_sdk_sources_import_nothing_from_the_server() -> None:
    sources = sorted(SOURCES.rglob("*.py"))
    assert len(sources) > 10
    offenders = {
        str(path.relative_to(CLIENT)): sorted(imported_roots(path) & SERVER_ONLY)
        for path in sources
        if imported_roots(path) & SERVER_ONLY
    }
    assert offenders == {}


def test_sdk_sources_use_no_relative_imports_reaching_outside() -> None:
    for path in SOURCES.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]
        assert relative == [], path


def test_the_version_is_written_once_and_is_what_is_installed() -> None:
    project = tomllib.loads((CLIENT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    assert importlib.metadata.version("soundstream-sdk") == soundstream_sdk.__version__


def test_the_package_is_marked_typed() -> None:
    assert (SOURCES / "py.typed").is_file()


def test_every_error_class_is_importable_from_the_package_in_one_tree() -> None:
    status_errors = [
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
    ]
    assert all(issubclass(kind, APIStatusError) for kind in status_errors)
    assert issubclass(APITimeoutError, APIConnectionError)
    for kind in (APIConnectionError, APIStatusError, GraphQLError):
        assert issubclass(kind, SoundStreamError)
    assert set(soundstream_sdk.__all__) >= {k.__name__ for k in status_errors}


def test_every_public_name_in_all_exists() -> None:
    missing = [name for name in soundstream_sdk.__all__ if not hasattr(soundstream_sdk, name)]
    assert missing == []


def public_callables() -> dict[str, object]:
    from soundstream_sdk import AsyncPage, AsyncPaginator, AsyncSoundStream, SoundStream, SyncPage

    found: dict[str, object] = {}
    owners: list[tuple[str, object]] = [
        ("SoundStream", SoundStream),
        ("AsyncSoundStream", AsyncSoundStream),
        ("SyncPage", SyncPage),
        ("AsyncPage", AsyncPage),
        ("AsyncPaginator", AsyncPaginator),
    ]
    for client in (SoundStream, AsyncSoundStream):
        namespaces = typing.get_type_hints(client)  # the class annotations: name -> resource
        owners += [(f"{client.__name__}.{name}", kind) for name, kind in namespaces.items()]
    for label, owner in owners:
        for name in dir(owner):
            member = getattr(owner, name)
            if not name.startswith("_") and callable(member):
                found[f"{label}.{name}"] = member
    return found


def test_every_public_method_has_a_docstring_with_an_example() -> None:
    methods = public_callables()
    assert len(methods) > 100
    without = sorted(name for name, m in methods.items() if "Example" not in (m.__doc__ or ""))
    assert without == []
