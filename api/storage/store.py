"""Reading and writing agencies, workers and job orders in the database.

Functions take an open session and never commit: the caller's transaction decides (a
bulk upload is one transaction, so it lands whole or not at all). Records are stored as
the JSON their model dumps (``exclude_none``: every optional field defaults to None).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from sqlalchemy import Connection, Dialect, LargeBinary, cast, func, select, tuple_
from sqlalchemy.orm import Session, defer

from api.storage.tables import AgencyRow, RecordRow, VacancyRow, WorkerRow
from models.agency import Agency
from models.typed_workers import decode_view, worker_json
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = [
    "JOB_ORDERS",
    "WORKERS",
    "AmbiguousIdError",
    "ModelT",
    "RecordExistsError",
    "RecordNotFoundError",
    "RecordTable",
    "UpsertCounts",
    "all_agencies",
    "ambiguous",
    "count_rows",
    "delete_record",
    "find_record",
    "get_agency",
    "iter_records",
    "list_records",
    "not_found",
    "put_agency",
    "put_record",
    "stored_text",
    "upsert_columns",
    "upsert_records",
]

ModelT = TypeVar("ModelT", Worker, Vacancy)
# SQLite allows 32,766 bound parameters a statement; PostgreSQL 65,535.
_PARAMETER_BUDGET = 30_000


class RecordNotFoundError(LookupError):
    """No record with that id (or none the caller may see: the two are one answer)."""


class AmbiguousIdError(LookupError):
    """Several agencies have a record with that id and the caller did not say which."""


class RecordExistsError(ValueError):
    """A create found the id already taken within the agency."""


@dataclass(frozen=True)
class RecordTable(Generic[ModelT]):
    """How one kind of agency-owned record is stored (``slug`` names it in the audit log)."""

    noun: str
    slug: str
    row: type[RecordRow]
    model: type[ModelT]
    filters: tuple[str, ...]

    def columns(self, record: ModelT) -> dict[str, Any]:
        """The row's column values for ``record`` (timestamps aside)."""
        values: dict[str, Any] = {"agency_id": record.agency_id, "id": record.id}
        if isinstance(record, Vacancy):
            values["record"] = record.model_dump_json(exclude_none=True)
            values["country"] = record.country
            values["programme"] = record.programme
        else:
            # A worker: a record, or a view (a bulk upload's), which is not an instance.
            values["record"] = worker_json(record)
            values["education"] = record.education
        return values

    def load(self, row: RecordRow) -> ModelT:
        """The validated record a row holds."""
        return self.model.model_validate_json(row.record)

    def read(self, stored: str | bytes) -> ModelT:
        """The validated record of a stored JSON text, for a reader of many: a worker as a
        view where the typed reader reads it (:func:`models.typed_workers.decode_view`: the
        same verdict and values, a fraction of the time), else the model's record.

        Raises
        ------
        pydantic.ValidationError
            If the text is not a valid record.
        """
        if self.model is Worker and (view := decode_view(stored)) is not None:
            return view  # type: ignore[return-value]  # (ModelT is Worker here)
        return self.model.model_validate_json(stored)


WORKERS: RecordTable[Worker] = RecordTable("worker", "worker", WorkerRow, Worker, ("education",))
JOB_ORDERS: RecordTable[Vacancy] = RecordTable(
    "job order", "job_order", VacancyRow, Vacancy, ("country", "programme")
)


@dataclass(frozen=True)
class UpsertCounts:
    """What a bulk upsert did."""

    created: int
    updated: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def not_found(table: RecordTable[Any], record_id: str) -> RecordNotFoundError:
    """The one error for a record that is missing or that the caller may not see."""
    return RecordNotFoundError(f"{table.noun} {record_id!r} not found")


def ambiguous(table: RecordTable[Any], record_id: str) -> AmbiguousIdError:
    """The error for an id several agencies use, asked for without an agency."""
    return AmbiguousIdError(
        f"{table.noun} id {record_id!r} is used by several agencies; pass agency_id"
    )


def find_record(
    session: Session, table: RecordTable[ModelT], record_id: str, *, agency_id: str | None
) -> RecordRow:
    """The row of ``record_id``, within ``agency_id`` when given.

    Raises
    ------
    RecordNotFoundError
        If there is none.
    AmbiguousIdError
        If ``agency_id`` is None and several agencies use the id.
    """
    query = select(table.row).where(table.row.id == record_id).limit(2)
    if agency_id is not None:
        query = query.where(table.row.agency_id == agency_id)
    rows = list(session.scalars(query))
    if not rows:
        raise not_found(table, record_id)
    if len(rows) > 1:
        raise ambiguous(table, record_id)
    return rows[0]


def put_record(
    session: Session, table: RecordTable[ModelT], record: ModelT, *, create_only: bool
) -> bool:
    """Insert ``record`` or replace the stored one; True when it was created.

    Raises
    ------
    RecordExistsError
        If ``create_only`` and the agency already has a record with that id.
    """
    row = session.get(table.row, (record.agency_id, record.id))
    now = _now()
    if row is None:
        session.add(table.row(**table.columns(record), created_at=now, updated_at=now))
        return True
    if create_only:
        raise RecordExistsError(f"{table.noun} {record.id!r} already exists; replace it with PUT")
    for name, value in table.columns(record).items():
        setattr(row, name, value)
    row.updated_at = now
    return False


def delete_record(session: Session, row: RecordRow) -> None:
    """Delete a row found with :func:`find_record`."""
    session.delete(row)


def list_records(
    session: Session,
    table: RecordTable[ModelT],
    *,
    agency_id: str | None,
    filters: Mapping[str, str],
    updated_since: dt.datetime | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[RecordRow]:
    """One page of rows in ``(agency_id, id)`` order, after the key ``after``.

    Parameters
    ----------
    session : Session
    table : RecordTable
    agency_id : str or None
        Only this agency's records (None: every agency).
    filters : mapping
        Column name (one of ``table.filters``) to the value it must equal.
    updated_since : datetime or None
        Only records written at or after this instant.
    after : (agency_id, id) or None
        The last key of the previous page (keyset pagination: stable under writes).
    limit : int
        Page size.

    Returns
    -------
    list of rows
    """
    row = table.row
    query = select(row).order_by(row.agency_id, row.id).limit(limit)
    if agency_id is not None:
        query = query.where(row.agency_id == agency_id)
    for name, value in filters.items():
        query = query.where(getattr(row, name) == value)
    if updated_since is not None:
        query = query.where(row.updated_at >= updated_since)
    if after is not None:
        query = query.where(tuple_(row.agency_id, row.id) > tuple_(*after))
    return list(session.scalars(query))


def count_rows(session: Session, table: RecordTable[ModelT], *, agency_id: str | None) -> int:
    """How many records there are (of one agency, or in all)."""
    query = select(func.count()).select_from(table.row)
    if agency_id is not None:
        query = query.where(table.row.agency_id == agency_id)
    return session.scalar(query) or 0


def iter_records(session: Session, table: RecordTable[ModelT]) -> Iterator[ModelT]:
    """Every record of the table, validated (:meth:`RecordTable.read`: workers as views)."""
    for stored in session.scalars(select(table.row.record).execution_options(yield_per=2000)):
        yield table.read(stored)


def upsert_records(
    session: Session,
    table: RecordTable[ModelT],
    records: Sequence[ModelT],
    *,
    at: dt.datetime | None = None,
) -> UpsertCounts:
    """Insert or replace every record (idempotent by ``(agency_id, id)``).

    Parameters
    ----------
    session : Session
        The caller's transaction: on any error nothing of it is kept.
    table : RecordTable
    records : sequence of records, no key twice
    at : datetime, optional
        The time the rows are written at (UTC; now by default): one for every call of a
        write made in several.

    Returns
    -------
    UpsertCounts
    """
    return upsert_columns(session, table, [table.columns(record) for record in records], at=at)


def upsert_columns(
    session: Session,
    table: RecordTable[Any],
    rows: Sequence[dict[str, Any]],
    *,
    at: dt.datetime | None = None,
) -> UpsertCounts:
    """:func:`upsert_records` of rows already made (:meth:`RecordTable.columns`: a bulk
    upload's part read in another process).

    Parameters
    ----------
    session : Session
    table : RecordTable
    rows : sequence of dict
        Each record's column values, no key twice.
    at : datetime, optional
        As for :func:`upsert_records`.

    Returns
    -------
    UpsertCounts
    """
    # The statements below go to the driver, past the session's autoflush: what the
    # transaction added before (an agency the records refer to) is flushed first.
    session.flush()
    connection = session.connection()
    dialect = connection.dialect
    by_agency: dict[str, list[str]] = {}
    for row in rows:
        by_agency.setdefault(row["agency_id"], []).append(row["id"])
    existing = _count_stored(connection, table, by_agency)
    if not rows:
        return UpsertCounts(0, 0)
    names = _record_columns(table)
    # Every row has the same timestamps: bound once here (UTC, the dialect's format).
    stamp = _bind_processor(table.row.__table__.c.created_at, dialect)
    written = _now() if at is None else at
    now = written if stamp is None else stamp(written)
    # (a record has at least its agency_id, id and JSON: itemgetter gives a tuple)
    values: Callable[[dict[str, Any]], tuple[Any, ...]] = operator.itemgetter(*names[:-2])
    stamps = (now, now)
    bound = [values(row) + stamps for row in rows]
    if dialect.name == "sqlite":
        # As many rows a statement as its parameters allow: sqlite3 lets go of the GIL
        # while a statement runs, once a statement, not once a row as executemany does,
        # so another thread (a bulk upload's worker facts) runs meanwhile.
        per_statement = _PARAMETER_BUDGET // len(names)
        for start in range(0, len(bound), per_statement):
            chunk = bound[start : start + per_statement]
            statement = _upsert_statement(table, dialect, len(chunk))
            connection.exec_driver_sql(statement, tuple(chain.from_iterable(chunk)))
    else:
        # The driver's executemany on plain tuples: no per-row parameter processing by
        # SQLAlchemy, which was most of the upsert's time.
        connection.exec_driver_sql(_upsert_statement(table, dialect, 1), bound)
    return UpsertCounts(created=len(rows) - existing, updated=existing)


_STAMPS = ("created_at", "updated_at")


def _count_stored(
    connection: Connection, table: RecordTable[Any], by_agency: Mapping[str, Sequence[str]]
) -> int:
    """How many of the keys (record ids by agency) ``table`` holds."""
    quote = connection.dialect.identifier_preparer.quote
    marker = _marker(connection.dialect)
    stored = 0
    for agency_id, ids in by_agency.items():
        for start in range(0, len(ids), _PARAMETER_BUDGET):
            chunk = ids[start : start + _PARAMETER_BUDGET]
            # Driver SQL: SQLAlchemy's expansion of an IN list cost more than the query.
            count = connection.exec_driver_sql(
                f"SELECT count(*) FROM {quote(table.row.__tablename__)} "
                f"WHERE {quote('agency_id')} = {marker} "
                f"AND {quote('id')} IN ({', '.join([marker] * len(chunk))})",
                (agency_id, *chunk),
            )
            stored += count.scalar() or 0
    return stored


def _bind_processor(column: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """What SQLAlchemy does to a value of ``column`` before the driver gets it (None:
    nothing); the dialect's own implementation of the type, as a statement would use."""
    process: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process


def _marker(dialect: Dialect) -> str:
    """The driver's mark of a positional parameter (sqlite3: ``?``; psycopg: ``%s``)."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _record_columns(table: RecordTable[Any]) -> tuple[str, ...]:
    """The columns an upsert writes, in order: the record's, then the two timestamps."""
    columns = table.row.__table__.columns
    return (*(c.name for c in columns if c.name not in _STAMPS), *_STAMPS)


def _upsert_statement(table: RecordTable[Any], dialect: Dialect, rows: int) -> str:
    """The driver's SQL of an upsert of ``rows`` rows into ``table``, its parameters
    :func:`_record_columns` row after row.

    Raises
    ------
    TypeError
        If a record's column needs bind processing on ``dialect`` (its value would be
        sent to the driver as it is): only the timestamps are bound, once per upsert.
    """
    columns = table.row.__table__.columns
    names = _record_columns(table)
    for name in names[:-2]:
        if _bind_processor(columns[name], dialect) is not None:
            raise TypeError(f"{table.noun} column {name!r} needs bind processing")
    quote = dialect.identifier_preparer.quote
    row = f"({', '.join([_marker(dialect)] * len(names))})"
    replaced = [name for name in names if name not in ("agency_id", "id", "created_at")]
    return (
        f"INSERT INTO {quote(table.row.__tablename__)} ({', '.join(map(quote, names))}) "
        f"VALUES {', '.join([row] * rows)} "
        f"ON CONFLICT ({quote('agency_id')}, {quote('id')}) DO UPDATE SET "
        + ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in replaced)
    )


def stored_text(session: Session, column: Any) -> Any:
    """``column`` as SQL reads it safely: bytes on SQLite, text elsewhere.

    SQLite keeps whatever bytes were written; reading them as text would fail on bytes that
    are not UTF-8, so they are read as bytes and validated (as UTF-8 JSON) by pydantic.
    PostgreSQL refuses such bytes on write.
    """
    return cast(column, LargeBinary) if session.get_bind().dialect.name == "sqlite" else column


def _agency(stored: str | bytes) -> Agency | None:
    # An entry this version cannot read is quarantined at start-up (api.storage.quarantine) and
    # counts as absent until it is replaced.
    try:
        return Agency.model_validate_json(stored)
    except ValidationError:
        return None


def get_agency(session: Session, agency_id: str) -> Agency | None:
    """The register entry of ``agency_id``, or None (also for an unreadable entry)."""
    query = select(stored_text(session, AgencyRow.record)).where(AgencyRow.id == agency_id)
    stored = session.scalar(query)
    return None if stored is None else _agency(stored)


def all_agencies(session: Session) -> list[Agency]:
    """The whole register, by id (without unreadable entries)."""
    query = select(stored_text(session, AgencyRow.record)).order_by(AgencyRow.id)
    return [agency for agency in map(_agency, session.scalars(query)) if agency is not None]


def put_agency(session: Session, agency: Agency, *, create_only: bool) -> bool:
    """Insert or replace a register entry; True when it was created.

    Raises
    ------
    RecordExistsError
        If ``create_only`` and the agency is already registered.
    """
    # The stored record is not loaded: an unreadable one (see _agency) is replaced unread.
    row = session.get(AgencyRow, agency.id, options=[defer(AgencyRow.record)])
    record = agency.model_dump_json(exclude_none=True)
    now = _now()
    if row is None:
        session.add(
            AgencyRow(
                id=agency.id, status=agency.status, record=record, created_at=now, updated_at=now
            )
        )
        return True
    if create_only:
        raise RecordExistsError(f"agency {agency.id!r} already exists; replace it with PUT")
    row.status, row.record, row.updated_at = agency.status, record, now
    return False
