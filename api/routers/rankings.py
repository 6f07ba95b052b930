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
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.access.keys import Principal
from api.access.tenancy import check_owner, list_scope, lookup_scope, rank_scope
from api.audit.log import entry_values
from api.deps import AnyRole, Ranker, Server, ServerDep
from api.http.errors import responses
from api.http.params import AgencyQuery, AsOfQuery, KQuery, LangQuery
from api.live_pool.ranking import StoredJobOrder
from api.records import json_response, load_one
from api.schemas import Candidates, MatchRequest, Refusals, WorkerJobOrders
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.store import JOB_ORDERS, WORKERS
from models.common import Identifier

__all__ = ["router"]

router = APIRouter(
    tags=["rankings"],
    responses=responses(401, 403, 404, 409, 503),
    max_body_size=MAX_JSON_BODY_BYTES,
)

IncludeIneligible = Annotated[
    bool, Query(description="Also list ineligible workers (after the eligible), with gaps.")
]


async def _audited(
    server: Server,
    principal: Principal,
    action: str,
    *,
    target: str | None,
    params: Mapping[str, Any],
    result_ids: Sequence[Any],
) -> None:
    await server.audit.write(
        entry_values(
            principal,
            action,
            target=target,
            params=params,
            result_ids=result_ids,
            versions=server.ranking.versions,
        )
    )


def _answer(body: Mapping[str, Any]) -> Response:
    # orjson: a ranking's fifty results take the stdlib encoder ~0.5 ms, a tenth of the
    # request; dates come out as ISO 8601, text as UTF-8.
    return json_response(orjson.dumps(body, default=str))


def _stored_job_order(
    server: Server, principal: Principal, job_order_id: str, agency_id: str | None
) -> StoredJobOrder:
    """The job order the caller names, from the live pool (404 for another agency's)."""
    scope = lookup_scope(principal, agency_id, JOB_ORDERS, job_order_id)
    return server.ranking.stored_job_order(job_order_id, scope)


@router.get("/job-orders/{job_order_id}/candidates", response_model=Candidates)
async def candidates(
    job_order_id: Identifier,
    principal: Ranker,
    server: ServerDep,
    k: KQuery = 10,
    as_of: AsOfQuery = None,
    include_ineligible: IncludeIneligible = False,
    lang: LangQuery = "en",
    agency_id: AgencyQuery = None,
) -> Response:
    """The top ``k`` workers for a stored job order, or the reasons it is refused.

    An agency's candidates are its own workers; an officer's the whole pool.
    """
    order = _stored_job_order(server, principal, job_order_id, agency_id)
    day = as_of or dt.date.today()
    results, refusal = await run_in_threadpool(
        partial(
            server.ranking.candidates,
            order,
            agencies=server.agencies,
            as_of=day,
            k=k,
            include_ineligible=include_ineligible,
            agency_id=rank_scope(principal),
            lang=lang,
        )
    )
    await _audited(
        server,
        principal,
        "candidates",
        target=f"{order.agency_id}/{order.id}",
        params={"k": k, "as_of": day, "include_ineligible": include_ineligible, "lang": lang},
        result_ids=[[r["worker_agency_id"], r["worker_id"]] for r in results],
    )
    return _answer(
        {
            "vacancy_id": order.id,
            "agency_id": order.agency_id,
            "as_of": day,
            "refusal": None if refusal is None else [r.model_dump() for r in refusal],
            "results": results,
        }
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
    results = await run_in_threadpool(
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
    await _audited(
        server,
        principal,
        "job_orders",
        target=f"{worker.agency_id}/{worker.id}",
        params={"k": k, "as_of": day, "lang": lang},
        result_ids=[[r["vacancy_agency_id"], r["vacancy_id"]] for r in results],
    )
    return _answer(
        {"worker_id": worker.id, "agency_id": worker.agency_id, "as_of": day, "results": results}
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
    as_of: AsOfQuery = None,
    lang: LangQuery = "en",
    agency_id: AgencyQuery = None,
    worker_agency_id: Annotated[
        Identifier | None, Query(description="The worker's agency, when several use the id.")
    ] = None,
) -> Response:
    """Why a worker ranks where she does for a job order: components, gaps, flags.

    The match-result fields of the pair (rank among every worker of the job order),
    ``refused`` reasons when the job order is refused, and ``explanation``: one readable
    line per component, gap and flag, in ``lang``.
    """
    order = _stored_job_order(server, principal, job_order_id, agency_id)
    worker = await run_in_threadpool(
        load_one, server, principal, WORKERS, worker_id, worker_agency_id
    )
    day = as_of or dt.date.today()
    found = await run_in_threadpool(
        partial(
            server.ranking.explanation,
            worker.agency_id,
            worker.id,
            order,
            agencies=server.agencies,
            as_of=day,
            lang=lang,
        )
    )
    await _audited(
        server,
        principal,
        "explanation",
        target=f"{order.agency_id}/{order.id}",
        params={"as_of": day, "lang": lang},
        result_ids=[[worker.agency_id, worker.id]],
    )
    return _answer(found)


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
    results, refusal = await run_in_threadpool(
        partial(
            server.ranking.candidates,
            vacancy,
            agencies=server.agencies,
            as_of=day,
            k=request.k,
            include_ineligible=request.include_ineligible,
            agency_id=rank_scope(principal),
            lang=request.lang,
        )
    )
    await _audited(
        server,
        principal,
        "match",
        target=f"{vacancy.agency_id}/{vacancy.id}",
        params={**request.model_dump(mode="json", exclude={"job_order"}), "as_of": day},
        result_ids=[[r["worker_agency_id"], r["worker_id"]] for r in results],
    )
    return _answer(
        {
            "vacancy_id": vacancy.id,
            "agency_id": vacancy.agency_id,
            "as_of": day,
            "refusal": None if refusal is None else [r.model_dump() for r in refusal],
            "results": results,
        }
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
    await _audited(
        server,
        principal,
        "refusals",
        target=None,
        params={"as_of": day, "lang": lang, "agency_id": agency_id},
        result_ids=[[r["agency_id"], r["vacancy_id"]] for r in found],
    )
    return _answer({"as_of": day, "refusals": found})
