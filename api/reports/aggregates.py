"""Aggregate reports for officers and auditors: counts only, never a person's data.

What an auditor needs to oversee the register and the engine (brief §7) without reading
anyone's record: how many candidates and job orders each agency holds, slots by
programme and destination, which job orders the engine refuses and why, and how the API
was used (rankings, explanations, data changes) over a period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.storage.tables import AgencyRow, AuditRow, VacancyRow, WorkerRow

__all__ = ["AgencyCounts", "OrderCounts", "SummaryReport", "summary_report"]


class AgencyCounts(BaseModel):
    """One agency's holdings."""

    agency_id: str
    licence_status: str
    workers: int
    job_orders: int
    slots: int


class OrderCounts(BaseModel):
    """Job orders and their slots in one group."""

    job_orders: int
    slots: int


class SummaryReport(BaseModel):
    """The aggregate report (``GET /reports/summary``)."""

    as_of: dt.date
    since: dt.datetime
    agencies: list[AgencyCounts]
    by_programme: dict[str, OrderCounts]
    by_country: dict[str, OrderCounts]
    refused_job_orders: int
    refusals_by_kind: dict[str, int]
    activity_by_action: dict[str, int]


def summary_report(
    session: Session,
    *,
    as_of: dt.date,
    since: dt.datetime,
    refusals: Sequence[Mapping[str, Any]],
) -> SummaryReport:
    """Count the store's holdings, the refusals given and the audit log since ``since``.

    Parameters
    ----------
    session : Session
        A read session.
    as_of : datetime.date
        The evaluation date the refusals were computed on (reported back).
    since : datetime.datetime
        Start of the activity window (aware).
    refusals : sequence of mapping
        Refusal records of the stored job orders on ``as_of`` (``reasons[].kind``).

    Returns
    -------
    SummaryReport
    """
    workers: dict[str, int] = dict(
        session.execute(
            select(WorkerRow.agency_id, func.count()).group_by(WorkerRow.agency_id)
        ).all()
    )
    orders: Counter[str] = Counter()
    slots: Counter[str] = Counter()
    by_programme: dict[str, OrderCounts] = {}
    by_country: dict[str, OrderCounts] = {}
    for agency_id, programme, country, record in session.execute(
        select(VacancyRow.agency_id, VacancyRow.programme, VacancyRow.country, VacancyRow.record)
    ):
        n_slots = int(json.loads(record)["slots"])
        orders[agency_id] += 1
        slots[agency_id] += n_slots
        for groups, key in ((by_programme, programme), (by_country, country)):
            found = groups.get(key, OrderCounts(job_orders=0, slots=0))
            groups[key] = OrderCounts(job_orders=found.job_orders + 1, slots=found.slots + n_slots)
    agencies = [
        AgencyCounts(
            agency_id=agency_id,
            licence_status=status,
            workers=workers.get(agency_id, 0),
            job_orders=orders[agency_id],
            slots=slots[agency_id],
        )
        for agency_id, status in session.execute(
            select(AgencyRow.id, AgencyRow.status).order_by(AgencyRow.id)
        )
    ]
    activity: dict[str, int] = dict(
        session.execute(
            select(AuditRow.action, func.count())
            .where(AuditRow.at >= since)
            .group_by(AuditRow.action)
            .order_by(AuditRow.action)
        ).all()
    )
    kinds = Counter(reason["kind"] for r in refusals for reason in r["reasons"])
    return SummaryReport(
        as_of=as_of,
        since=since,
        agencies=agencies,
        by_programme=dict(sorted(by_programme.items())),
        by_country=dict(sorted(by_country.items())),
        refused_job_orders=len(refusals),
        refusals_by_kind=dict(sorted(kinds.items())),
        activity_by_action=activity,
    )
