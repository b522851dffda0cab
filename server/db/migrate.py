"""Alembic, driven from code: `soundstream db upgrade` and the ingest's schema check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from server.db.engine import create_db_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent)."""
    _run(database_url, command.upgrade, revision)


def downgrade(database_url: str, revision: str) -> None:
    """Take the schema back to ``revision`` (each migration's downgrade keeps the data)."""
    _run(database_url, command.downgrade, revision)


def _run(database_url: str, step: Callable[[Config, str], None], revision: str) -> None:
    engine = create_db_engine(database_url)
    try:
        config = alembic_config(database_url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
