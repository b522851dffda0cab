"""SQL statements per datasette-graphql query, counted in-process. Runs in the Datasette venv.

Run by `graphql.py` with the separate venv's interpreter (datasette-graphql pins graphql-core
3.2; the project's Strawberry needs 3.3, so the two never share an environment), as
``python -P benchmarks/_graphql_datasette.py`` with a JSON spec on standard input; ``-P`` keeps
this directory, which holds ``graphql.py``, from shadowing graphql-core.

Why: Datasette's own ``?_trace=1`` only sees the outer request, not the table pages that
datasette-graphql fetches through ``datasette.client`` for every nested list, so it undercounts
by two orders of magnitude. A ``prepare_connection`` plugin hook puts a sqlite3 trace callback
on every connection to the benchmarked database instead and sees each statement.

Spec (stdin)::

    {"database": "/tmp/.../soundstream.db", "metadata": {...}, "settings": {...},
     "repeat": 2, "groups": {"nested": [{"query": "...", "variables": {...}}], ...}}

Output (stdout): ``{"nested": [{"queries": 545, "total": 560, "requests": 1}, ...], ...}``.
One untimed request per group first builds datasette-graphql's schema (its introspection
statements are not part of a query's cost). ``queries`` leaves out PRAGMAs and transaction
control, ``total`` counts every statement.
"""

from __future__ import annotations

import asyncio
import json
import sys
import types
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

NOT_QUERIES = ("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class StatementCounter:
    """Records every statement run on one database's connections."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.statements: list[str] = []

    def as_plugin(self) -> types.ModuleType:
        """Datasette plugins are modules (it reads their ``__name__``); this one is built on the
        fly, so Datasette finds no static files or templates for it."""

        @hookimpl
        def prepare_connection(conn: Any, database: str) -> None:
            if database == self.database:
                conn.set_trace_callback(self.statements.append)

        plugin = types.ModuleType("soundstream_statement_counter")
        plugin.prepare_connection = prepare_connection  # type: ignore[attr-defined]
        return plugin


async def post(ds: Datasette, request: dict[str, Any]) -> None:
    response = await ds.client.post("/graphql", json=request)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        sys.exit(f"error: datasette-graphql -> {response.status_code}: {response.text[:500]}")


async def count(spec: dict[str, Any]) -> dict[str, list[dict[str, int]]]:
    database = Path(spec["database"])
    counter = StatementCounter(database.stem)
    pm.register(counter.as_plugin(), name="soundstream-statement-counter")
    ds = Datasette(
        files=[str(database)], metadata=spec.get("metadata"), settings=spec.get("settings")
    )
    await ds.invoke_startup()
    results: dict[str, list[dict[str, int]]] = {}
    for name, requests in spec["groups"].items():
        await post(ds, requests[0])  # builds and caches the GraphQL schema
        runs: list[dict[str, int]] = []
        for _ in range(int(spec.get("repeat", 2))):
            counter.statements.clear()
            for request in requests:
                await post(ds, request)
            queries = [
                s for s in counter.statements if not s.lstrip().upper().startswith(NOT_QUERIES)
            ]
            runs.append(
                {
                    "queries": len(queries),
                    "total": len(counter.statements),
                    "requests": len(requests),
                }
            )
        results[name] = runs
    return results


def main() -> None:
    print(json.dumps(asyncio.run(count(json.load(sys.stdin)))))


if __name__ == "__main__":
    main()
