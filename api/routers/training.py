"""The course catalogue and training plans (FORMAT.md v2; docs/training.md).

- ``POST /courses/bulk``: officers upload courses (a JSON Lines, JSON or CSV file), all
  or nothing, checked as ``selaras validate courses`` checks them and, as
  ``selaras plan-training`` does, against the taxonomy and the exchange-rate table
  (today's rates); every problem names its line and field. Courses are stored by id: an
  id already stored is replaced.
- ``GET /courses``, ``GET /courses/{id}``: every role reads the catalogue (it holds no
  personal data).
- ``POST /training-plans``: queue a plan (``api.training_runs``); an agency's plan draws
  on its own workers and job orders, an officer's on every agency's. Status, progress,
  cancel and the records as for ``/batch-runs``; an agency sees its own plans only
  (another's answers as a missing one). Plans name workers and what they lack:
  auditors read them in the audit log only.

Every plan is audited when asked, with the versions of the engine and of the catalogue
it reads, and when cancelled or its records are read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Response, UploadFile
from pydantic import BaseModel

from api.access.keys import Principal
from api.access.tenancy import rank_scope
from api.audit.log import entry_values, write_entry
from api.batch_runs import BatchRunStatus, output_options, runs_of, status_of
from api.deps import AnyRole, Officer, Ranker, Server, ServerDep
from api.http.errors import ConflictError, NotFoundError, ValidationBody, responses, safe_text
from api.http.params import FormatQuery, RunIdPath
from api.records import UploadOutcome, found_or_404, json_response
from api.schemas import UploadProblem, UploadRejected, UploadReport
from api.storage.database import read_session, write_session
from api.storage.store import UpsertCounts
from api.storage.tables import BatchRunRow
from api.storage.training import find_course, list_courses, put_courses
from api.training_runs import TRAINING_PLAN, TrainingPlanRequest, plan_params
from matcher.rules.exchange_rates import load_exchange_rates
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.training.catalogue import read_catalogue
from models.common import Identifier
from models.course import Course
from models.files import MAX_LISTED_PROBLEMS, InvalidInputError, Problem, read_stream

__all__ = ["CourseList", "courses_router", "router"]

courses_router = APIRouter(prefix="/courses", tags=["training"], responses=responses(401, 403, 503))
router = APIRouter(prefix="/training-plans", tags=["training"], responses=responses(401, 403, 503))


class CourseList(BaseModel):
    """The catalogue: every stored course, in id order."""

    items: list[Course]


def _problem(problem: Problem) -> UploadProblem:
    field = None if problem.field is None else safe_text(problem.field)
    return UploadProblem(line=problem.line, field=field, message=safe_text(problem.message))


def _rejected(problems: Sequence[Problem], warnings: list[UploadProblem]) -> Response:
    lines = len({p.line for p in problems})
    listed = [_problem(p) for p in problems[:MAX_LISTED_PROBLEMS]]
    return UploadOutcome(None, listed, warnings, lines).response()


@courses_router.post(
    "/bulk",
    response_model=UploadReport,
    responses={422: {"model": UploadRejected | ValidationBody}, **responses(413)},
)
def upload_courses(
    file: UploadFile, principal: Officer, server: ServerDep, format: FormatQuery = None
) -> Response:
    """Insert or replace courses from a JSON Lines, JSON or CSV file (multipart ``file``).

    All or nothing: any bad line rejects the whole file (422, every error with its line
    and field): what ``selaras validate courses`` reports, and a skill outside the
    taxonomy or a currency without a rate today. Otherwise every course is stored in one
    transaction, by id, so sending a file twice changes nothing.
    """
    content = file.file.read()
    file.file.seek(0)
    suffix = Path(file.filename or "").suffix
    result = read_stream(file.file, "courses", name="upload", fmt=format, suffix=suffix)
    if not result.ok:
        return UploadOutcome(
            None, [_problem(p) for p in result.errors], [], result.lines_with_errors
        ).response()
    warnings = [_problem(p) for p in result.warnings]
    courses: list[Course] = result.records
    try:
        read_catalogue(
            courses,
            result.lines,
            file="upload",
            skills=default_skill_normalizer(),
            rates=load_exchange_rates(),
            on=dt.date.today(),
        )
    except InvalidInputError as error:
        return _rejected(error.problems, warnings)
    params = {
        "format": format,
        "records": len(courses),
        "bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    with write_session(server.engine) as session:
        created, updated = put_courses(session, courses)
        write_entry(
            session, entry_values(principal, "courses.bulk", target=None, params=params,
            result_ids=[c.id for c in courses], versions=server.ranking.versions))  # fmt: skip
    counts = UpsertCounts(created, updated)
    return UploadOutcome(counts, [], warnings, 0, result.warning_count).response()


@courses_router.get("", response_model=CourseList)
def read_courses(principal: AnyRole, server: ServerDep) -> Response:
    """Every stored course in id order: ``{"items": [course, ...]}``."""
    with read_session(server.engine) as session:
        rows = list_courses(session)
    return json_response(f'{{"items":[{",".join(row.record for row in rows)}]}}')


@courses_router.get("/{course_id}", response_model=Course, responses=responses(404))
def read_course(course_id: Identifier, principal: AnyRole, server: ServerDep) -> Response:
    """One stored course."""
    row = found_or_404(server, lambda s: find_course(s, course_id), f"course {course_id!r}")
    return json_response(row.record)


def _audit(
    server: Server,
    who: Principal,
    action: str,
    row: BatchRunRow | BatchRunStatus,
    result_ids: Sequence[Any] = (),
) -> None:
    params: Mapping[str, Any] = (
        row.params if isinstance(row, BatchRunStatus) else json.loads(row.params)
    )
    # The engine's versions and the catalogue's: what the plan reads.
    versions = {**server.ranking.versions, "courses": params["catalogue"]}
    with write_session(server.engine) as session:
        write_entry(
            session, entry_values(who, action, target=row.id, params=params, result_ids=result_ids,
            versions=versions))  # fmt: skip


def _visible(principal: Principal, row: BatchRunRow) -> bool:
    """Whether the caller may see the plan: an agency its own plans, officers all."""
    if row.kind != TRAINING_PLAN:
        return False
    return rank_scope(principal) in (None, json.loads(row.params)["agency_id"])


def _plan_row(
    server: Server, principal: Principal, run_id: str, *, records: bool = False
) -> BatchRunRow:
    """The caller's stored plan; its ``records`` loaded only when asked."""
    with read_session(server.engine) as session:
        row = session.get(BatchRunRow, run_id, options=output_options(records=records))
    if row is None or not _visible(principal, row):
        raise NotFoundError(f"no training plan {run_id!r}")
    return row


@router.post("", status_code=202, response_model=BatchRunStatus, responses=responses(413, 429))
def start_plan(
    request: TrainingPlanRequest, principal: Ranker, server: ServerDep
) -> BatchRunStatus:
    """Queue a training plan over the caller's pool (officers: every agency's); poll its
    status. 422 names a course that is not stored, a budget currency without a rate, or
    a stored course the engine cannot read on ``as_of``; 429 when the key already has four
    runs (rounds and training plans) queued or running."""
    with read_session(server.engine) as session:
        params = plan_params(session, request, rank_scope(principal), dt.date.today())
    found = server.batches.queue(TRAINING_PLAN, params, principal.key_id)
    _audit(server, principal, "training_plan.create", found)
    return found


@router.get("", response_model=list[BatchRunStatus])
def list_plans(principal: Ranker, server: ServerDep) -> list[BatchRunStatus]:
    """The caller's plans (officers: every plan), newest first."""
    plans = runs_of(server.engine, TRAINING_PLAN)
    return [status_of(row) for row in plans if _visible(principal, row)]


@router.get("/{run_id}", response_model=BatchRunStatus, responses=responses(404))
def read_plan(run_id: RunIdPath, principal: Ranker, server: ServerDep) -> BatchRunStatus:
    """Status, stage (loading, today, cohorts, after the course, plan, records) and
    progress (0 to 1, live); the plan's summary record once done."""
    return status_of(_plan_row(server, principal, run_id))


@router.post("/{run_id}/cancel", response_model=BatchRunStatus, responses=responses(404))
def cancel_plan(run_id: RunIdPath, principal: Ranker, server: ServerDep) -> BatchRunStatus:
    """Cancel a queued or running plan (a running one stops when the step it is on is
    done: a job order batch of the counterfactual pass, or the solver) and keeps nothing."""
    row = _plan_row(server, principal, run_id)
    server.batches.cancel(run_id)
    _audit(server, principal, "training_plan.cancel", row)
    return status_of(_plan_row(server, principal, run_id))


@router.get(
    "/{run_id}/results",
    responses={**responses(404, 409), 200: {"content": {"application/x-ndjson": {}}}},
)
def plan_results(run_id: RunIdPath, principal: Ranker, server: ServerDep) -> Response:
    """The plan's FORMAT.md "Training plan" records as JSON Lines; each enrolment adds
    ``worker_agency_id``, ``placed_in_agency_id`` and ``unlocks_agency_ids``."""
    row = _plan_row(server, principal, run_id, records=True)
    if row.status != "done":
        raise ConflictError(f"training plan {run_id} is {row.status}, not done")
    records = [json.loads(line) for line in (row.records or "").splitlines()]
    enrolled = [
        [r["worker_agency_id"], r["worker_id"]] for r in records if r["kind"] == "enrolment"
    ]
    _audit(server, principal, "training_plan.results", row, enrolled)
    return Response(row.records or "", media_type="application/x-ndjson")
