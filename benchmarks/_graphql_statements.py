"""SQL statements per request group, counted in-process on SoundStream's own engine.

Run by `graphql.py` as ``python -P benchmarks/_graphql_statements.py`` with a JSON spec on
standard input. ``-P`` matters: this directory holds ``graphql.py``, which would otherwise
shadow graphql-core when the server (Strawberry) is imported.

Why in-process: the number of statements a nested query costs is the property the DataLoaders
exist for, and counting it with a SQLAlchemy ``before_cursor_execute`` listener on the app's
engine is exact and cheap, where timing it is neither (STYLE.md: "measure with the query
count"). The live servers in the benchmark are untouched; this builds its own app on the same
SQLite file through `fastapi.testclient.TestClient`.

Spec (stdin)::

    {"database_url": "sqlite:///...", "repeat": 2,
     "groups": {"nested": [{"method": "POST", "path": "/graphql", "json": {...}}], ...}}

Output (stdout): ``{"nested": [{"queries": 4, "total": 8, "requests": 1}, ...], ...}``, one
entry per repetition: the first repetition of a group is cold (result caches empty), later ones
warm. ``queries`` leaves out transaction control (BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE),
``total`` counts every statement sent to the driver.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def count(spec: dict[str, Any]) -> dict[str, list[dict[str, int]]]:
    with warnings.catch_warnings():
        # Starlette's TestClient warns about httpx on import; irrelevant to a count.
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from sqlalchemy import event

    from server.config import Settings
    from server.main import create_app

    settings = Settings(database_url=spec["database_url"], redis_url=None, rate_limit_per_minute=0)
    app = create_app(settings)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(app.state.database.engine, "before_cursor_execute", record)
    results: dict[str, list[dict[str, int]]] = {}
    with TestClient(app) as client:
        for name, requests in spec["groups"].items():
            runs: list[dict[str, int]] = []
            for _ in range(int(spec.get("repeat", 2))):
                statements.clear()
                for request in requests:
                    response = client.request(
                        request["method"], request["path"], json=request.get("json")
                    )
                    body = response.json()
                    if response.status_code != 200 or (
                        isinstance(body, dict) and body.get("errors")
                    ):
                        sys.exit(
                            f"error: {request['method']} {request['path']} -> "
                            f"{response.status_code}: {response.text[:500]}"
                        )
                queries = [
                    s for s in statements if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)
                ]
                runs.append(
                    {"queries": len(queries), "total": len(statements), "requests": len(requests)}
                )
            results[name] = runs
    return results


def main() -> None:
    print(json.dumps(count(json.load(sys.stdin))))


if __name__ == "__main__":
    main()
