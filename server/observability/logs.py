"""Logging for `soundstream serve`: one handler on standard output, JSON or text.

JSON (``LOG_FORMAT=json``, the container default) writes one object per line with
``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and ``request_id`` (null
outside a request), plus the fields a call passes in ``extra`` (the access log's ``method``,
``path``, ``route``, ``status``, ``duration_ms``, ``client``). Uvicorn's own access log is off:
`server.observability.middleware` writes a better one (``soundstream.access``) that carries
the request id and the latency.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from server.config import Settings
from server.observability.context import ACCESS_LOGGER, request_id

__all__ = [
    "ACCESS_LOGGER",
    "JsonLineFormatter",
    "RequestIdFilter",
    "TextLineFormatter",
    "logging_config",
]


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: timestamp, level, logger, message, request_id, extras."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
        )

    def add_fields(
        self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_record["timestamp"] = datetime.fromtimestamp(record.created, UTC).isoformat(
            timespec="milliseconds"
        )
        if not hasattr(record, "request_id"):  # a handler without RequestIdFilter
            record.request_id = request_id.get()
        super().add_fields(log_record, record, message_dict)
        log_record.pop("color_message", None)  # uvicorn's ANSI-coloured copy of the message


class TextLineFormatter(logging.Formatter):
    """``time level logger [request id] message``; ``-`` for the id outside a request."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return super().format(record)


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary for ``settings`` (uvicorn applies it in
    every worker process)."""
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": JsonLineFormatter},
            "text": {"()": TextLineFormatter},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": settings.log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Uvicorn's records go through the root handler, so they are JSON too.
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            ACCESS_LOGGER: {
                "handlers": [],
                "propagate": True,
                "level": level if settings.access_log else "WARNING",
            },
        },
    }
