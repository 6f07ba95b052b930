"""The public JobPosting feed, and the officer's *promotable* mark that admits a job order.

``GET /feeds/jobpostings`` needs no key: job boards and search engines read it. It lists
only the job orders an officer marked promotable (``PUT /job-orders/{id}/promotable``),
and of those only the open, non-refused ones on the day (the screening of
``selaras export jobposting``: :mod:`matcher.rules.postings`), as schema.org JobPosting
JSON-LD. Pages follow the other lists (``items``, ``next_cursor``, signed cursors in
``(agency_id, id)`` order); every page carries a strong ``ETag``, and a request whose
``If-None-Match`` names it gets ``304 Not Modified`` without a body.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from api.access.keys import Principal
from api.audit.log import entry_values, write_entry
from api.deps import Officer, Server, ServerDep
from api.http.errors import NotFoundError, responses
from api.http.etags import etag_of, not_modified
from api.http.params import AgencyQuery, AsOfQuery, CursorQuery, PageSizeQuery
from api.storage.database import read_session, write_session
from api.storage.integration_tables import PromotedJobOrderRow
from api.storage.store import JOB_ORDERS, find_record
from api.storage.tables import VacancyRow
from matcher.rules.postings import advertised, export_postings
from models.common import Identifier
from models.vacancy import Vacancy

__all__ = ["promotion_router", "router"]

router = APIRouter(prefix="/feeds", tags=["feeds"])
promotion_router = APIRouter(
    prefix="/job-orders", tags=["job orders"], responses=responses(401, 403, 404, 409)
)

_CACHE = "public, max-age=60"


@router.get("/jobpostings", responses={304: {"description": "The page has not changed."}})
def job_postings_feed(
    server: ServerDep,
    cursor: CursorQuery = None,
    limit: PageSizeQuery = 100,
    as_of: AsOfQuery = None,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> Response:
    """Promotable, open, non-refused job orders as schema.org JobPosting JSON-LD (public).

    A page ``{"items": [JobPosting...], "next_cursor": ...}``; a job order that is not open
    on ``as_of`` (default today) is left out of its page, so a page may be short.
    """
    after = server.cursors.decode(cursor)
    day = as_of or dt.date.today()
    query = (
        select(VacancyRow.record, VacancyRow.agency_id, VacancyRow.id)
        .join(
            PromotedJobOrderRow,
            (PromotedJobOrderRow.agency_id == VacancyRow.agency_id)
            & (PromotedJobOrderRow.id == VacancyRow.id),
        )
        .order_by(VacancyRow.agency_id, VacancyRow.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(VacancyRow.agency_id, VacancyRow.id) > tuple_(*after))
    with read_session(server.engine) as session:
        rows = list(session.execute(query))
    orders = [Vacancy.model_validate_json(row.record) for row in rows]
    postings = export_postings(advertised(orders, server.agencies, day), day).postings
    last = (rows[-1].agency_id, rows[-1].id) if len(rows) == limit else None
    page = {"items": postings, "next_cursor": None if last is None else server.cursors.encode(last)}
    body = json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": _CACHE}
    if not_modified(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@dataclass(frozen=True)
class _Target:
    """The job order a promotion route names: its id and, for officers, its agency."""

    job_order_id: str
    agency_id: str | None


async def _target(job_order_id: Identifier, agency_id: AgencyQuery = None) -> _Target:
    return _Target(job_order_id, agency_id)


_TargetDep = Annotated[_Target, Depends(_target)]


@dataclass(frozen=True)
class _Mark:
    """An open change of a job order's promotable mark (see :func:`_promotion`)."""

    session: Session
    key: tuple[str, str]
    row: PromotedJobOrderRow | None


@promotion_router.put("/{job_order_id}/promotable", status_code=204)
def mark_promotable(target: _TargetDep, principal: Officer, server: ServerDep) -> Response:
    """Mark a job order promotable: the public feed lists it while it is open (officers)."""
    with _promotion(server, principal, target, "job_orders.promote") as mark:
        if mark.row is None:
            mark.session.add(
                PromotedJobOrderRow(
                    agency_id=mark.key[0],
                    id=mark.key[1],
                    key_id=principal.key_id,
                    marked_at=dt.datetime.now(dt.UTC),
                )
            )
    return Response(status_code=204)


@promotion_router.delete("/{job_order_id}/promotable", status_code=204)
def unmark_promotable(target: _TargetDep, principal: Officer, server: ServerDep) -> Response:
    """Take a job order off the public feed (officers); 404 if it was not marked."""
    with _promotion(server, principal, target, "job_orders.unpromote") as mark:
        if mark.row is None:
            raise NotFoundError(f"job order {target.job_order_id!r} is not marked promotable")
        mark.session.delete(mark.row)
    return Response(status_code=204)


@contextmanager
def _promotion(
    server: Server, principal: Principal, target: _Target, action: str
) -> Iterator[_Mark]:
    """A change of one job order's promotable mark, under the write lock: yields the job
    order's key and its mark, then writes the audit entry ``action`` in the same
    transaction (not when the block raises)."""
    with server.write_lock, write_session(server.engine) as session:
        row = find_record(session, JOB_ORDERS, target.job_order_id, agency_id=target.agency_id)
        key = (row.agency_id, row.id)
        yield _Mark(session, key, session.get(PromotedJobOrderRow, key))
        write_entry(
            session,
            entry_values(
                principal,
                action,
                target=f"{key[0]}/{key[1]}",
                params={},
                result_ids=[list(key)],
                versions=server.ranking.versions,
            ),
        )
