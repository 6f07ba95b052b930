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
from typing import Annotated

from fastapi import APIRouter, Header, Response
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


@promotion_router.put("/{job_order_id}/promotable", status_code=204)
def mark_promotable(
    job_order_id: Identifier, principal: Officer, server: ServerDep, agency_id: AgencyQuery = None
) -> Response:
    """Mark a job order promotable: the public feed lists it while it is open (officers)."""
    with server.write_lock, write_session(server.engine) as session:
        row = find_record(session, JOB_ORDERS, job_order_id, agency_id=agency_id)
        key = (row.agency_id, row.id)
        if session.get(PromotedJobOrderRow, key) is None:
            session.add(
                PromotedJobOrderRow(
                    agency_id=row.agency_id,
                    id=row.id,
                    key_id=principal.key_id,
                    marked_at=dt.datetime.now(dt.UTC),
                )
            )
        _audit(session, principal, server, "job_orders.promote", key)
    return Response(status_code=204)


@promotion_router.delete("/{job_order_id}/promotable", status_code=204)
def unmark_promotable(
    job_order_id: Identifier, principal: Officer, server: ServerDep, agency_id: AgencyQuery = None
) -> Response:
    """Take a job order off the public feed (officers); 404 if it was not marked."""
    with server.write_lock, write_session(server.engine) as session:
        row = find_record(session, JOB_ORDERS, job_order_id, agency_id=agency_id)
        mark = session.get(PromotedJobOrderRow, (row.agency_id, row.id))
        if mark is None:
            raise NotFoundError(f"job order {job_order_id!r} is not marked promotable")
        session.delete(mark)
        _audit(session, principal, server, "job_orders.unpromote", (row.agency_id, row.id))
    return Response(status_code=204)


def _audit(
    session: Session, principal: Principal, server: Server, action: str, key: tuple[str, str]
) -> None:
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
