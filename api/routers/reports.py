"""``/reports``: aggregate reports for officers and auditors (no personal data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AuditReader, ServerDep
from api.http.errors import responses
from api.http.params import AsOfQuery
from api.reports.aggregates import SummaryReport, summary_report
from api.storage.database import read_session

__all__ = ["router"]

router = APIRouter(prefix="/reports", tags=["reports"], responses=responses(401, 403, 503))


@router.get("/summary", response_model=SummaryReport)
def summary(
    principal: AuditReader,
    server: ServerDep,
    as_of: AsOfQuery = None,
    days: Annotated[int, Query(ge=1, le=3660, description="Activity window in days.")] = 30,
) -> SummaryReport:
    """Holdings per agency, slots by programme and country, refusals by kind on
    ``as_of``, and API activity by action over the last ``days`` days."""
    day = as_of or dt.date.today()
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    found = server.ranking.refusals(agencies=server.agencies, as_of=day, scope=None, lang="en")
    with read_session(server.engine) as session:
        return summary_report(session, as_of=day, since=since, refusals=found)
