"""The ingest use case: parse, validate, decide, load, report."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, func, select

from server.db import meta
from server.db.engine import database_label
from server.db.models import DATA_TABLES, Base
from server.db.schema import ensure_schema
from server.ingest import loader
from server.ingest.readers import ParsedData, read_all
from server.ingest.report import IngestReport
from server.ingest.sources import fingerprint

OrphanPolicy = Literal["quarantine", "stub", "fail"]
ORPHAN_POLICIES: tuple[str, ...] = ("quarantine", "stub", "fail")


class IngestAbortedError(Exception):
    """The run stopped before writing anything; ``report`` says why."""

    def __init__(self, message: str, report: IngestReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What the database holds relative to a source directory."""

    rows: int
    fingerprint: str | None
    data_version: int
    ingested_data_version: int | None

    @property
    def empty(self) -> bool:
        return self.rows == 0

    @property
    def written_since_ingest(self) -> bool:
        return (
            self.ingested_data_version is not None
            and self.data_version != self.ingested_data_version
        )


def database_state(engine: Engine) -> DatabaseState:
    with engine.connect() as conn:
        rows = 0
        for name in DATA_TABLES:
            table = Base.metadata.tables[name]
            rows += conn.execute(select(func.count()).select_from(table)).scalar_one()
            if rows:
                break
        ingested = meta.get_meta(conn, meta.INGESTED_DATA_VERSION)
        return DatabaseState(
            rows=rows,
            fingerprint=meta.get_meta(conn, meta.SOURCE_FINGERPRINT),
            data_version=meta.get_data_version(conn),
            ingested_data_version=int(ingested) if ingested is not None else None,
        )


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(
                select(func.count()).select_from(Base.metadata.tables[name])
            ).scalar_one()
            for name in (*DATA_TABLES, "ingest_rejects")
        }


def run_ingest(
    engine: Engine,
    data_dir: Path,
    *,
    orphans: OrphanPolicy = "quarantine",
    replace: bool = False,
    progress: loader.Progress | None = None,
    parse: Callable[[Path, str], ParsedData] | None = None,
) -> IngestReport:
    """Load ``data_dir`` into the database behind ``engine``.

    Idempotent: when the database already holds exactly this source (same file checksums and
    policy) nothing is written. A database holding other data is only overwritten with
    ``replace=True``, so no one loses API writes by re-running a command. ``parse`` supplies
    the parsed files (a `server.ingest.prefetch.ParsePrefetch` started before start-up);
    by default they are parsed here.
    """
    started = time.perf_counter()
    report = IngestReport(
        data_dir=str(data_dir), database=database_label(str(engine.url)), orphans_policy=orphans
    )
    ensure_schema(engine)
    source = fingerprint(data_dir, orphans)
    state = database_state(engine)
    if not replace and not state.empty:
        if state.fingerprint == source:
            report.status = "unchanged"
            report.data_version = state.data_version
            report.notes.append(
                "the database already holds this dataset; nothing written "
                "(use --replace to rebuild it from the files)"
            )
            if state.written_since_ingest:
                report.notes.append("it also holds writes made through the API since the ingest")
            report.table_counts = table_counts(engine)
            report.seconds = time.perf_counter() - started
            return report
        report.status = "aborted"
        raise IngestAbortedError(
            "the database already holds other data; re-run with --replace to rebuild it from "
            f"{data_dir} (this discards what it holds now)",
            report,
        )

    # Parsing allocates ~300k small tuples that all live until the load: the cyclic GC would
    # rescan them again and again for nothing, so it is paused for the run.
    gc.disable()
    try:
        data = (
            parse(data_dir, orphans) if parse is not None else read_all(data_dir, orphans=orphans)
        )
        report.files = data.files
        if not data.has_timestamps:
            report.notes.append(
                "no user_taggedartists-timestamps.dat: "
                "timestamp = UTC midnight of day/month/year (ms)"
            )
        orphan_rows = data.orphan_rejects()
        if orphans == "fail" and orphan_rows:
            report.status = "aborted"
            ids = {r.detail for r in orphan_rows}
            raise IngestAbortedError(
                f"{len(orphan_rows):,} rows reference {len(ids):,} undefined artist/tag ids "
                "(--orphans fail): nothing was written",
                report,
            )
        with loader.open_bulk_load(engine, progress) as bulk:
            for table in loader.PARSED_TABLES:
                bulk.insert(table, loader.parsed_rows(data, table))
            derived = loader.derived_rows(data)
            for table, rows in derived.items():
                bulk.insert(table, rows)
            facts = {
                meta.SOURCE_FINGERPRINT: source,
                meta.INGEST_POLICY: orphans,
                meta.INGESTED_AT: datetime.now(UTC).isoformat(timespec="seconds"),
            }
            report.data_version = bulk.commit(facts)
    finally:
        gc.enable()
    report.stub_artists = len(data.stub_artists)
    report.stub_tags = len(data.stub_tags)
    report.table_counts = {
        "artists": len(data.artists) + len(data.stub_artists),
        "users": len(derived["users"]),
        "tags": len(data.tags) + len(data.stub_tags),
        "user_artists": len(data.user_artists),
        "user_taggedartists": len(data.tagged),
        "user_friends": len(data.friends),
        "ingest_rejects": len(data.rejects),
    }
    unbalanced = [f.file for f in report.files.values() if not f.balanced]
    if unbalanced:  # an invariant, not input validation: a bug if it ever fires
        raise AssertionError(f"read != loaded + quarantined for {unbalanced}")
    report.seconds = time.perf_counter() - started
    return report
