"""Helpers of the storage tests: a wiped PostgreSQL database, migrations run by hand."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from api.storage.database import connect

__all__ = ["downgrade", "reset_postgres", "upgrade"]


def reset_postgres(url: str) -> None:
    """Drop every table of the database at ``url`` (the test database only)."""
    engine = connect(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(files("api.storage") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


def upgrade(engine: Engine, revision: str) -> None:
    """Migrate the store of ``engine`` up to ``revision``."""
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the store of ``engine`` down to ``revision``."""
    _migrate(engine, command.downgrade, revision)
