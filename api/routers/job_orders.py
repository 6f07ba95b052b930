"""``/job-orders``: job orders of the caller's agency (officers: of every agency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, UploadFile

from api.deps import AnyRole, ServerDep, Writer
from api.http.errors import UnprocessableError, ValidationBody, responses
from api.http.params import AgencyQuery, CursorQuery, FormatQuery, PageSizeQuery, UpdatedSinceQuery
from api.records import delete_one, json_response, page_response, read_one, upload, write_one
from api.schemas import JobOrderPage, UploadRejected, UploadReport
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.store import JOB_ORDERS
from models.common import CountryCode, Identifier, Programme
from models.vacancy import Vacancy

__all__ = ["router", "upload_router"]

_ROUTER = {"prefix": "/job-orders", "tags": ["job orders"], "responses": responses(401, 403, 503)}
router = APIRouter(**_ROUTER, max_body_size=MAX_JSON_BODY_BYTES)  # type: ignore[arg-type]
upload_router = APIRouter(**_ROUTER)  # type: ignore[arg-type]


@router.get("", response_model=JobOrderPage)
def list_job_orders(
    principal: AnyRole,
    server: ServerDep,
    agency_id: Annotated[Identifier | None, Query()] = None,
    country: Annotated[CountryCode | None, Query()] = None,
    programme: Annotated[Programme | None, Query()] = None,
    updated_since: UpdatedSinceQuery = None,
    cursor: CursorQuery = None,
    limit: PageSizeQuery = 100,
) -> Response:
    """List job orders in (agency_id, id) order, a page at a time.

    Agencies see their own; officers and auditors every agency's.
    """
    return page_response(
        server,
        principal,
        JOB_ORDERS,
        agency_id=agency_id,
        filters={"country": country, "programme": programme},
        updated_since=updated_since,
        cursor=cursor,
        limit=limit,
    )


@router.post("", status_code=201, response_model=Vacancy, responses=responses(409, 413))
def create_job_order(job_order: Vacancy, principal: Writer, server: ServerDep) -> Response:
    """Add a job order; 409 if the agency already has one with this id (replace with PUT)."""
    write_one(server, principal, JOB_ORDERS, job_order, create_only=True)
    return json_response(job_order.model_dump_json(exclude_none=True), 201)


@router.get("/{job_order_id}", response_model=Vacancy, responses=responses(404, 409))
def read_job_order(
    job_order_id: Identifier, principal: AnyRole, server: ServerDep, agency_id: AgencyQuery = None
) -> Response:
    """One job order."""
    return read_one(server, principal, JOB_ORDERS, job_order_id, agency_id)


@router.put(
    "/{job_order_id}", response_model=Vacancy, responses={201: {"model": Vacancy}, **responses(413)}
)
def replace_job_order(
    job_order_id: Identifier, job_order: Vacancy, principal: Writer, server: ServerDep
) -> Response:
    """Create or replace a job order (200 replaced, 201 created); the body's id must match."""
    if job_order.id != job_order_id:
        raise UnprocessableError([(("body", "id"), f"must equal the path's id {job_order_id!r}")])
    created = write_one(server, principal, JOB_ORDERS, job_order, create_only=False)
    return json_response(job_order.model_dump_json(exclude_none=True), 201 if created else 200)


@router.delete("/{job_order_id}", status_code=204, responses=responses(404, 409))
def delete_job_order(
    job_order_id: Identifier, principal: Writer, server: ServerDep, agency_id: AgencyQuery = None
) -> Response:
    """Delete a job order."""
    delete_one(server, principal, JOB_ORDERS, job_order_id, agency_id)
    return Response(status_code=204)


@upload_router.post(
    "/bulk",
    response_model=UploadReport,
    responses={422: {"model": UploadRejected | ValidationBody}, **responses(413)},
)
def upload_job_orders(
    file: UploadFile,
    principal: Writer,
    server: ServerDep,
    format: FormatQuery = None,
) -> Response:
    """Insert or replace many job orders from a JSON Lines, JSON or CSV file (multipart ``file``).

    All or nothing: any bad line rejects the whole file (422, every error with its line
    and field, as ``selaras validate`` reports them); otherwise every record is stored in
    one transaction, keyed by (agency_id, id), so sending a file twice changes nothing.
    The format comes from ``format``, else the file name's extension, else the content.
    """
    return upload(
        server, principal, JOB_ORDERS, file.file, filename=file.filename, fmt=format
    ).response()
