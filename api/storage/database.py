"""Connecting to the store and bringing its schema up to date.

SQLite gets WAL mode (readers never wait for the writer), foreign keys, a busy timeout
and ``synchronous=FULL`` (a commit survives a power cut, not only a killed process); its
file and the directory made for it are readable by the owner only
(:mod:`api.storage.private_files`).
Writes run in ``BEGIN IMMEDIATE`` transactions (:func:`write_session`): a transaction
that read first and then wrote could otherwise fail when another writer committed in
between.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.storage.private_files import private_file

__all__ = [
    "connect",
    "migrate",
    "read_session",
    "write_connection",
    "write_session",
    "writing",
]

_BUSY_TIMEOUT_S = 30
_BEGIN_OPTION = "selaras_begin"


def connect(url: str, *, wal_checkpoints: Literal["auto", "background"] = "auto") -> Engine:
    """Create the engine for ``url``; a SQLite file's directory is created if missing.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL; ``postgresql://`` is read as ``postgresql+psycopg://``.
    wal_checkpoints : {"auto", "background"}
        SQLite only: checkpoint in the committing connection (SQLite's default), or never
        there, for a :class:`api.storage.checkpoints.WalCheckpointer` to do it.

    Returns
    -------
    sqlalchemy.Engine
    """
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # hide_parameters: a database error's message would otherwise quote the statement's
    # values (records: names, NIKs) into whatever logs or shows it.
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
        )
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        # The store holds personal data: it and its directory are the owner's only.
        private_file(Path(parsed.database))
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False, "timeout": _BUSY_TIMEOUT_S},
        hide_parameters=True,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    if wal_checkpoints == "background":
        event.listen(engine, "connect", _no_autocheckpoint)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy issues BEGIN itself (see _sqlite_begin), so the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading (closed, never committed, at the end)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def writing(engine: Engine) -> Engine:
    """``engine`` whose transactions take the write lock at once (``BEGIN IMMEDIATE``)."""
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at once and commits on success.

    An exception rolls everything back: a write is all or nothing.
    """
    with Session(writing(engine), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """As :func:`write_session`, for Core statements (no ORM unit of work to pay for)."""
    with writing(engine).begin() as connection:
        yield connection


def migrate(engine: Engine) -> None:
    """Apply every Alembic migration the store lacks (a new store gets them all)."""
    config = Config()
    config.set_main_option("script_location", str(files("api.storage") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
