"""Parse the files in a forked child while the parent starts up (imports, schema checks).

`soundstream ingest` is judged as a whole command, start-up included, and a third of its
time is importing SQLAlchemy and friends. The parser needs none of that (it is stdlib only),
so on a machine with a second core the parse runs in a child process forked before those
imports, and its result comes back over a pipe — the big row lists in `marshal` format
(several times faster than pickle for tuples of ints and strings), the small reports pickled.
Where ``fork`` is unavailable or the child fails, the parent simply parses itself.

This module must stay cheap to import: it is imported before the fork.
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import struct
from pathlib import Path

from server.ingest.readers import ParsedData, read_all

_BULK = ("artists", "tags", "user_artists", "tagged", "friends", "stub_artists", "stub_tags")
_SMALL = ("rejects", "files", "has_timestamps", "known_artists", "known_tags")
_HEADER = struct.Struct("!QQ")


def _encode(data: ParsedData) -> bytes:
    bulk = marshal.dumps(tuple(getattr(data, name) for name in _BULK))
    small = pickle.dumps(tuple(getattr(data, name) for name in _SMALL), protocol=5)
    return _HEADER.pack(len(bulk), len(small)) + bulk + small


def _decode(payload: bytes, orphans: str) -> ParsedData:
    bulk_size, small_size = _HEADER.unpack_from(payload)
    start = _HEADER.size
    bulk = marshal.loads(payload[start : start + bulk_size])  # noqa: S302 - our own child's bytes
    small = pickle.loads(payload[start + bulk_size : start + bulk_size + small_size])  # noqa: S301 - our own child's bytes
    data = ParsedData(orphans=orphans)
    for name, value in zip(_BULK, bulk, strict=True):
        setattr(data, name, value)
    for name, value in zip(_SMALL, small, strict=True):
        setattr(data, name, value)
    return data


class ParsePrefetch:
    """A parse started now (in a child when possible); `result()` returns it."""

    def __init__(self, data_dir: Path, orphans: str) -> None:
        self.data_dir = data_dir
        self.orphans = orphans
        self._pid: int | None = None
        self._fd: int | None = None
        if hasattr(os, "fork") and (os.cpu_count() or 1) > 1:
            self._fork()

    def _fork(self) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: parse, send, leave without running the parent's cleanup
            os.close(read_fd)
            code = 0
            try:
                gc.disable()
                payload = _encode(read_all(self.data_dir, orphans=self.orphans))
                with os.fdopen(write_fd, "wb") as pipe:
                    pipe.write(payload)
            except BaseException:  # any failure at all: the parent parses itself
                code = 1
            os._exit(code)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def result(self) -> ParsedData:
        if self._fd is not None and self._pid is not None:
            with os.fdopen(self._fd, "rb") as pipe:
                payload = pipe.read()
            _pid, status = os.waitpid(self._pid, 0)
            self._fd = self._pid = None
            if os.waitstatus_to_exitcode(status) == 0 and payload:
                return _decode(payload, self.orphans)
        return read_all(self.data_dir, orphans=self.orphans)

    def cancel(self) -> None:
        """Stop a child whose result is not needed (the database was already up to date)."""
        if self._pid is not None:
            import signal

            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        if self._fd is not None:
            os.close(self._fd)
        self._fd = self._pid = None
