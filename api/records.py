"""Reading and writing workers and job orders for a caller: tenancy, audit, live pool.

Every write commits the record and its audit entry in one transaction, then updates
the live pool, both under the server's write lock. The routes of ``api.routers.workers``
and ``api.routers.job_orders`` are thin wrappers of these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from fastapi import Response
from sqlalchemy.orm import Session

from api import upload_parts
from api.access.keys import Principal
from api.access.redaction import worker_card
from api.access.tenancy import check_owner, list_scope, lookup_scope
from api.audit.log import entry_values, write_entry
from api.deps import Server
from api.http.errors import NotFoundError, safe_text
from api.live_pool.workers import PreparedWorkers
from api.schemas import UploadProblem, UploadRejected, UploadReport
from api.storage.database import read_session, write_session
from api.storage.store import (
    WORKERS,
    ModelT,
    RecordTable,
    UpsertCounts,
    delete_record,
    find_record,
    list_records,
    put_record,
    upsert_columns,
    upsert_records,
)
from api.storage.tables import RecordRow
from matcher.memory import building_long_lived
from models.file_parts import (
    Part,
    PartRead,
    buffer_is_jsonl,
    buffer_parts,
    join_parts,
    read_buffer_part,
)
from models.files import (
    MAX_LISTED_PROBLEMS,
    FileFormat,
    Problem,
    ReadResult,
    RecordKind,
    read_stream,
)
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = [
    "UploadOutcome",
    "delete_one",
    "found_or_404",
    "json_response",
    "load_one",
    "page_response",
    "read_one",
    "upload",
    "write_one",
]

_log = logging.getLogger("selaras.api")

_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv"}


def json_response(body: str | bytes, status_code: int = 200) -> Response:
    """A response from JSON text that is already serialised (stored records are)."""
    return Response(body, status_code, media_type="application/json")


def _shown(principal: Principal, table: RecordTable[Any], stored: str) -> str:
    """A stored record as the caller may see it: auditors get a worker's card."""
    if principal.role == "auditor" and table is WORKERS:
        return json.dumps(worker_card(Worker.model_validate_json(stored)), ensure_ascii=False)
    return stored


def read_one(
    server: Server,
    principal: Principal,
    table: RecordTable[Any],
    record_id: str,
    agency_id: str | None,
) -> Response:
    """One record, as the caller may see it (404 for another agency's)."""
    row = _find(server, principal, table, record_id, agency_id)
    return json_response(_shown(principal, table, row.record))


_Found = TypeVar("_Found")


def found_or_404(server: Server, read: Callable[[Session], _Found | None], what: str) -> _Found:
    """What ``read`` finds in a read session; else 404 "``what`` not found"."""
    with read_session(server.engine) as session:
        found = read(session)
    if found is None:
        raise NotFoundError(f"{what} not found")
    return found


def load_one(
    server: Server,
    principal: Principal,
    table: RecordTable[ModelT],
    record_id: str,
    agency_id: str | None,
) -> ModelT:
    """The validated record the caller names (404 for another agency's)."""
    return table.load(_find(server, principal, table, record_id, agency_id))


def _find(
    server: Server,
    principal: Principal,
    table: RecordTable[Any],
    record_id: str,
    agency_id: str | None,
) -> RecordRow:
    scope = lookup_scope(principal, agency_id, table, record_id)
    with read_session(server.engine) as session:
        return find_record(session, table, record_id, agency_id=scope)


def page_response(
    server: Server,
    principal: Principal,
    table: RecordTable[ModelT],
    *,
    agency_id: str | None,
    filters: Mapping[str, str | None],
    updated_since: dt.datetime | None,
    cursor: str | None,
    limit: int,
) -> Response:
    """A page ``{"items": [...], "next_cursor": ...}`` in ``(agency_id, id)`` order.

    Cursors are signed by the server (:mod:`api.http.cursors`): a forged one is a 422.
    """
    after = server.cursors.decode(cursor)
    with read_session(server.engine) as session:
        rows = list_records(
            session,
            table,
            agency_id=list_scope(principal, agency_id),
            filters={k: v for k, v in filters.items() if v is not None},
            updated_since=updated_since,
            after=after,
            limit=limit,
        )
    last = (rows[-1].agency_id, rows[-1].id) if len(rows) == limit else None
    next_cursor = None if last is None else server.cursors.encode(last)
    items = ",".join(_shown(principal, table, row.record) for row in rows)
    return json_response(f'{{"items":[{items}],"next_cursor":{json.dumps(next_cursor)}}}')


def _publish(server: Server, record: Worker | Vacancy) -> None:
    if isinstance(record, Worker):
        server.ranking.put_worker(record)
        server.opportunity_books.returnees_written([record])
    else:
        server.ranking.put_vacancy(record)


def write_one(
    server: Server,
    principal: Principal,
    table: RecordTable[ModelT],
    record: ModelT,
    *,
    create_only: bool,
) -> bool:
    """Store a record (create, or create-or-replace); True when it was created.

    Raises
    ------
    ForbiddenError
        If an agency key writes another agency's record.
    UnprocessableError
        If the record's agency is not in the register.
    RecordExistsError
        If ``create_only`` and the id is taken within the agency.
    """
    check_owner(principal, record.agency_id, server.agencies)
    with server.write_lock:
        with write_session(server.engine) as session:
            created = put_record(session, table, record, create_only=create_only)
            write_entry(
                session,
                entry_values(
                    principal,
                    f"{table.slug}.{'create' if created else 'replace'}",
                    target=f"{record.agency_id}/{record.id}",
                    params={},
                    result_ids=[[record.agency_id, record.id]],
                    versions=server.ranking.versions,
                ),
            )
        _publish(server, record)
    return created


def delete_one(
    server: Server,
    principal: Principal,
    table: RecordTable[ModelT],
    record_id: str,
    agency_id: str | None,
) -> None:
    """Delete a record the caller owns (404 for another agency's)."""
    scope = lookup_scope(principal, agency_id, table, record_id)
    with server.write_lock:
        with write_session(server.engine) as session:
            row = find_record(session, table, record_id, agency_id=scope)
            owner = row.agency_id
            delete_record(session, row)
            write_entry(
                session,
                entry_values(
                    principal,
                    f"{table.slug}.delete",
                    target=f"{owner}/{record_id}",
                    params={},
                    result_ids=[[owner, record_id]],
                    versions=server.ranking.versions,
                ),
            )
        if table is WORKERS:
            server.ranking.drop_worker(owner, record_id)
            server.opportunity_books.returnee_deleted(owner, record_id)
        else:
            server.ranking.drop_vacancy(owner, record_id)


@dataclass(frozen=True)
class UploadOutcome:
    """A bulk upload: applied (``counts``) or rejected (``errors``), with its warnings.

    ``errors`` and ``warnings`` list the first :data:`models.files.MAX_LISTED_PROBLEMS`;
    ``lines_with_errors`` and ``warning_count`` count them all.
    """

    counts: UpsertCounts | None
    errors: list[UploadProblem]
    warnings: list[UploadProblem]
    lines_with_errors: int = 0
    warning_count: int = 0
    phases: tuple[tuple[str, float], ...] = ()
    """Seconds each part of an applied upload took, in order (the server logs them;
    ``benchmarks/bench_phases.py`` prints them)."""

    def response(self) -> Response:
        """200 with an :class:`UploadReport`, or 422 with an :class:`UploadRejected`."""
        if self.counts is None:
            listed = (
                f"; the first {len(self.errors):,} errors are listed"
                if self.lines_with_errors > len({e.line for e in self.errors})
                else ""
            )
            lines = "1 line" if self.lines_with_errors == 1 else f"{self.lines_with_errors:,} lines"
            rejected = UploadRejected(
                detail=f"{lines} with errors: nothing was stored{listed}",
                errors=self.errors,
                lines_with_errors=self.lines_with_errors,
                warnings=self.warnings,
            )
            return json_response(rejected.model_dump_json(), 422)
        report = UploadReport(
            created=self.counts.created,
            updated=self.counts.updated,
            warnings=self.warnings,
            warning_count=self.warning_count,
        )
        return json_response(report.model_dump_json())


def _problem(problem: Problem) -> UploadProblem:
    return UploadProblem(
        line=problem.line,
        field=problem.field and safe_text(problem.field),
        message=safe_text(problem.message),
    )


def _digest(content: BinaryIO) -> tuple[str, int]:
    """SHA-256 and size of an upload (the audit log names a file by these, never by the
    name the client gave it), read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    size = 0
    while chunk := content.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    return digest.hexdigest(), size


class _Laps:
    """Seconds between successive marks."""

    def __init__(self) -> None:
        self.done: tuple[tuple[str, float], ...] = ()
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Add the seconds since the last mark (or the start) under ``name``."""
        now = time.perf_counter()
        self.add(name, now - self._last)
        self._last = now

    def add(self, name: str, seconds: float) -> None:
        """Add seconds measured elsewhere (in another thread)."""
        self.done = (*self.done, (name, seconds))


def _timed(
    make: Callable[[Sequence[Any]], PreparedWorkers], records: Sequence[Any]
) -> tuple[PreparedWorkers, float]:
    """``make(records)`` and the seconds it took (in the helper thread of an upload)."""
    start = time.perf_counter()
    made = make(records)
    return made, time.perf_counter() - start


# Reading and storing a big file builds long-lived objects: see matcher.memory.
@building_long_lived()
def upload(
    server: Server,
    principal: Principal,
    table: RecordTable[ModelT],
    content: BinaryIO,
    *,
    filename: str | None,
    fmt: FileFormat | None,
) -> UploadOutcome:
    """Validate a whole file as ``selaras validate`` does, then upsert it in one transaction.

    Parameters
    ----------
    server, principal, table
    content : binary file
        The uploaded bytes (seekable: Starlette spools an upload to a temporary file).
    filename : str or None
        The upload's name; its extension chooses the format unless ``fmt`` does. It is
        not recorded anywhere.
    fmt : {"jsonl", "json", "csv"} or None

    Returns
    -------
    UploadOutcome
        Rejected whole when any line has an error (the first errors with their line and
        field, the tenancy checks included, and the count of all); else every record is
        inserted or replaced. A JSON Lines file of workers of at least
        :data:`api.upload_parts.MIN_FORKED_BYTES` is read in parts by forked processes
        (``SELARAS_UPLOAD_READ_JOBS``), with the same outcome.

    Raises
    ------
    TooManyRequestsError
        If the key has another upload running.
    """
    suffix = Path(filename or "").suffix.lower()
    suffix = suffix if suffix in _SUFFIXES else ""
    kind: RecordKind = "workers" if table is WORKERS else "vacancies"
    laps = _Laps()
    with server.limits.upload_slot(principal.key_id):
        sha256, size = _digest(content)
        laps.lap("digest")
        params: dict[str, Any] = {"format": fmt, "records": 0, "bytes": size, "sha256": sha256}
        jobs = server.settings.upload_read_jobs
        if table is WORKERS and jobs > 1 and size >= upload_parts.MIN_FORKED_BYTES:
            data = content.read()
            content.seek(0)
            jsonl = buffer_is_jsonl(data, fmt=fmt, suffix=suffix)
            parts = buffer_parts(data, jobs) if jsonl else []
            if len(parts) > 1:
                return _upload_in_parts(server, principal, data, parts, params, laps)
        # Workers are read as views: the store keeps their JSON, the live pool their facts.
        result: ReadResult[Any] = read_stream(
            content, kind, name="upload", fmt=fmt, suffix=suffix, views=kind == "workers"
        )
        laps.lap("read")
        records: Sequence[ModelT] = result.records
        refused = _refusal(principal, server, result, [r.agency_id for r in records])
        if refused is not None:
            return refused
        warnings = [_problem(p) for p in result.warnings]
        laps.lap("checks")
        params["records"] = len(records)
        with ThreadPoolExecutor(1, thread_name_prefix="upload-facts") as helper, server.write_lock:
            # The workers' facts and rows are made while the records are stored: SQLite
            # lets go of the GIL while a statement writes (api.storage.store.upsert_records).
            # They reach the live pool only once the records are stored.
            prepared = (
                helper.submit(_timed, server.ranking.prepare_workers, records)
                if table is WORKERS
                else None
            )
            with write_session(server.engine) as session:
                counts = upsert_records(session, table, records)
                ids = [[r.agency_id, r.id] for r in records]
                _audited(session, server, principal, table, params, ids)
            laps.lap("store")
            if prepared is not None:
                rows, made_in = prepared.result()
                laps.lap("rows waited")
                laps.add("rows alongside", made_in)
                server.ranking.put_prepared(rows)
                server.opportunity_books.returnees_written(records)  # type: ignore[arg-type]
            else:
                for record in records:
                    _publish(server, record)
            laps.lap("live pool")
    _logged(table, len(records), laps)
    return UploadOutcome(counts, [], warnings, 0, result.warning_count, laps.done)


class _RefusedError(Exception):
    """An upload found invalid once its first part was being stored: nothing is kept."""

    def __init__(self, outcome: UploadOutcome) -> None:
        super().__init__("the upload is refused")
        self.outcome = outcome


def _upload_in_parts(
    server: Server,
    principal: Principal,
    data: bytes,
    parts: Sequence[Part],
    params: dict[str, Any],
    laps: _Laps,
) -> UploadOutcome:
    """:func:`upload` of workers read in parts: the first here, the others in forked
    processes (:mod:`api.upload_parts`), the same verdict and the same records kept.

    The first part is stored while the others are read (in the upload's one
    transaction); if the whole upload then proves invalid, the transaction is rolled back.
    """
    others = upload_parts.OtherParts(server, data, parts[1:], name="upload")
    try:
        mine = read_buffer_part(data, "workers", parts[0], name="upload", views=True)
        laps.lap("read")
        made: list[upload_parts.MadePart] | None = None
        if _not_storable(principal, server, mine):
            # The upload is refused: for the whole upload's errors, the other parts too.
            made = others.results()
            reads = [mine, *(m.read for m in made)]
            refused = _refusal(principal, server, join_parts(reads), _agencies(reads))
            if refused is not None:  # (always: the first part's problem is the upload's)
                return refused
        # Every row of the upload is written at one time, part after part.
        at = dt.datetime.now(dt.UTC)
        with ThreadPoolExecutor(1, thread_name_prefix="upload-facts") as helper, server.write_lock:
            prepared = helper.submit(_timed, server.ranking.prepare_workers, mine.records)
            try:
                with write_session(server.engine) as session:
                    counts = [upsert_records(session, WORKERS, mine.records, at=at)]
                    laps.lap("store")
                    made = others.results() if made is None else made
                    laps.lap("other parts")
                    reads = [mine, *(m.read for m in made)]
                    result = join_parts(reads)
                    refused = _refusal(principal, server, result, _agencies(reads))
                    if refused is not None:
                        raise _RefusedError(refused)
                    # The other parts' facts are unpacked while their rows are stored.
                    everyone = helper.submit(_prepared_all, prepared, made)
                    counts += [upsert_columns(session, WORKERS, m.columns, at=at) for m in made]
                    keys = [list(key) for part in reads for key in part.keys]
                    params["records"] = len(keys)
                    _audited(session, server, principal, WORKERS, params, keys)
                laps.lap("store others")
            except _RefusedError as refusal:
                return refusal.outcome
            made_in = prepared.result()[1]
            server.ranking.put_prepared(everyone.result())
            laps.lap("rows waited")
            laps.add("rows alongside", made_in)
            returnees = [record for m in made for record in m.returnee_records()]
            server.opportunity_books.returnees_written(
                [*mine.records, *returnees], [key for m in made for key in m.settled()]
            )
            laps.lap("live pool")
    finally:
        others.close()
    _logged(WORKERS, len(keys), laps)
    return UploadOutcome(
        UpsertCounts(sum(c.created for c in counts), sum(c.updated for c in counts)),
        [],
        [_problem(p) for p in result.warnings],
        0,
        result.warning_count,
        laps.done,
    )


def _not_storable(principal: Principal, server: Server, mine: PartRead) -> bool:
    """Whether the first part of an upload read in parts holds a problem of its own, which
    its store would meet first (a line with errors, a key twice, an agency the key may
    not upload for or that is not registered): it is then not stored at all."""
    keys = mine.keys
    if mine.lines_with_errors or len(set(keys)) != len(keys):
        return True
    return bool(_ownership_problems(principal, server, _agencies([mine]), mine.lines))


def _refusal(
    principal: Principal, server: Server, result: ReadResult[Any], agencies: Sequence[str]
) -> UploadOutcome | None:
    """Why an upload is refused (its lines' errors, else its ownership problems), or None
    when it is valid (``agencies``: each valid record's agency, in file order)."""
    if not result.ok:
        return _rejected(result)
    errors = _ownership_problems(principal, server, agencies, result.lines)
    if errors:
        warnings = [_problem(p) for p in result.warnings]
        return UploadOutcome(None, errors[:MAX_LISTED_PROBLEMS], warnings, len(errors))
    return None


def _agencies(reads: Sequence[PartRead]) -> list[str]:
    """Each valid record's agency, in file order, of an upload read in parts."""
    return [key[0] for part in reads for key in part.keys]


def _prepared_all(
    mine: Future[tuple[PreparedWorkers, float]], made: Sequence[upload_parts.MadePart]
) -> PreparedWorkers:
    """Every part's workers prepared as one batch (in the upload's helper thread)."""
    return PreparedWorkers.join([mine.result()[0], *(m.prepared() for m in made)])


def _rejected(result: ReadResult[Any]) -> UploadOutcome:
    """The outcome of an upload with errors in its lines."""
    return UploadOutcome(None, [_problem(p) for p in result.errors], [], result.lines_with_errors)


def _audited(
    session: Session,
    server: Server,
    principal: Principal,
    table: RecordTable[Any],
    params: dict[str, Any],
    ids: list[list[str]],
) -> None:
    """The audit entry of a bulk upload (the records' agency and id, in file order)."""
    write_entry(
        session,
        entry_values(
            principal,
            f"{table.slug}s.bulk",
            target=None,
            params=params,
            result_ids=ids,
            versions=server.ranking.versions,
        ),
    )


def _logged(table: RecordTable[Any], records: int, laps: _Laps) -> None:
    _log.info(
        "%s.bulk of %d records: %s",
        table.slug,
        records,
        ", ".join(f"{name} {seconds:.2f} s" for name, seconds in laps.done),
    )


def _ownership_problems(
    principal: Principal, server: Server, agencies: Sequence[str], lines: list[int]
) -> list[UploadProblem]:
    """The upload's lines naming an agency the key may not upload for (each record's
    agency in ``agencies``, on its line in ``lines``)."""
    registered = {agency.id for agency in server.agencies}
    problems = []
    for agency_id, line in zip(agencies, lines, strict=True):
        if principal.role == "agency" and agency_id != principal.agency_id:
            message = (
                f"an agency key uploads only its own agency's records ({principal.agency_id!r})"
            )
        elif agency_id not in registered:
            message = f"no agency {agency_id!r} in the register"
        else:
            continue
        problems.append(UploadProblem(line=line, field="agency_id", message=message))
    return problems
