"""The id of the request being served, for log lines written anywhere while serving it.

A `ContextVar` set by the middleware: each request runs in its own task (its own copy of the
context), and Starlette and AnyIO copy the context into worker threads, so a log line from a
service running in the threadpool carries the id of the request that called it.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("soundstream_request_id", default=None)

# The logger of the access log (one line per request, written by the middleware).
ACCESS_LOGGER = "soundstream.access"
