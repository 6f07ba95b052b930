"""Rankings, explanations and refusals over the live pool; each answer is audited.

An agency's rankings draw on its own workers and job orders only; an officer's on the
whole pool. The audit entry commits before the answer is sent: a ranking nobody could
trace afterwards is never shown.

The routes are coroutines that hand only the ranking itself (and any database read) to a
worker thread and wait for the audit commit without holding one: these are the API's
busiest requests, and every extra hop between threads costs them latency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.access.keys import Principal
from api.access.tenancy import check_owner, list_scope, lookup_scope, rank_scope
from api.deps import AnyRole, Ranker, Server, ServerDep
from api.http.errors import responses
from api.http.params import (
    AgencyQuery,
    AsOfQuery,
    CandidatesQuery,
    JobOrderExplanationQuery,
    KQuery,
    LangQuery,
    RankingQuery,
)
from api.live_pool.ranking import StoredJobOrder
from api.records import load_one
from api.routers.answers import audited, json_answer
from api.schemas import Candidates, MatchRequest, Refusals, WorkerJobOrders
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.store import JOB_ORDERS, WORKERS
from models.common import Identifier
from models.vacancy import Vacancy

__all__ = ["router"]

router = APIRouter(
    tags=["rankings"],
    responses=responses(401, 403, 404, 409, 503),
    max_body_size=MAX_JSON_BODY_BYTES,
)


def _stored_job_order(
    server: Server, principal: Principal, job_order_id: str, agency_id: str | None
) -> StoredJobOrder:
    """The job order the caller names, from the live pool (404 for another agency's)."""
    scope = lookup_scope(principal, agency_id, JOB_ORDERS, job_order_id)
    return server.ranking.stored_job_order(job_order_id, scope)


async def _ranked_candidates(
    server: Server,
    principal: Principal,
    action: str,
    order: StoredJobOrder | Vacancy,
    query: RankingQuery,
    *,
    params: Mapping[str, Any],
) -> Response:
    """The top ``k`` of the caller's pool for ``order`` (or its refusal), audited as ``action``."""
    ranked = await run_in_threadpool(
        partial(
            server.ranking.candidates,
            order,
            agencies=server.agencies,
            as_of=query.as_of,
            k=query.k,
            include_ineligible=query.include_ineligible,
            agency_id=rank_scope(principal),
            lang=query.lang,
        )
    )
    await audited(
        server,
        principal,
        action,
        target=f"{order.agency_id}/{order.id}",
        params=params,
        result_ids=ranked.ids,
    )
    refusal = ranked.refusal
    return json_answer(
        {
            "vacancy_id": order.id,
            "agency_id": order.agency_id,
            "as_of": query.as_of,
            "refusal": None if refusal is None else [r.model_dump() for r in refusal],
            "results": ranked.json(),
        }
    )


@router.get("/job-orders/{job_order_id}/candidates", response_model=Candidates)
async def candidates(
    job_order_id: Identifier, principal: Ranker, server: ServerDep, query: CandidatesQuery
) -> Response:
    """The top ``k`` workers for a stored job order, or the reasons it is refused.

    An agency's candidates are its own workers; an officer's the whole pool.
    """
    order = _stored_job_order(server, principal, job_order_id, query.agency_id)
    return await _ranked_candidates(
        server, principal, "candidates", order, query, params=query.audited()
    )


@router.get("/workers/{worker_id}/job-orders", response_model=WorkerJobOrders)
async def job_orders(
    worker_id: Identifier,
    principal: Ranker,
    server: ServerDep,
    k: KQuery = 10,
    as_of: AsOfQuery = None,
    lang: LangQuery = "en",
    agency_id: AgencyQuery = None,
) -> Response:
    """The top ``k`` open job orders for a stored worker (an agency's: its own job orders)."""
    worker = await run_in_threadpool(load_one, server, principal, WORKERS, worker_id, agency_id)
    day = as_of or dt.date.today()
    ranked = await run_in_threadpool(
        partial(
            server.ranking.job_orders,
            worker.agency_id,
            worker.id,
            agencies=server.agencies,
            as_of=day,
            k=k,
            scope=rank_scope(principal),
            lang=lang,
        )
    )
    await audited(
        server,
        principal,
        "job_orders",
        target=f"{worker.agency_id}/{worker.id}",
        params={"k": k, "as_of": day, "lang": lang},
        result_ids=ranked.ids,
    )
    return json_answer(
        {
            "worker_id": worker.id,
            "agency_id": worker.agency_id,
            "as_of": day,
            "results": ranked.json(),
        }
    )


@router.get(
    "/job-orders/{job_order_id}/candidates/{worker_id}/explanation",
    response_model=dict[str, Any],
)
async def explanation(
    job_order_id: Identifier,
    worker_id: Identifier,
    principal: Ranker,
    server: ServerDep,
    query: JobOrderExplanationQuery,
) -> Response:
    """Why a worker ranks where she does for a job order: components, gaps, flags.

    The match-result fields of the pair (rank among every worker of the job order),
    ``refused`` reasons when the job order is refused, and ``explanation``: one readable
    line per component, gap and flag, in ``lang``.
    """
    order = _stored_job_order(server, principal, job_order_id, query.agency_id)
    worker = await run_in_threadpool(
        load_one, server, principal, WORKERS, worker_id, query.other_agency_id
    )
    found = await run_in_threadpool(
        partial(
            server.ranking.explanation,
            worker.agency_id,
            worker.id,
            order,
            agencies=server.agencies,
            as_of=query.as_of,
            lang=query.lang,
        )
    )
    await audited(
        server,
        principal,
        "explanation",
        target=f"{order.agency_id}/{order.id}",
        params={"as_of": query.as_of, "lang": query.lang},
        result_ids=[[worker.agency_id, worker.id]],
    )
    return json_answer(found)


@router.post("/match", response_model=Candidates, responses=responses(413))
async def match(request: MatchRequest, principal: Ranker, server: ServerDep) -> Response:
    """Rank the stored pool for a job order that is not saved (nothing is stored).

    An agency may only match its own job orders, against its own workers.
    """
    vacancy = request.job_order
    check_owner(
        principal, vacancy.agency_id, server.agencies, loc=("body", "job_order", "agency_id")
    )
    day = request.as_of or dt.date.today()
    query = RankingQuery(request.k, day, request.include_ineligible, request.lang, None)
    return await _ranked_candidates(
        server,
        principal,
        "match",
        vacancy,
        query,
        params={**request.model_dump(mode="json", exclude={"job_order"}), "as_of": day},
    )


@router.get("/refusals", response_model=Refusals)
async def refusals(
    principal: AnyRole,
    server: ServerDep,
    as_of: AsOfQuery = None,
    lang: LangQuery = "en",
    agency_id: Annotated[Identifier | None, Query()] = None,
) -> Response:
    """Every stored job order the engine refuses on ``as_of``, with every reason.

    Job orders hold no personal data, so auditors may read this too.
    """
    day = as_of or dt.date.today()
    found = await run_in_threadpool(
        partial(
            server.ranking.refusals,
            agencies=server.agencies,
            as_of=day,
            scope=list_scope(principal, agency_id),
            lang=lang,
        )
    )
    await audited(
        server,
        principal,
        "refusals",
        target=None,
        params={"as_of": day, "lang": lang, "agency_id": agency_id},
        result_ids=[[r["agency_id"], r["vacancy_id"]] for r in found],
    )
    return json_answer({"as_of": day, "refusals": found})
