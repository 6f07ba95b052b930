"""``/workers``: candidates of the caller's agency (officers: of every agency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, UploadFile

from api.deps import AnyRole, ServerDep, Writer
from api.http.errors import UnprocessableError, ValidationBody, responses
from api.http.params import AgencyQuery, CursorQuery, FormatQuery, PageSizeQuery, UpdatedSinceQuery
from api.records import delete_one, json_response, page_response, read_one, upload, write_one
from api.schemas import UploadRejected, UploadReport, WorkerCard, WorkerPage
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.store import WORKERS
from models.common import Identifier
from models.worker import Education, Worker

__all__ = ["router", "upload_router"]

_ROUTER = {"prefix": "/workers", "tags": ["workers"], "responses": responses(401, 403, 503)}
router = APIRouter(**_ROUTER, max_body_size=MAX_JSON_BODY_BYTES)  # type: ignore[arg-type]
upload_router = APIRouter(**_ROUTER)  # type: ignore[arg-type]


@router.get("", response_model=WorkerPage)
def list_workers(
    principal: AnyRole,
    server: ServerDep,
    agency_id: Annotated[Identifier | None, Query()] = None,
    education: Annotated[Education | None, Query()] = None,
    updated_since: UpdatedSinceQuery = None,
    cursor: CursorQuery = None,
    limit: PageSizeQuery = 100,
) -> Response:
    """List workers in (agency_id, id) order, a page at a time.

    Agencies see their own; officers every agency's; auditors every agency's as cards
    without personal data.
    """
    return page_response(
        server,
        principal,
        WORKERS,
        agency_id=agency_id,
        filters={"education": education},
        updated_since=updated_since,
        cursor=cursor,
        limit=limit,
    )


@router.post("", status_code=201, response_model=Worker, responses=responses(409, 413))
def create_worker(worker: Worker, principal: Writer, server: ServerDep) -> Response:
    """Add a worker; 409 if the agency already has one with this id (replace with PUT)."""
    write_one(server, principal, WORKERS, worker, create_only=True)
    return json_response(worker.model_dump_json(exclude_none=True), 201)


@router.get("/{worker_id}", response_model=Worker | WorkerCard, responses=responses(404, 409))
def read_worker(
    worker_id: Identifier, principal: AnyRole, server: ServerDep, agency_id: AgencyQuery = None
) -> Response:
    """One worker (auditors: the card without personal data)."""
    return read_one(server, principal, WORKERS, worker_id, agency_id)


@router.put(
    "/{worker_id}", response_model=Worker, responses={201: {"model": Worker}, **responses(413)}
)
def replace_worker(
    worker_id: Identifier, worker: Worker, principal: Writer, server: ServerDep
) -> Response:
    """Create or replace a worker (200 replaced, 201 created); the body's id must match."""
    if worker.id != worker_id:
        raise UnprocessableError([(("body", "id"), f"must equal the path's id {worker_id!r}")])
    created = write_one(server, principal, WORKERS, worker, create_only=False)
    return json_response(worker.model_dump_json(exclude_none=True), 201 if created else 200)


@router.delete("/{worker_id}", status_code=204, responses=responses(404, 409))
def delete_worker(
    worker_id: Identifier, principal: Writer, server: ServerDep, agency_id: AgencyQuery = None
) -> Response:
    """Delete a worker."""
    delete_one(server, principal, WORKERS, worker_id, agency_id)
    return Response(status_code=204)


@upload_router.post(
    "/bulk",
    response_model=UploadReport,
    responses={422: {"model": UploadRejected | ValidationBody}, **responses(413)},
)
def upload_workers(
    file: UploadFile,
    principal: Writer,
    server: ServerDep,
    format: FormatQuery = None,
) -> Response:
    """Insert or replace many workers from a JSON Lines, JSON or CSV file (multipart ``file``).

    All or nothing: any bad line rejects the whole file (422, every error with its line
    and field, as ``selaras validate`` reports them); otherwise every record is stored in
    one transaction, keyed by (agency_id, id), so sending a file twice changes nothing.
    The format comes from ``format``, else the file name's extension, else the content.
    """
    return upload(
        server, principal, WORKERS, file.file, filename=file.filename, fmt=format
    ).response()
