"""``/insights``: the policy tables of the stored pool (docs/insights.md).

Officers read the tables of the whole store, disclosure-controlled, or with
``suppressed=false`` the true counts (officers already see every record). Auditors read
the controlled tables only; agencies the controlled tables of their own workers and job
orders. Tables are cached per data version (:mod:`api.reports.insights`).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from api.deps import AnyRole, ServerDep
from api.http.errors import ForbiddenError, NotFoundError, UnprocessableError, responses
from api.http.params import AsOfQuery
from api.reports.insights import InsightsCache
from matcher.insights.build import ENGINE_TABLES
from matcher.insights.schema import TABLE_NAMES
from matcher.insights.suppression import DEFAULT_MIN_CELL, MIN_CELL_FLOOR
from matcher.insights.table import ProtectedTable
from models.files import InvalidInputError

__all__ = ["router"]

router = APIRouter(prefix="/insights", tags=["insights"], responses=responses(401, 403, 404, 503))

_CACHE_LOCK = threading.Lock()


class InsightsTable(BaseModel):
    """One policy table: its rows as ``selaras insights`` writes them in JSON Lines."""

    table: str
    as_of: dt.date
    min_cell: int
    suppressed: bool
    scope: str
    versions: dict[str, str]
    columns: list[str]
    rows: list[dict[str, Any]]


def _cache(request: Request) -> InsightsCache:
    """The app's cache, made on first use (one per running server)."""
    with _CACHE_LOCK:
        cache: InsightsCache | None = getattr(request.app.state, "insights", None)
        if cache is None:
            cache = request.app.state.insights = InsightsCache()
        return cache


@router.get("/{table}", response_model=InsightsTable)
def insights_table(
    request: Request,
    principal: AnyRole,
    server: ServerDep,
    table: Annotated[str, Path(description="A table name: " + ", ".join(ENGINE_TABLES) + ".")],
    as_of: AsOfQuery = None,
    min_cell: Annotated[
        int,
        Query(
            ge=MIN_CELL_FLOOR,
            le=1_000_000,
            description="Smallest count of people shown other than zero (at least 3).",
        ),
    ] = DEFAULT_MIN_CELL,
    suppressed: Annotated[
        bool,
        Query(description="false: the true counts (officers only)."),
    ] = True,
) -> InsightsTable:
    """A policy table of the stored pool on ``as_of`` (agencies: of their own records)."""
    if table not in TABLE_NAMES:
        served = [*ENGINE_TABLES, "courses"]
        raise NotFoundError(f"no table {table!r}: the tables are {', '.join(served)}")
    if table not in ENGINE_TABLES and table != "courses":
        raise NotFoundError(
            f"the {table} table is not built from the stored pool (it needs returnees and "
            "opportunities); use selaras insights"
        )
    if not suppressed and principal.role != "officer":
        raise ForbiddenError(
            f"true counts need an officer key; an {principal.role} key reads the "
            "disclosure-controlled tables only"
        )
    agency_id = principal.agency_id if principal.role == "agency" else None
    day = as_of or dt.date.today()
    try:
        tables = _cache(request).tables(
            server, agency_id=agency_id, as_of=day, min_cell=min_cell, courses=table == "courses"
        )
    except InvalidInputError as error:
        raise UnprocessableError(
            [(("query", "as_of"), f"the stored courses cannot be planned on {day}: {p}")
             for p in error.problems]
        ) from error  # fmt: skip
    if not tables:
        raise NotFoundError("no course is stored: officers upload them with POST /courses/bulk")
    (found,) = [t for t in tables if t.schema.name == table]
    shown = found if suppressed else ProtectedTable(found.table, {}, min_cell)
    return InsightsTable(
        table=table,
        as_of=day,
        min_cell=min_cell,
        suppressed=suppressed,
        scope="store" if agency_id is None else f"agency {agency_id}",
        versions=server.ranking.versions,
        columns=list(found.schema.columns),
        rows=list(shown.rows()),
    )
