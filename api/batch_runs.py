"""Allocation rounds run in the background for ``/batch-runs``.

A run reads the whole store as it stands when the run starts (workers, job orders and
the agency register), runs :func:`matcher.allocation.round.allocate_round` on one
background thread (runs queue one after another; requests keep being served), and keeps
its status, stage and progress, then its JSON Lines records and round report, in the
``batch_runs`` table. Ids are unique only within an agency, so the round runs on
:func:`~matcher.allocation.round.round_key` keys, which keep the round's tie rule (id
ascending, then agency): a store whose ids are unique gets the records ``selaras
allocate`` writes for the same files. The records say each side's agency in
``worker_agency_id`` and ``vacancy_agency_id``; reason texts name records as
``agency/id``.

Progress is one bar from 0 to 1 over the stages of :data:`STAGE_BANDS`; in scoring and
the gap pass it moves chunk by chunk of job orders (:class:`RunProgress`), and it never
goes back. Cancelling is cooperative: a queued run never starts, a running one stops as
soon as the step it is on is done (a chunk of job orders while scoring or in the gap
pass; loading, the allocation itself and the report are one step each) and keeps no
results. A run interrupted by a server stop is marked failed on
the next start. One key may have at most :data:`MAX_OPEN_RUNS_PER_KEY` runs queued or
running at once (every kind counted together), so that one caller cannot fill the
queue that everybody's rounds and plans wait in.

Runs of other kinds (training plans: ``api.training_runs``) share the queue, the status
row, progress and cancelling; each brings its work and its stages (:class:`RunKind`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import undefer
from sqlalchemy.orm.interfaces import ORMOption

from api.http.errors import TooManyRequestsError
from api.storage.database import read_session, write_session
from api.storage.store import JOB_ORDERS, WORKERS, all_agencies, iter_records
from api.storage.tables import BatchRunRow
from matcher.allocation.round import STAGES, allocate_round, round_key, split_round_key
from matcher.allocation.runner import ChunkRunner
from matcher.reporting.report import round_report
from matcher.scoring.matching import prepare_run
from models.bounds import Day
from models.results import Refusal
from models.typed_workers import with_id

__all__ = [
    "MAX_N_JOBS",
    "MAX_OPEN_RUNS_PER_KEY",
    "ROUND",
    "STAGE_BANDS",
    "WRITE_INTERVAL",
    "BatchRunRequest",
    "BatchRunStatus",
    "BatchRunner",
    "CancelledError",
    "RunKind",
    "RunProgress",
    "output_options",
    "runs_of",
]

Status = Literal["queued", "running", "done", "failed", "cancelled"]
# A round key in a text (a reason naming a job order): id, separator, agency.
_KEY_IN_TEXT = re.compile(r"([A-Za-z0-9][A-Za-z0-9._:/-]*)\x1f([A-Za-z0-9][A-Za-z0-9._:/-]*)")

MAX_N_JOBS = os.cpu_count() or 1
"""Most threads a run may ask for: the server's cores (``os.cpu_count()``)."""
MAX_OPEN_RUNS_PER_KEY = 4
"""Most runs (rounds and training plans together) one key may have queued or running."""
OPEN_RUNS_RETRY_AFTER = 60.0
"""Seconds a refused caller is told to wait (``Retry-After``): runs take minutes."""

STAGE_BANDS: dict[str, tuple[float, float]] = {
    "loading": (0.0, 0.05),
    STAGES[0]: (0.05, 0.6),  # scoring: one pass of the pool per job order
    STAGES[1]: (0.6, 0.7),  # allocating
    STAGES[2]: (0.7, 0.9),  # gap pass: the job orders whose gaps explain the unplaced
    "report": (0.9, 1.0),
}
"""The part of the 0..1 progress bar each stage of a run fills, in order."""

WRITE_INTERVAL = 0.25
"""Least seconds between two progress writes within a stage (a stage change is written
at once; a run has five)."""

ROUND = "round"
"""The kind of an allocation round (``batch_runs.kind``; other kinds are added with
:meth:`BatchRunner.add_kind`)."""


class BatchRunRequest(BaseModel):
    """What a round is asked to do (FORMAT.md ``selaras allocate`` options).

    ``n_jobs`` runs scoring and the gap pass on that many threads of this server; the
    records are the same for every value. The Dask backend of ``selaras allocate`` is not
    offered here: it would have the server connect to whatever scheduler address a
    request body names. Rounds too big for one server run from the command line.
    """

    model_config = {"extra": "forbid"}

    as_of: Day | None = Field(None, description="Evaluation date (default today).")
    method: Literal["optimal", "stable"] = "optimal"
    shortlist_per_slot: int | None = Field(None, ge=1, le=50)
    gap_scope: Literal["open", "all"] = "open"
    n_jobs: int = Field(
        1,
        strict=True,
        ge=1,
        le=MAX_N_JOBS,
        description="Threads for scoring and the gap pass, 1 to the server's cores; "
        "the records are the same for every value.",
    )


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
    """Raised inside a run that was cancelled (after a chunk or at a stage boundary)."""


class RunProgress:
    """A run's progress as its status row shows it (a
    :class:`matcher.allocation.runner.Progress`).

    Maps the units a stage has done (job orders in the round's :data:`STAGES`) onto the
    stage's band of :data:`STAGE_BANDS` and writes the stage name and the overall
    fraction: at once when a stage starts, then at most once every ``min_interval``
    seconds. The fraction never goes back. Every call first asks whether the run was
    cancelled and raises :class:`CancelledError` if so, which stops the round after the
    chunk it is on.

    Parameters
    ----------
    write : callable
        ``write(stage, fraction)`` stores the run's stage and progress.
    cancelled : callable
        ``cancelled()`` is true once the run is to stop.
    min_interval : float
        Least seconds between two writes within a stage.
    clock : callable
        Seconds, monotonic (``time.monotonic``; tests pass their own).
    bands : mapping
        The part of the bar each stage fills (a round's :data:`STAGE_BANDS` by default).
    """

    def __init__(
        self,
        write: Callable[[str, float], None],
        cancelled: Callable[[], bool],
        *,
        min_interval: float = WRITE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        bands: Mapping[str, tuple[float, float]] = STAGE_BANDS,
    ) -> None:
        self.write = write
        self.cancelled = cancelled
        self.bands = bands
        self.min_interval = min_interval
        self.clock = clock
        self.stage = ""
        self.fraction = 0.0
        self._total = 0
        self._done = 0
        self._written_at = -float("inf")

    def start(self, stage: str, total: int) -> None:
        """The stage begins with ``total`` units to do; written at once.

        Raises
        ------
        CancelledError
            If the run was cancelled.
        """
        self._check()
        self.stage, self._total, self._done = stage, total, 0
        self._update(force=True)

    def advance(self, n: int) -> None:
        """``n`` more units of the stage are done; written if the last write is
        ``min_interval`` old.

        Raises
        ------
        CancelledError
            If the run was cancelled.
        """
        self._check()
        self._done += n
        self._update(force=False)

    def _check(self) -> None:
        if self.cancelled():
            raise CancelledError

    def _update(self, *, force: bool) -> None:
        low, high = self.bands[self.stage]
        # A stage with nothing to do is done as soon as it starts.
        part = min(self._done / self._total, 1.0) if self._total else 1.0
        self.fraction = max(self.fraction, low + (high - low) * part)
        now = self.clock()
        if force or now - self._written_at >= self.min_interval:
            self._written_at = now
            self.write(self.stage, round(self.fraction, 4))


@dataclass(frozen=True)
class RunKind:
    """A kind of batch run: its work and the stages of its progress bar.

    Attributes
    ----------
    work : callable
        ``work(params, progress)`` runs it: the run's stored ``params`` (what
        :meth:`BatchRunner.queue` was given) and its :class:`RunProgress`; returns its
        records (JSON Lines) and its report (JSON with a ``summary``). It raises
        :class:`CancelledError` through the progress, and any other exception fails the
        run with its message.
    bands : mapping
        The part of the progress bar each of its stages fills.
    """

    work: Callable[[Mapping[str, Any], RunProgress], tuple[str, str]]
    bands: Mapping[str, tuple[float, float]]


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


def output_options(*, records: bool) -> list[ORMOption]:
    """Loader options for a stored run: with ``records`` its output too (deferred
    otherwise, see :class:`~api.storage.tables.BatchRunRow`)."""
    return [undefer(BatchRunRow.records)] if records else []


def runs_of(engine: Engine, kind: str) -> list[BatchRunRow]:
    """Every stored run of ``kind``, newest first."""
    newest = (
        select(BatchRunRow)
        .where(BatchRunRow.kind == kind)
        .order_by(BatchRunRow.created_at.desc(), BatchRunRow.id)
    )
    with read_session(engine) as session:
        return list(session.scalars(newest))


def _unkeyed(value: Any) -> Any:
    """Round keys back to readable ``agency/id`` in every text of a JSON value."""
    if isinstance(value, str):
        return _KEY_IN_TEXT.sub(r"\2/\1", value)
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
            agency_id, record_id = split_round_key(key)
            dumped[f"{side}_id"] = record_id
            dumped[f"{side}_agency_id"] = agency_id
    result: dict[str, Any] = _unkeyed(dumped)
    return result


class BatchRunner:
    """Starts, tracks and cancels rounds for one server.

    Runs of every kind share one queue. A round is :data:`ROUND`; other kinds are added
    with :meth:`add_kind`.

    Parameters
    ----------
    engine : Engine
        The store.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._kinds = {ROUND: RunKind(self._round, STAGE_BANDS)}
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

    def add_kind(self, name: str, kind: RunKind) -> None:
        """Accept runs of kind ``name`` (see :meth:`queue`)."""
        self._kinds[name] = kind

    def submit(self, request: BatchRunRequest, key_id: str, today: dt.date) -> BatchRunStatus:
        """Queue a round; it starts when the runs before it are done.

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
        return self.queue(ROUND, params, key_id)

    def queue(self, kind: str, params: Mapping[str, Any], key_id: str) -> BatchRunStatus:
        """Queue a run of ``kind`` with ``params`` (JSON); it starts when the runs before
        it are done.

        Parameters
        ----------
        kind : str
            :data:`ROUND` or a kind given to :meth:`add_kind`.
        params : mapping
            What the run's work reads (stored, and shown in its status).
        key_id : str
            The key that asked.

        Returns
        -------
        BatchRunStatus
        """
        if kind not in self._kinds:
            raise ValueError(f"no batch-run kind {kind!r}")
        with self._lock:  # the count and the insert as one step: two requests cannot both pass
            self._refuse_over_limit(key_id)
            row = self._insert(kind, params, key_id)
        self._executor.submit(self._run, row.id)
        return status_of(row)

    def _refuse_over_limit(self, key_id: str) -> None:
        with read_session(self.engine) as session:
            open_runs = session.scalar(
                select(func.count())
                .select_from(BatchRunRow)
                .where(BatchRunRow.key_id == key_id, BatchRunRow.status.in_(("queued", "running")))
            )
        if open_runs is not None and open_runs >= MAX_OPEN_RUNS_PER_KEY:
            raise TooManyRequestsError(
                f"this key has {open_runs} runs queued or running (at most "
                f"{MAX_OPEN_RUNS_PER_KEY}); wait for one to finish or cancel one",
                retry_after=OPEN_RUNS_RETRY_AFTER,
            )

    def _insert(self, kind: str, params: Mapping[str, Any], key_id: str) -> BatchRunRow:
        row = BatchRunRow(
            id=f"run_{secrets.token_hex(8)}",
            kind=kind,
            status="queued",
            stage="queued",
            progress=0.0,
            params=json.dumps(params),
            key_id=key_id,
            created_at=_now(),
        )
        with write_session(self.engine) as session:
            session.add(row)
        return row

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
        """Stop taking runs; a running one stops after the chunk it is on."""
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

    def _cancelled_now(self, run_id: str) -> bool:
        with self._lock:
            return run_id in self._cancelled

    def _write(self, run_id: str, **values: Any) -> None:
        with write_session(self.engine) as session:
            session.execute(update(BatchRunRow).where(BatchRunRow.id == run_id).values(**values))

    def _write_progress(self, run_id: str, stage: str, progress: float) -> None:
        self._write(run_id, stage=stage, progress=progress)

    def _finish(self, run_id: str, status: Status, **values: Any) -> None:
        self._write(run_id, status=status, stage=status, finished_at=_now(), **values)

    def _run(self, run_id: str) -> None:
        with read_session(self.engine) as session:
            row = session.get(BatchRunRow, run_id)
            if row is None or row.status != "queued":
                return  # cancelled while queued
            params = json.loads(row.params)
            kind = self._kinds[row.kind]
        progress = RunProgress(
            partial(self._write_progress, run_id),
            partial(self._cancelled_now, run_id),
            bands=kind.bands,
        )
        try:
            self._write(run_id, status="running", started_at=_now())
            records, report = kind.work(params, progress)
        except CancelledError:
            self._finish(run_id, "cancelled")
        except Exception as error:  # a failed run reports why; the server lives on
            self._finish(run_id, "failed", error=f"{type(error).__name__}: {error}")
        else:
            self._finish(run_id, "done", progress=1.0, records=records, report=report)

    def _round(self, params: Mapping[str, Any], progress: RunProgress) -> tuple[str, str]:
        """The run's records (JSON Lines) and report (JSON); raises CancelledError."""
        as_of = dt.date.fromisoformat(params["as_of"])
        progress.start("loading", 2)
        with read_session(self.engine) as session:
            register = all_agencies(session)
            workers = [_keyed(w) for w in iter_records(session, WORKERS)]
            orders = [_keyed(v) for v in iter_records(session, JOB_ORDERS)]
        progress.advance(1)
        run = prepare_run(workers, orders, register, as_of)
        progress.advance(1)
        outcome = allocate_round(
            run,
            method=params["method"],
            shortlist_per_slot=params["shortlist_per_slot"],
            gap_scope=params["gap_scope"],
            runner=ChunkRunner(n_jobs=params["n_jobs"]),
            progress=progress,
        )
        progress.start("report", 1)
        lines = "".join(json.dumps(_record(r), ensure_ascii=False) + "\n" for r in outcome.records)
        report = _unkeyed(round_report(outcome, workers, as_of))
        return lines, json.dumps(report, ensure_ascii=False)


def _keyed(record: Any) -> Any:
    return with_id(record, round_key(record.agency_id, record.id))
