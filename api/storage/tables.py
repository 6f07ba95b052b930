"""The database tables (SQLAlchemy 2 declarative); Alembic migrations create them.

Worker and job-order records are stored whole as the JSON their model validated and
dumped, keyed by ``(agency_id, id)``: ids are unique within an agency (FORMAT.md), so two
agencies may both have a ``W-000001``. A few columns are copied out of the record for
list filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ID",
    "AgencyRow",
    "ApiKeyRow",
    "AuditRow",
    "Base",
    "BatchRunRow",
    "QuarantineRow",
    "RecordRow",
    "StoredRecord",
    "UtcDateTime",
    "VacancyRow",
    "WorkerRow",
]

ID = String(64).with_variant(String(64, collation="C"), "postgresql")
"""The column type of ids: they order byte by byte on every backend ("C" collation on
PostgreSQL; SQLite's default)."""


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An instant stored in UTC and read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Store in UTC."""
        return None if value is None else value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Read as an aware UTC instant."""
        if value is None:
            return None
        stamp: dt.datetime = value
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the Selaras tables."""


class StoredRecord:
    """The columns of a record stored whole (a mixin, after the table's own columns):
    ``record`` is its JSON; created and last replaced when."""

    record: Mapped[str] = mapped_column(Text, sort_order=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, sort_order=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, sort_order=1)


class AgencyRow(StoredRecord, Base):
    """An agency of the register; ``record`` is the Agency JSON."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))


class RecordRow(StoredRecord, Base):
    """The columns of every agency-owned record; ``record`` is the record's JSON."""

    __abstract__ = True

    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agencies.id"), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)


class WorkerRow(RecordRow):
    """A candidate; ``record`` is the Worker JSON."""

    __tablename__ = "workers"

    education: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_workers_id", "id"),)


class VacancyRow(RecordRow):
    """A job order; ``record`` is the Vacancy JSON."""

    __tablename__ = "job_orders"

    country: Mapped[str] = mapped_column(String(2))
    programme: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_job_orders_id", "id"),)


class ApiKeyRow(Base):
    """An API key: only the SHA-256 of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[str | None] = mapped_column(ID, ForeignKey("agencies.id"))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One audit-log entry; the table is append-only (database triggers refuse changes)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    key_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[str | None] = mapped_column(ID)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    params: Mapped[str] = mapped_column(Text)
    result_ids: Mapped[str] = mapped_column(Text)
    versions: Mapped[str] = mapped_column(Text)


class BatchRunRow(Base):
    """A run in the background: an allocation round (``/batch-runs``) or another
    ``kind`` (``training_plan``: ``/training-plans``; migration 0006_training).

    ``records`` holds the JSON Lines output and ``report`` the round report's JSON once
    the run is done; ``params`` the request. ``records`` is deferred: a round's output can
    run to tens of megabytes, and only the results routes read it
    (``undefer(BatchRunRow.records)``); a status poll or a list of runs does not load it.
    """

    __tablename__ = "batch_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="round")
    status: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float)
    params: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    records: Mapped[str | None] = mapped_column(Text, deferred=True)
    report: Mapped[str | None] = mapped_column(Text)


class QuarantineRow(Base):
    """A stored record the service could not read at start-up (``api.storage.quarantine``).

    ``record`` holds the stored bytes as they were; ``problems`` a JSON list of
    ``{"field", "type", "message"}``. Workers and job orders were moved here out of their
    tables; an agency stays in its table (records refer to it) and is left out of the
    register until it is replaced.
    """

    __tablename__ = "quarantined_records"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[str | None] = mapped_column(ID)
    record_id: Mapped[str] = mapped_column(ID)
    record: Mapped[bytes] = mapped_column(LargeBinary)
    problems: Mapped[str] = mapped_column(Text)
    quarantined_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
