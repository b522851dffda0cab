"""Prometheus metrics, one `Metrics` per app (its own registry, so apps in one process, as in
the tests, never share counters).

What is measured:

- ``http_requests_total`` and ``http_request_duration_seconds`` by method, route *template*
  (``/api/v1/artists/{artist_id}``, never the raw path: one series per route, not per id)
  and status. Requests no route answered (404s, and answers given before routing such as
  429s) are ``<unmatched>``; ``/metrics`` itself is not counted.
- ``soundstream_graphql_operations_total`` by operation type, name and outcome.
- ``soundstream_db_pool_size`` and ``soundstream_db_pool_checked_out`` (SQLAlchemy pool events).
- ``soundstream_data_version``, read from the database at scrape time.

Several workers (``soundstream serve --workers N``) share nothing in memory, so then
prometheus-client runs in its multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set by
`serve` before any worker starts, each worker writes its values to files there and a scrape,
whichever worker answers it, sums them. Pool gauges are summed over live workers; a worker
that exits cleanly removes its gauge files (a killed one leaves them until the next start,
which empties the directory).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event

from server.db.session import Database

# The REST warm path answers in ~0.1 ms and a cold aggregate in ~100 ms: buckets from 0.5 ms.
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"
# Operation names come from clients: a bounded number of distinct ones is kept per process.
MAX_OPERATION_NAMES = 200
_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

CONTENT_TYPE = CONTENT_TYPE_LATEST


class DataVersionCollector(Collector):
    """The database's data version, read when scraped. Not exported when there is no schema
    yet, or when the database does not answer within `timeout` seconds: a scrape must still
    answer (with the request metrics) while the database is down."""

    def __init__(self, database: Database, timeout: float = 2.0) -> None:
        self.database = database
        self.timeout = timeout
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="metrics-version")

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "soundstream_data_version", "Data version of the database (bumped by every write)."
        )
        try:
            version = self._reader.submit(self.database.data_version).result(self.timeout)
        except FutureTimeout:
            version = None
        if version is not None:
            family.add_metric([], version)
        yield family

    def close(self) -> None:
        self._reader.shutdown(wait=False, cancel_futures=True)


class Metrics:
    """The app's metrics and how to render them; `multiprocess_dir` is the directory of
    prometheus-client's multiprocess mode when serving with several workers."""

    def __init__(self, database: Database, *, multiprocess_dir: Path | None = None) -> None:
        # The *_created series double the exposition and no dashboard here reads them.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.database = database
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by method, route template and status.",
            ("method", "route", "status"),
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from receiving a request to the end of its response, in seconds.",
            ("method", "route", "status"),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.graphql_operations = Counter(
            "soundstream_graphql_operations",
            "GraphQL operations by type (query, mutation), operation name and outcome.",
            ("type", "name", "outcome"),
            registry=registry,
        )
        self.pool_size = Gauge(
            "soundstream_db_pool_size",
            "Connections the database pool keeps (summed over workers).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.pool_checked_out = Gauge(
            "soundstream_db_pool_checked_out",
            "Database connections in use right now (summed over workers).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.data_version = DataVersionCollector(database)
        registry.register(self.data_version)
        # labels() takes a lock and builds a key; the children are cached here instead.
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._operation_names: set[str] = set()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            label = method if method in METHODS else "OTHER"
            children = (
                self.requests.labels(label, route, str(status)),
                self.latency.labels(label, route, str(status)),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def count_graphql_operation(self, kind: str, name: str | None, outcome: str) -> None:
        if name is None:
            label = "anonymous"
        elif not _OPERATION_NAME.fullmatch(name):
            label = "invalid"
        elif name in self._operation_names or len(self._operation_names) < MAX_OPERATION_NAMES:
            self._operation_names.add(name)
            label = name
        else:
            label = "other"
        self.graphql_operations.labels(kind, label, outcome).inc()

    def instrument_pool(self, engine: Engine) -> None:
        """Follow ``engine``'s pool: its size now, connections checked out as they move."""
        size = getattr(engine.pool, "size", None)
        if callable(size):
            self.pool_size.set(size())
        checked_out = self.pool_checked_out

        def on_checkout(*_args: Any) -> None:
            checked_out.inc()

        def on_checkin(*_args: Any) -> None:
            checked_out.dec()

        event.listen(engine, "checkout", on_checkout)
        event.listen(engine, "checkin", on_checkin)

    def render(self) -> bytes:
        """The exposition text; blocking (the data version is read from the database)."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        # prometheus-client's multiprocess module has no annotations.
        multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
            registry, path=str(self.multiprocess_dir)
        )
        registry.register(self.data_version)
        return generate_latest(registry)

    def close(self) -> None:
        """At shutdown: stop the data-version reader; in multiprocess mode, drop this
        process's live gauges from the shared directory."""
        self.data_version.close()
        if self.multiprocess_dir is not None:
            multiprocess.mark_process_dead(  # type: ignore[no-untyped-call]
                os.getpid(), path=str(self.multiprocess_dir)
            )
