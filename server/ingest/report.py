"""The ingest's accounting: per file, rows read = rows loaded + rows quarantined (by reason)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Reject:
    """One input line that was not loaded, with where it came from and why."""

    file: str
    line_no: int
    raw: str
    reason: str
    detail: str = ""


@dataclass(slots=True)
class FileReport:
    file: str
    read: int = 0
    loaded: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    @property
    def balanced(self) -> bool:
        return self.read == self.loaded + self.quarantined_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "read": self.read,
            "loaded": self.loaded,
            "quarantined": self.quarantined_total,
            "quarantined_by_reason": dict(sorted(self.quarantined.items())),
        }


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did; printed as a table and optionally written as JSON."""

    data_dir: str
    database: str
    orphans_policy: str
    status: str = "loaded"  # loaded | unchanged | aborted
    files: dict[str, FileReport] = field(default_factory=dict)
    table_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stub_artists: int = 0
    stub_tags: int = 0
    seconds: float = 0.0
    data_version: int | None = None

    def file(self, name: str) -> FileReport:
        if name not in self.files:
            self.files[name] = FileReport(name)
        return self.files[name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "data_dir": self.data_dir,
            "database": self.database,
            "orphans_policy": self.orphans_policy,
            "files": [report.to_dict() for report in self.files.values()],
            "table_counts": self.table_counts,
            "stub_artists": self.stub_artists,
            "stub_tags": self.stub_tags,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
            "data_version": self.data_version,
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    def render_text(self) -> str:
        """A plain table: cheap to print (no import cost) and readable in CI logs."""
        header = f"{'file':<32} {'read':>9} {'loaded':>9} {'quarantined':>12}  reasons"
        lines = [
            f"ingest {self.status}: {self.data_dir} -> {self.database} "
            f"(orphans={self.orphans_policy}, {self.seconds:.2f} s)",
            header,
            "-" * len(header),
        ]
        for rep in self.files.values():
            reasons = ", ".join(f"{k}={v}" for k, v in sorted(rep.quarantined.items())) or "-"
            lines.append(
                f"{rep.file:<32} {rep.read:>9,} {rep.loaded:>9,} {rep.quarantined_total:>12,}  "
                f"{reasons}"
            )
        if self.table_counts:
            counts = ", ".join(f"{k}={v:,}" for k, v in self.table_counts.items())
            lines.append(f"tables: {counts}")
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)
