"""Reintegration of returnees: domestic opportunities, their candidates, a returnee's
opportunities and one pair explained (FORMAT.md v2; docs/reintegration.md).

- ``POST /opportunities``: a bulk upload, all or nothing (a JSON array of opportunities,
  validated whole; a duplicate id is a 422 naming both entries). An agency key uploads
  its own; an officer names the owning agency (``agency_id``).
- ``GET /opportunities``, ``GET /opportunities/{id}``: an agency sees its own, officers
  and auditors every agency's (opportunities hold no personal data).
- ``GET /returnees/{worker_id}/opportunities``: a stored worker with a ``returned`` date
  against every stored opportunity (an opportunity at home is offered to every returnee);
  an agency asks only for its own workers.
- ``GET /opportunities/{id}/candidates``: the returnees for one opportunity, an agency's
  own or (officers) all, or the reasons it is refused.
- ``GET /returnees/{worker_id}/opportunities/{opportunity_id}/explanation``: one pair's
  record with a line per component, recognised level, gap and flag.

Ranking is ``selaras reintegrate``'s (``matcher.reintegration.run``); every answer that
names returnees is audited, as rankings are.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from api.access.keys import Principal
from api.access.tenancy import NOBODY, check_owner, list_scope, lookup_scope, rank_scope
from api.audit.log import entry_values, write_entry
from api.deps import AnyRole, Ranker, Server, ServerDep, Writer
from api.http.errors import ConflictError, NotFoundError, UnprocessableError, responses
from api.http.params import (
    AgencyQuery,
    CursorQuery,
    PageSizeQuery,
    PairsQuery,
    RankingQuery,
    ReturneeExplanationQuery,
)
from api.live_pool.opportunities import (
    BOOK_DEPTH,
    KeptAnswer,
    book_name,
    named_offers,
    offer_of,
)
from api.records import json_response, load_one
from api.routers.answers import audited, json_answer
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.database import read_session, write_session
from api.storage.reintegration import (
    OpportunityRow,
    find_opportunity,
    list_opportunities,
    put_opportunities,
    returnees_in,
)
from api.storage.store import WORKERS
from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.run import explain_reintegration, prepare_reintegration
from models.common import Identifier
from models.opportunity import Opportunity
from models.reintegration_results import ReintegrationResult
from models.typed_workers import with_id
from models.worker import Worker

__all__ = ["ANSWERED_FROM", "router"]

MAX_OPPORTUNITIES = 10_000
"""Most opportunities one upload carries."""

ANSWERED_FROM = "X-Selaras-Answered-From"
"""Response header of a returnee's opportunities: ``book`` (the kept book answered) or
``ranked`` (ranked afresh: the book of the date is not built yet, or cannot answer)."""

router = APIRouter(
    tags=["reintegration"],
    responses=responses(401, 403, 404, 409, 503),
    max_body_size=MAX_JSON_BODY_BYTES,
)


def _owner(principal: Principal, agency_id: str | None, server: Any) -> str:
    """The agency an upload belongs to: an agency's own; the one an officer names."""
    if principal.role == "agency":
        assert principal.agency_id is not None
        owner = agency_id or principal.agency_id
    elif agency_id is None:
        raise UnprocessableError([(("query", "agency_id"), "name the agency that owns them")])
    else:
        owner = agency_id
    check_owner(principal, owner, server.agencies, loc=("query", "agency_id"))
    return owner


@router.post("/opportunities", responses=responses(413))
def upload_opportunities(
    opportunities: list[Opportunity],
    principal: Writer,
    server: ServerDep,
    agency_id: AgencyQuery = None,
) -> Response:
    """Add or replace opportunities, all or nothing; ``{"created", "updated"}``."""
    if len(opportunities) > MAX_OPPORTUNITIES:
        raise UnprocessableError([(("body",), f"at most {MAX_OPPORTUNITIES} in one upload")])
    seen: dict[str, int] = {}
    for i, found in enumerate(opportunities):
        if found.id in seen:
            raise UnprocessableError(
                [(("body", i, "id"), f"id {found.id!r} is also entry {seen[found.id]}")]
            )
        seen[found.id] = i
    owner = _owner(principal, agency_id, server)
    # The write lock orders the commits with the book's updates: the book ends in the
    # state of the last commit.
    with server.write_lock:
        with write_session(server.engine) as session:
            created, updated = put_opportunities(session, owner, opportunities)
            # Every data change is audited, in the transaction that makes it.
            write_entry(
                session,
                entry_values(
                    principal,
                    "opportunities.bulk",
                    target=owner,
                    params={"records": len(opportunities)},
                    result_ids=[[owner, o.id] for o in opportunities],
                    versions=server.ranking.versions,
                ),
            )
        server.opportunity_books.opportunities_written(owner, opportunities)
    return json_answer({"agency_id": owner, "created": created, "updated": updated})


@router.get("/opportunities")
def read_opportunities(
    principal: AnyRole,
    server: ServerDep,
    agency_id: AgencyQuery = None,
    cursor: CursorQuery = None,
    limit: PageSizeQuery = 100,
) -> Response:
    """Stored opportunities in (owner, id) order, each with its owner, a page at a time
    (``next_cursor``, as the other lists)."""
    scope = list_scope(principal, agency_id)
    after = server.cursors.decode(cursor)
    with read_session(server.engine) as session:
        rows = (
            [] if scope == NOBODY else list_opportunities(session, scope, after=after, limit=limit)
        )
    last = (rows[-1].owner_agency_id, rows[-1].id) if len(rows) == limit else None
    next_cursor = None if last is None else server.cursors.encode(last)
    return json_answer({"items": [_item(r) for r in rows], "next_cursor": next_cursor})


def _item(row: OpportunityRow) -> dict[str, Any]:
    return {"agency_id": row.owner_agency_id, "opportunity": orjson.loads(row.record)}


def _stored(
    server: Any, opportunity_id: str, owner: str | None, caller: Principal | None = None
) -> OpportunityRow:
    """The opportunity ``opportunity_id`` of ``owner`` (None: of any agency). An agency
    ``caller`` that holds one with the id means its own, whoever else uses the id."""
    with read_session(server.engine) as session:
        rows = find_opportunity(session, opportunity_id, owner)
    if not rows:
        raise NotFoundError(f"opportunity {opportunity_id!r} not found")
    own = [r for r in rows if caller is not None and r.owner_agency_id == caller.agency_id]
    if len(rows) > 1 and caller is not None and caller.role == "agency" and own:
        return own[0]
    if len(rows) > 1:
        raise ConflictError(
            f"opportunity id {opportunity_id!r} is used by several agencies; pass agency_id"
        )
    return rows[0]


@router.get("/opportunities/{opportunity_id}")
def read_opportunity(
    opportunity_id: Identifier,
    principal: AnyRole,
    server: ServerDep,
    agency_id: AgencyQuery = None,
) -> Response:
    """One stored opportunity (404 for another agency's, when an agency asks)."""
    scope = list_scope(principal, agency_id)
    if scope == NOBODY:
        raise NotFoundError(f"opportunity {opportunity_id!r} not found")
    return json_answer(_item(_stored(server, opportunity_id, scope)))


def _returnee(server: Any, principal: Principal, worker_id: str, agency_id: str | None) -> Worker:
    worker = load_one(server, principal, WORKERS, worker_id, agency_id)
    if worker.returned is None:
        raise UnprocessableError(
            [(("path", "worker_id"), f"worker {worker_id!r} has no 'returned' date")]
        )
    return worker


def _offers(server: Any) -> list[Opportunity]:
    """Every stored opportunity under its name (:func:`offer_name`), to be ranked."""
    with read_session(server.engine) as session:
        return named_offers(list_opportunities(session, None))


def _offer_item(result: ReintegrationResult, worker_id: str) -> dict[str, Any]:
    """One result of a returnee's opportunities: the opportunity's id and owner (agencies
    may share an id) read back from the name it was ranked under."""
    record = result.model_dump(mode="json")
    owner, opportunity_id = offer_of(record.pop("opportunity_id"))
    return {
        "opportunity_id": opportunity_id,
        "opportunity_agency_id": owner,
        **record,
        "worker_id": worker_id,
    }


def _kept_results(
    book: OpportunityBook, agency_id: str, worker_id: str, query: RankingQuery
) -> list[dict[str, Any]] | None:
    """A returnee's answer from ``book``; None when the book cannot give it (not one of its
    returnees, ``k`` above its depth)."""
    if query.include_ineligible:
        return None
    kept = book.opportunities_for(book_name(agency_id, worker_id), query.k, query.lang)
    if kept is None:
        return None
    return [_offer_item(r, worker_id) for r in kept]


def _returnee_opportunities(
    server: Any, worker: Worker, query: RankingQuery
) -> tuple[list[dict[str, Any]], str]:
    """The stored path: the answer and where it came from (:data:`ANSWERED_FROM`)."""
    if not query.include_ineligible and query.k <= BOOK_DEPTH:
        book = server.opportunity_books.kept(server.engine, query.as_of)
        kept = None if book is None else _kept_results(book, worker.agency_id, worker.id, query)
        if kept is not None:
            return kept, "book"
    run = prepare_reintegration([worker], _offers(server), query.as_of)
    ranked = run.rank("returnees", query.k, query.include_ineligible, query.lang)
    return [_offer_item(r, worker.id) for r in ranked], "ranked"


def _answered_from_book(
    server: Server, principal: Principal, worker_id: str, query: RankingQuery
) -> tuple[str, KeptAnswer] | None:
    """The returnee's agency and answer from the book already built, or None.

    The kept book holds exactly the stored returnees (every write of a worker updates it
    before the write answers), so finding ``agency/id`` in it answers what reading the
    worker would: it exists, the caller may see it, it has a ``returned`` date.
    Everything else (no book of the date yet, an officer naming no agency, an id the book
    lacks, a list the book cannot answer) returns None and takes the stored path, which
    gives the same answer or the exact error. The answer is rendered once and kept with
    the book (:meth:`~api.live_pool.opportunities.OpportunityBooks.answer`) until a write
    changes it.
    """
    if query.include_ineligible:
        return None
    scope = lookup_scope(principal, query.agency_id, WORKERS, worker_id)
    if scope is None:  # the store says whether the id is unique among the agencies
        return None

    def render(book: OpportunityBook) -> KeptAnswer | None:
        results = _kept_results(book, scope, worker_id, query)
        if results is None:
            return None
        return KeptAnswer(_answer_body(worker_id, scope, query, results), _owned_ids(results))

    kept = server.opportunity_books.answer(
        server.engine, query.as_of, book_name(scope, worker_id), (query.k, query.lang), render
    )
    return None if kept is None else (scope, kept)


def _owned_ids(results: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """The owner and id of each opportunity of an answer (its audit entry's ids)."""
    return tuple((r["opportunity_agency_id"], r["opportunity_id"]) for r in results)


def _answer_body(
    worker_id: str, agency_id: str, query: RankingQuery, results: list[dict[str, Any]]
) -> bytes:
    """The JSON body of a returnee's opportunities (either path: the same bytes)."""
    answer = {"worker_id": worker_id, "agency_id": agency_id, "as_of": query.as_of}
    return orjson.dumps({**answer, "results": results}, default=str)


@router.get("/returnees/{worker_id}/opportunities")
async def returnee_opportunities(
    worker_id: Identifier, principal: Ranker, server: ServerDep, query: PairsQuery
) -> Response:
    """The top ``k`` stored opportunities for a stored returnee."""
    # From a built book the answer costs well under a millisecond (once rendered, a
    # lookup): it is given on the event loop, as two hops to a worker thread would cost
    # more than it does.
    found = _answered_from_book(server, principal, worker_id, query)
    if found is None:
        worker = await run_in_threadpool(_returnee, server, principal, worker_id, query.agency_id)
        results, source = await run_in_threadpool(_returnee_opportunities, server, worker, query)
        agency_id, result_ids = worker.agency_id, list(_owned_ids(results))
        body = _answer_body(worker_id, agency_id, query, results)
    else:
        agency_id, kept = found
        result_ids, body, source = list(kept.result_ids), kept.body, "book"
    await audited(
        server,
        principal,
        "returnee_opportunities",
        target=f"{agency_id}/{worker_id}",
        params=query.audited(),
        result_ids=result_ids,
    )
    response = json_response(body)
    response.headers[ANSWERED_FROM] = source
    return response


def _candidates(
    server: Any, found: Opportunity, scope: str | None, query: RankingQuery
) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    with read_session(server.engine) as session:
        people = returnees_in(session, scope)
    # Ids are unique within an agency only: the run names each returnee by (agency, id),
    # so ties break by agency, then id.
    keyed = {book_name(p.agency_id, p.id): p for p in people}
    run = prepare_reintegration([with_id(p, key) for key, p in keyed.items()], [found], query.as_of)
    refused = run.refusals(query.lang)
    if refused:
        return [], [r.model_dump(mode="json") for r in refused[0].reasons]
    results = []
    for record in run.rank("opportunities", query.k, query.include_ineligible, query.lang):
        person = keyed[record.worker_id]
        results.append(
            {**record.model_dump(mode="json"), "worker_id": person.id,
             "worker_agency_id": person.agency_id}
        )  # fmt: skip
    return results, None


@router.get("/opportunities/{opportunity_id}/candidates")
async def opportunity_candidates(
    opportunity_id: Identifier, principal: Ranker, server: ServerDep, query: PairsQuery
) -> Response:
    """The top ``k`` returnees for a stored opportunity (an agency's: its own returnees),
    or the reasons it is refused. ``agency_id`` names the opportunity's owner when
    several agencies use the id."""
    row = await run_in_threadpool(_stored, server, opportunity_id, query.agency_id, principal)
    found = Opportunity.model_validate_json(row.record)
    results, refusal = await run_in_threadpool(
        _candidates, server, found, rank_scope(principal), query
    )
    await audited(
        server,
        principal,
        "opportunity_candidates",
        target=f"{row.owner_agency_id}/{found.id}",
        params=query.audited(),
        result_ids=[[r["worker_agency_id"], r["worker_id"]] for r in results],
    )
    return json_answer(
        {
            "opportunity_id": found.id,
            "agency_id": row.owner_agency_id,
            "as_of": query.as_of,
            "refusal": refusal,
            "results": results,
        }
    )


@router.get("/returnees/{worker_id}/opportunities/{opportunity_id}/explanation")
async def explain_pair(
    worker_id: Identifier,
    opportunity_id: Identifier,
    principal: Ranker,
    server: ServerDep,
    query: ReturneeExplanationQuery,
) -> Response:
    """One pair's record with its explanation (``rank`` among the caller's returnees)."""
    worker = await run_in_threadpool(_returnee, server, principal, worker_id, query.agency_id)
    row = await run_in_threadpool(_stored, server, opportunity_id, query.other_agency_id, principal)
    found = Opportunity.model_validate_json(row.record)
    day, lang = query.as_of, query.lang

    def explain() -> dict[str, Any]:
        with read_session(server.engine) as session:
            people = returnees_in(session, rank_scope(principal))
        # Ranked among the caller's other returnees (another agency's namesake aside: the
        # run names returnees by id).
        pool = [p for p in people if p.id != worker.id]
        run = prepare_reintegration([worker, *pool], [found], day)
        return explain_reintegration(run, worker.id, found.id, lang)

    record = await run_in_threadpool(explain)
    await audited(
        server,
        principal,
        "returnee_explanation",
        target=f"{worker.agency_id}/{worker.id}",
        params={"opportunity": f"{row.owner_agency_id}/{found.id}", "as_of": day, "lang": lang},
        result_ids=[found.id],
    )
    return json_answer(record)
