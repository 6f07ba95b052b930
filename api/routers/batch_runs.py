"""``/batch-runs``: allocation rounds in the background (officers start and read them;
auditors may read the round report, which holds aggregates only)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from api.access.keys import Principal
from api.audit.log import entry_values, write_entry
from api.batch_runs import (
    ROUND,
    BatchRunRequest,
    BatchRunStatus,
    output_options,
    runs_of,
    status_of,
)
from api.deps import AuditReader, Officer, ServerDep
from api.http.errors import ConflictError, NotFoundError, responses
from api.http.params import RunIdPath
from api.records import json_response
from api.storage.database import read_session, write_session
from api.storage.tables import BatchRunRow
from matcher.reporting.html import render_html

__all__ = ["router"]

router = APIRouter(prefix="/batch-runs", tags=["batch runs"], responses=responses(401, 403, 503))


def _row(server: ServerDep, run_id: str, *, records: bool = False) -> BatchRunRow:
    """The stored run; its ``records`` (the round's output) loaded only when asked."""
    with read_session(server.engine) as session:
        row = session.get(BatchRunRow, run_id, options=output_options(records=records))
    if row is None or row.kind != ROUND:  # training plans are /training-plans
        raise NotFoundError(f"no batch run {run_id!r}")
    return row


def _audit(
    server: ServerDep, who: Principal, action: str, run_id: str, params: Mapping[str, Any]
) -> None:
    with write_session(server.engine) as session:
        write_entry(
            session, entry_values(who, action, target=run_id, params=params, result_ids=[],
            versions=server.ranking.versions))  # fmt: skip


def _done(row: BatchRunRow) -> BatchRunRow:
    if row.status != "done":
        raise ConflictError(f"batch run {row.id} is {row.status}, not done")
    return row


@router.post("", status_code=202, response_model=BatchRunStatus, responses=responses(413, 429))
def start_run(request: BatchRunRequest, principal: Officer, server: ServerDep) -> BatchRunStatus:
    """Queue a round over every stored worker and job order; poll its status. 429 when the
    key already has four runs (rounds and training plans) queued or running."""
    found = server.batches.submit(request, principal.key_id, dt.date.today())
    _audit(server, principal, "batch_run.create", found.id, found.params)
    return found


@router.get("", response_model=list[BatchRunStatus])
def list_runs(principal: Officer, server: ServerDep) -> list[BatchRunStatus]:
    """Every run, newest first."""
    return [status_of(row) for row in runs_of(server.engine, ROUND)]


@router.get("/{run_id}", response_model=BatchRunStatus, responses=responses(404))
def read_run(run_id: RunIdPath, principal: Officer, server: ServerDep) -> BatchRunStatus:
    """Status, stage (loading, scoring, allocating, gap pass, report) and progress (0 to
    1, live while the run runs); the report's summary once done."""
    return status_of(_row(server, run_id))


@router.post("/{run_id}/cancel", response_model=BatchRunStatus, responses=responses(404))
def cancel_run(run_id: RunIdPath, principal: Officer, server: ServerDep) -> BatchRunStatus:
    """Cancel a queued or running run (a running one stops after the chunk of job orders
    it is on, and keeps no results)."""
    _row(server, run_id)
    server.batches.cancel(run_id)
    _audit(server, principal, "batch_run.cancel", run_id, {})
    return status_of(_row(server, run_id))


@router.get(
    "/{run_id}/results",
    responses={**responses(404, 409), 200: {"content": {"application/x-ndjson": {}}}},
)
def run_results(run_id: RunIdPath, principal: Officer, server: ServerDep) -> Response:
    """The round's records as JSON Lines (FORMAT.md allocation results, with agencies)."""
    row = _done(_row(server, run_id, records=True))
    _audit(server, principal, "batch_run.results", run_id, {})
    return Response(row.records or "", media_type="application/x-ndjson")


@router.get("/{run_id}/report", responses=responses(404, 409))
def run_report(run_id: RunIdPath, principal: AuditReader, server: ServerDep) -> Response:
    """The round report (JSON): aggregates and the fairness section, no person's data."""
    return json_response(_done(_row(server, run_id)).report or "{}")


@router.get("/{run_id}/report.html", response_class=HTMLResponse, responses=responses(404, 409))
def run_report_html(run_id: RunIdPath, principal: AuditReader, server: ServerDep) -> HTMLResponse:
    """The round report as a self-contained HTML page."""
    return HTMLResponse(render_html(json.loads(_done(_row(server, run_id)).report or "{}")))
