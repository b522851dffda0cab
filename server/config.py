"""One settings object for every job, read from the environment (and a `.env` file).

No other module reads ``os.environ``: the CLI, the app factory and the tests build a `Settings`
and pass it down, so a test can run two configurations side by side in one process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/soundstream.db"


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Runtime configuration; every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    lastfm_data_dir: Path | None = Field(
        default=None, description="Directory holding the HetRec .dat files (skips the download)."
    )
    lastfm_archive_url: str = Field(
        default="https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip",
        description="Where `fetch-data` downloads the GroupLens archive from (a mirror works).",
    )
    lastfm_archive_sha256: str = Field(
        default="6738f48195667ff03caaab4d32ca9a3133d8cc026b7c3cdaf6ce1010e913c59c",
        description="Expected SHA-256 of the archive; `--no-verify` skips the check.",
    )
    raw_data_dir: Path = Field(
        default=Path("data/raw"), description="Where `fetch-data` unpacks the dataset."
    )
    soundstream_api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated API keys that may write. Empty: every write is refused.",
    )
    redis_url: str | None = Field(
        default=None, description="Redis for shared caches and rate limits; in-process if unset."
    )
    rate_limit_per_minute: int = Field(
        default=0, ge=0, description="Requests per client per minute; 0 disables rate limiting."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS."
    )
    graphql_max_depth: int = Field(default=10, ge=1, description="Deepest allowed selection.")
    graphql_max_aliases: int = Field(default=30, ge=1, description="Aliases per operation.")
    graphql_max_tokens: int = Field(default=5000, ge=100, description="Tokens per document.")
    graphql_max_query_bytes: int = Field(default=100_000, ge=1000, description="Document size.")
    graphql_max_cost: int = Field(
        default=10_000, ge=1, description="Worst-case objects per operation (from `first`)."
    )
    graphql_introspection: bool = Field(default=True, description="Allow schema introspection.")
    graphql_loader_cache_entries: int = Field(
        default=50_000,
        ge=0,
        description="Batched rows kept across requests per data version (0: off).",
    )
    recommender_model_dir: Path = Field(
        default=Path("data/models"),
        description="Where `soundstream recommend train` writes models and the server reads them.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    dashboard_port: int = Field(default=8501, ge=1, le=65535)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    # Production serving (`soundstream serve`, `up`): uvicorn's own names where it has one.
    web_concurrency: int = Field(
        default=1, ge=1, description="Worker processes of `soundstream serve` (uvicorn)."
    )
    proxy_headers: bool = Field(
        default=False,
        description="Trust X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS (behind a proxy).",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated proxy addresses (or *) whose X-Forwarded-* are trusted.",
    )
    timeout_keep_alive: int = Field(
        default=5, ge=1, description="Seconds an idle keep-alive connection stays open."
    )
    timeout_graceful_shutdown: int = Field(
        default=20,
        ge=1,
        description="Seconds in-flight requests get to finish on SIGTERM before being cut.",
    )
    # Observability.
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        default="info", description="Threshold of every log; warning drops the access log."
    )
    log_format: Literal["json", "text"] = Field(
        default="text", description="json: one JSON object per line (production); text: humans."
    )
    access_log: bool = Field(
        default=True, description="One line per request: route, status, duration, request id."
    )
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    tune_allocator: bool = Field(
        default=True,
        description="Keep freed large arrays in the heap for the next request (glibc mallopt: "
        "no page faults per recommendation; see server/runtime.py).",
    )
    prometheus_multiproc_dir: Path | None = Field(
        default=None,
        description="Shared metrics directory when serving with several workers "
        "(default: a fresh temporary directory).",
    )

    @field_validator("soundstream_api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()


def resolve_sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other engines and in-memory databases."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return None
    path = database_url[len(prefix) :].split("?", 1)[0]
    if path in ("", ":memory:"):
        return None
    return Path(path)
