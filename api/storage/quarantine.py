"""Quarantine: a stored record the service cannot read is taken out of service, not fatal.

The store refuses what the service could not read (migration 0003), and writes are
validated first; but a store written by an older version (before a bound existed), or by
hand, can still hold such a record. At start-up every stored record is validated as the
live pool is filled (:func:`readable_records`, :func:`readable_agencies`); one that fails
is logged (its kind, agency and id, and the failing fields and error types: never a
value) and quarantined (:func:`quarantine`), and the server starts with everything else:

- a worker or job order is moved into ``quarantined_records`` (its stored bytes kept as
  they were) in one transaction: it no longer exists for the API, and its agency may
  write it again;
- an agency stays in its table (workers, job orders and keys refer to it) and is left out
  of the register (:func:`api.storage.store.all_agencies` skips it) until it is replaced with
  ``PUT /agencies/{id}``; it is recorded in ``quarantined_records`` once.

``GET /health`` counts the quarantined records and officers list them with
``GET /quarantine``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from api.storage.database import write_session
from api.storage.store import ModelT, RecordTable, stored_text
from api.storage.tables import AgencyRow, QuarantineRow, RecordRow, VacancyRow, WorkerRow
from models.agency import Agency
from models.common import error_message

__all__ = [
    "Unreadable",
    "count_quarantined",
    "quarantine",
    "readable_agencies",
    "readable_records",
]

_log = logging.getLogger("selaras.api")


@dataclass(frozen=True)
class Unreadable:
    """A stored record that failed validation: where it is, its bytes and its problems."""

    kind: str
    agency_id: str | None
    record_id: str
    record: bytes
    problems: tuple[tuple[str, str, str], ...]
    """``(field, error type, message)``; the message may quote a value (never logged)."""


def _problems(error: ValidationError) -> tuple[tuple[str, str, str], ...]:
    found = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "(record)"
        found.append((field, item["type"], error_message(item)))
    return tuple(found)


def readable_records(
    session: Session, table: RecordTable[ModelT], unreadable: list[Unreadable]
) -> Iterator[ModelT]:
    """Every stored record of ``table`` that validates, in no particular order.

    Parameters
    ----------
    session : Session
    table : RecordTable
    unreadable : list
        Each record that does not validate is appended here instead.

    Yields
    ------
    Worker or Vacancy
        As :meth:`~api.storage.store.RecordTable.read` reads them (workers as views where
        the typed reader can).
    """
    row = table.row
    query = select(row.agency_id, row.id, stored_text(session, row.record))
    for agency_id, record_id, stored in session.execute(query.execution_options(yield_per=2000)):
        try:
            yield table.read(stored)
        except ValidationError as error:
            data = stored if isinstance(stored, bytes) else stored.encode("utf-8", "surrogatepass")
            unreadable.append(Unreadable(table.slug, agency_id, record_id, data, _problems(error)))


def readable_agencies(session: Session) -> tuple[list[Agency], list[Unreadable]]:
    """The register (agencies that validate, by id) and the agencies that do not."""
    register: list[Agency] = []
    unreadable: list[Unreadable] = []
    query = select(AgencyRow.id, stored_text(session, AgencyRow.record)).order_by(AgencyRow.id)
    for agency_id, stored in session.execute(query):
        try:
            register.append(Agency.model_validate_json(stored))
        except ValidationError as error:
            data = stored if isinstance(stored, bytes) else stored.encode("utf-8", "surrogatepass")
            unreadable.append(Unreadable("agency", None, agency_id, data, _problems(error)))
    return register, unreadable


def quarantine(engine: Engine, unreadable: Sequence[Unreadable]) -> None:
    """Take ``unreadable`` records out of service (see the module docstring) and log each.

    Parameters
    ----------
    engine : Engine
    unreadable : sequence of Unreadable
        From :func:`readable_records` and :func:`readable_agencies`.
    """
    if not unreadable:
        return
    tables: dict[str, type[RecordRow]] = {"worker": WorkerRow, "job_order": VacancyRow}
    now = dt.datetime.now(dt.UTC)
    with write_session(engine) as session:
        for item in unreadable:
            if item.kind == "agency":
                known = (
                    select(func.count())
                    .select_from(QuarantineRow)
                    .where(
                        QuarantineRow.kind == "agency",
                        QuarantineRow.record_id == item.record_id,
                        QuarantineRow.record == item.record,
                    )
                )
                if session.scalar(known):
                    continue  # quarantined at an earlier start, still not replaced
            else:
                row = tables[item.kind]
                session.execute(
                    delete(row).where(row.agency_id == item.agency_id, row.id == item.record_id)
                )
            problems = [{"field": f, "type": t, "message": m} for f, t, m in item.problems]
            session.add(
                QuarantineRow(
                    kind=item.kind,
                    agency_id=item.agency_id,
                    record_id=item.record_id,
                    record=item.record,
                    problems=json.dumps(problems, ensure_ascii=False),
                    quarantined_at=now,
                )
            )
    for item in unreadable:
        where = f"{item.agency_id}/{item.record_id}" if item.agency_id else item.record_id
        fields = ", ".join(f"{field} ({kind})" for field, kind, _ in item.problems)
        _log.error(
            "quarantined %s %s: its stored record cannot be read (%s); it is out of service "
            "until written again (GET /quarantine)",
            item.kind,
            where,
            fields,
        )


def count_quarantined(session: Session) -> int:
    """How many records are in quarantine."""
    return session.scalar(select(func.count()).select_from(QuarantineRow)) or 0
