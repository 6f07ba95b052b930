"""Allocation rounds run in the background for ``/batch-runs``.

A run reads the whole store as it stands when the run starts (workers, job orders and
the agency register), runs :func:`matcher.allocation.round.allocate_round` on one
background thread (runs queue one after another; requests keep being served), and keeps
its status, stage and progress, then its JSON Lines records and round report, in the
``batch_runs`` table. Ids are unique only within an agency, so the round runs on pool
keys (``agency/id``) and the records say each side's agency in ``worker_agency_id`` and
``vacancy_agency_id``; reason texts name records as ``agency/id``.

Cancelling is cooperative: a queued run never starts, a running one stops at its next
stage boundary and keeps no results. A run interrupted by a server stop is marked failed
on the next start.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, select, update

from api.database import read_session, write_session
from api.ranking import pool_key, split_key
from api.store import JOB_ORDERS, WORKERS, all_agencies, iter_records
from api.tables import BatchRunRow
from matcher.allocation.report import round_report
from matcher.allocation.round import allocate_round
from matcher.matching import prepare_run
from models.results import Refusal

__all__ = ["BatchRunRequest", "BatchRunStatus", "BatchRunner", "CancelledError"]

Status = Literal["queued", "running", "done", "failed", "cancelled"]
_SEP = "\x1f"


class BatchRunRequest(BaseModel):
    """What a round is asked to do (FORMAT.md ``selaras allocate`` options)."""

    model_config = {"extra": "forbid"}

    as_of: dt.date | None = Field(None, description="Evaluation date (default today).")
    method: Literal["optimal", "stable"] = "optimal"
    shortlist_per_slot: int | None = Field(None, ge=1, le=50)
    gap_scope: Literal["open", "all"] = "open"


class BatchRunStatus(BaseModel):
    """A run's state as ``GET /batch-runs/{id}`` shows it."""

    id: str
    status: Status
    stage: str
    progress: float
    params: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str | None
    summary: dict[str, Any] | None


class CancelledError(Exception):
    """Raised inside a run that was cancelled, at a stage boundary."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def status_of(row: BatchRunRow) -> BatchRunStatus:
    """The status record of a stored run."""
    summary = None if row.report is None else json.loads(row.report).get("summary")
    return BatchRunStatus(
        id=row.id,
        status=row.status,
        stage=row.stage,
        progress=row.progress,
        params=json.loads(row.params),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        summary=summary,
    )


def _unkeyed(value: Any) -> Any:
    """Pool keys back to readable ``agency/id`` in every text of a JSON value."""
    if isinstance(value, str):
        return value.replace(_SEP, "/")
    if isinstance(value, list):
        return [_unkeyed(v) for v in value]
    if isinstance(value, dict):
        return {k: _unkeyed(v) for k, v in value.items()}
    return value


def _record(record: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = (
        record.model_dump(mode="json")
        if isinstance(record, Refusal)
        else record.model_dump(mode="json", exclude_none=True)
    )
    for side in ("worker", "vacancy"):
        key = dumped.get(f"{side}_id")
        if key is not None:
            agency_id, record_id = split_key(key)
            dumped[f"{side}_id"] = record_id
            dumped[f"{side}_agency_id"] = agency_id
    result: dict[str, Any] = _unkeyed(dumped)
    return result


class BatchRunner:
    """Starts, tracks and cancels rounds for one server.

    Parameters
    ----------
    engine : Engine
        The store.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-run")
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        with write_session(engine) as session:
            session.execute(
                update(BatchRunRow)
                .where(BatchRunRow.status.in_(("queued", "running")))
                .values(
                    status="failed",
                    error="interrupted: the server stopped before the run finished",
                    finished_at=_now(),
                )
            )

    def submit(self, request: BatchRunRequest, key_id: str, today: dt.date) -> BatchRunStatus:
        """Queue a run; it starts when the runs before it are done.

        Parameters
        ----------
        request : BatchRunRequest
        key_id : str
            The key that asked (kept with the run).
        today : datetime.date
            The evaluation date when the request names none.

        Returns
        -------
        BatchRunStatus
        """
        params = request.model_dump(mode="json")
        params["as_of"] = (request.as_of or today).isoformat()
        row = BatchRunRow(
            id=f"run_{secrets.token_hex(8)}",
            status="queued",
            stage="queued",
            progress=0.0,
            params=json.dumps(params),
            key_id=key_id,
            created_at=_now(),
        )
        with write_session(self.engine) as session:
            session.add(row)
        self._executor.submit(self._run, row.id)
        return status_of(row)

    def cancel(self, run_id: str) -> None:
        """Ask a queued or running run to stop (a finished one is left as it is)."""
        with self._lock:
            self._cancelled.add(run_id)
        with write_session(self.engine) as session:
            session.execute(
                update(BatchRunRow)
                .where(BatchRunRow.id == run_id, BatchRunRow.status == "queued")
                .values(status="cancelled", stage="cancelled", finished_at=_now())
            )

    def shutdown(self) -> None:
        """Stop taking runs; a running one is cancelled at its next stage."""
        with self._lock:
            self._cancelled.update(self._active())
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _active(self) -> list[str]:
        with read_session(self.engine) as session:
            return list(
                session.scalars(
                    select(BatchRunRow.id).where(BatchRunRow.status.in_(("queued", "running")))
                )
            )

    def _stage(self, run_id: str, stage: str, progress: float, **values: Any) -> None:
        with self._lock:
            if run_id in self._cancelled:
                raise CancelledError
        with write_session(self.engine) as session:
            session.execute(
                update(BatchRunRow)
                .where(BatchRunRow.id == run_id)
                .values(stage=stage, progress=progress, **values)
            )

    def _finish(self, run_id: str, status: Status, **values: Any) -> None:
        with write_session(self.engine) as session:
            session.execute(
                update(BatchRunRow)
                .where(BatchRunRow.id == run_id)
                .values(status=status, stage=status, finished_at=_now(), **values)
            )

    def _run(self, run_id: str) -> None:
        with read_session(self.engine) as session:
            row = session.get(BatchRunRow, run_id)
            if row is None or row.status != "queued":
                return  # cancelled while queued
            params = json.loads(row.params)
        try:
            self._stage(run_id, "loading", 0.05, status="running", started_at=_now())
            records, report = self._round(run_id, params, self._stage)
        except CancelledError:
            self._finish(run_id, "cancelled")
        except Exception as error:  # a failed run reports why; the server lives on
            self._finish(run_id, "failed", error=f"{type(error).__name__}: {error}")
        else:
            self._finish(run_id, "done", progress=1.0, records=records, report=report)

    def _round(
        self,
        run_id: str,
        params: Mapping[str, Any],
        stage: Callable[..., None],
    ) -> tuple[str, str]:
        as_of = dt.date.fromisoformat(params["as_of"])
        with read_session(self.engine) as session:
            register = all_agencies(session)
            workers = [_keyed(w) for w in iter_records(session, WORKERS)]
            orders = [_keyed(v) for v in iter_records(session, JOB_ORDERS)]
        stage(run_id, "scoring and allocating", 0.2)
        run = prepare_run(workers, orders, register, as_of)
        outcome = allocate_round(
            run,
            method=params["method"],
            shortlist_per_slot=params["shortlist_per_slot"],
            gap_scope=params["gap_scope"],
        )
        stage(run_id, "report", 0.9)
        lines = "".join(
            json.dumps(_record(r), ensure_ascii=False) + "\n" for r in outcome.records
        )
        report = _unkeyed(round_report(outcome, workers, as_of))
        return lines, json.dumps(report, ensure_ascii=False)


def _keyed(record: Any) -> Any:
    # model_copy does not validate: the key's separator is not a valid id character.
    return record.model_copy(update={"id": pool_key(record.agency_id, record.id)})
