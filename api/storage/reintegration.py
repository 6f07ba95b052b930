"""Storing domestic opportunities (FORMAT.md v2) and reading the returnees to match.

An opportunity names no agency of its own; the row records the agency that owns it
(``owner_agency_id``): an agency key uploads and sees its own, officers any agency's
(naming the owner). Matching reads every stored opportunity: an opportunity at home is
an offer to every returnee. Returnees are the stored workers with a ``returned`` date.
Functions take an open session and never commit (a bulk upload is one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Index, String, select, tuple_
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.storage.store import WORKERS
from api.storage.tables import ID, Base, StoredRecord, WorkerRow
from models.opportunity import Opportunity
from models.worker import Worker

__all__ = [
    "OpportunityRow",
    "find_opportunity",
    "list_opportunities",
    "put_opportunities",
    "returnees_in",
]


class OpportunityRow(StoredRecord, Base):
    """A domestic opportunity; ``record`` is the Opportunity JSON (migration 0004_reint2)."""

    __tablename__ = "opportunities"

    owner_agency_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_opportunities_id", "id"),)


def put_opportunities(
    session: Session, owner: str, records: Sequence[Opportunity]
) -> tuple[int, int]:
    """Insert or replace ``records`` of ``owner``; returns (created, replaced)."""
    now = dt.datetime.now(dt.UTC)
    created = replaced = 0
    for record in records:
        text = record.model_dump_json(exclude_none=True)
        row = session.get(OpportunityRow, (owner, record.id))
        if row is None:
            session.add(
                OpportunityRow(
                    owner_agency_id=owner,
                    id=record.id,
                    kind=record.kind,
                    record=text,
                    created_at=now,
                    updated_at=now,
                )
            )
            created += 1
        else:
            row.kind, row.record, row.updated_at = record.kind, text, now
            replaced += 1
    return created, replaced


def list_opportunities(
    session: Session,
    owner: str | None,
    *,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[OpportunityRow]:
    """Rows in (owner, id) order, of one owner or (None) of all; a page: those after the
    key ``after``, at most ``limit``."""
    query = select(OpportunityRow).order_by(OpportunityRow.owner_agency_id, OpportunityRow.id)
    if owner is not None:
        query = query.where(OpportunityRow.owner_agency_id == owner)
    if after is not None:
        key = tuple_(OpportunityRow.owner_agency_id, OpportunityRow.id)
        query = query.where(key > tuple_(*after))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def find_opportunity(
    session: Session, opportunity_id: str, owner: str | None
) -> list[OpportunityRow]:
    """The rows with ``opportunity_id`` (of ``owner`` when given): 0, 1 or several."""
    query = select(OpportunityRow).where(OpportunityRow.id == opportunity_id)
    if owner is not None:
        query = query.where(OpportunityRow.owner_agency_id == owner)
    return list(session.scalars(query.limit(2)))


def returnees_in(session: Session, agency_id: str | None) -> list[Worker]:
    """The stored workers with a ``returned`` date, of one agency or (None) all."""
    query = select(WorkerRow.record).order_by(WorkerRow.agency_id, WorkerRow.id)
    if agency_id is not None:
        query = query.where(WorkerRow.agency_id == agency_id)
    workers = (WORKERS.read(t) for t in session.scalars(query))
    return [w for w in workers if w.returned is not None]
