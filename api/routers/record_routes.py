"""The routes ``/workers`` and ``/job-orders`` share, declared once for both.

Listing, creating, reading, replacing and deleting records and uploading a file of them
work the same for either kind (:mod:`api.records` does the work); only the model, the
names, the texts and the list's filters differ, and :class:`RecordRoutes` holds those.
Route names (hence operation ids), path and query parameters (in their order) and texts
are those a route written out per kind would have: ``create_worker`` with ``{worker_id}``,
``list_job_orders`` with ``country`` and ``programme`` between ``agency_id`` and the
paging parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response, UploadFile
from pydantic import BaseModel

from api.deps import AnyRole, ServerDep, Writer
from api.http.errors import UnprocessableError, ValidationBody, responses
from api.http.params import (
    AgencyQuery,
    CursorQuery,
    FormatQuery,
    PageSizeQuery,
    UpdatedSinceQuery,
)
from api.records import delete_one, json_response, page_response, read_one, upload, write_one
from api.schemas import UploadRejected, UploadReport
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.store import RecordTable
from models.common import Identifier
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["Filters", "RecordRoutes", "record_routers"]

Filters = Mapping[str, str | None]
"""A list's filters by field (None: not filtered), as a kind's filter dependency gives them."""

_UPLOAD_DOC = (
    "Insert or replace many {plural} from a JSON Lines, JSON or CSV file (multipart ``file``)."
    """

All or nothing: any bad line rejects the whole file (422, every error with its line
and field, as ``selaras validate`` reports them); otherwise every record is stored in
one transaction, keyed by (agency_id, id), so sending a file twice changes nothing.
The format comes from ``format``, else the file name's extension, else the content."""
)


@dataclass(frozen=True)
class _Page:
    updated_since: dt.datetime | None
    cursor: str | None
    limit: int


async def _agency(agency_id: Annotated[Identifier | None, Query()] = None) -> str | None:
    return agency_id


async def _page(
    updated_since: UpdatedSinceQuery = None, cursor: CursorQuery = None, limit: PageSizeQuery = 100
) -> _Page:
    return _Page(updated_since, cursor, limit)


# A list's query parameters come from three dependencies so that the kind's filters stand
# between the agency and the paging, where a route written out would declare them.
_ListAgency = Annotated[str | None, Depends(_agency)]
_ListPage = Annotated[_Page, Depends(_page)]

_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Response])


def _annotated(**annotations: Any) -> Callable[[_Endpoint], _Endpoint]:
    """Set parameters' annotations to types known only when the routes are added.

    FastAPI reads a route's model, filters and path parameter from its endpoint's
    annotations, and this module's postponed evaluation cannot resolve a local name.
    """

    def annotate(endpoint: _Endpoint) -> _Endpoint:
        endpoint.__annotations__.update(annotations)
        return endpoint

    return annotate


def record_routers(prefix: str, tag: str) -> tuple[APIRouter, APIRouter]:
    """The router of a record kind and its upload router (which takes a larger body).

    Parameters
    ----------
    prefix, tag : str
        The path prefix (``/workers``) and the OpenAPI tag.

    Returns
    -------
    tuple of APIRouter
        The router of JSON bodies and the router of bulk uploads.
    """
    errors = responses(401, 403, 503)
    return (
        APIRouter(prefix=prefix, tags=[tag], responses=errors, max_body_size=MAX_JSON_BODY_BYTES),
        APIRouter(prefix=prefix, tags=[tag], responses=errors),
    )


@dataclass(frozen=True)
class RecordRoutes:
    """What differs between the record kinds' routes.

    Attributes
    ----------
    table : RecordTable
        The stored kind.
    model : type of Worker or Vacancy
        The record's model (the body of POST and PUT).
    name : str
        The record's name in route names and the path parameter (``job_order``).
    filters : callable
        A dependency whose query parameters are the list's filters.
    page_model : type of BaseModel
        The answer of the list.
    list_doc : str
        The description of the list.
    read_model : Any
        The answer of GET of one record (auditors may get a card instead).
    read_doc : str
        The description of GET of one record.
    """

    table: RecordTable[Any]
    model: type[Worker] | type[Vacancy]
    name: str
    filters: Callable[..., Filters]
    page_model: type[BaseModel]
    list_doc: str
    read_model: Any
    read_doc: str

    def add_to(self, router: APIRouter, upload_router: APIRouter) -> None:
        """Add the list, create, read, replace, delete and bulk upload routes."""
        table, name, noun = self.table, self.name, self.name.replace("_", " ")
        one = f"/{{{name}_id}}"
        path_id = Annotated[Identifier, Path(alias=f"{name}_id")]

        @router.get(
            "", name=f"list_{name}s", description=self.list_doc, response_model=self.page_model
        )
        @_annotated(filters=Annotated[Filters, Depends(self.filters)])
        def list_records(
            principal: AnyRole,
            server: ServerDep,
            agency_id: _ListAgency,
            filters: Filters,
            page: _ListPage,
        ) -> Response:
            return page_response(
                server,
                principal,
                table,
                agency_id=agency_id,
                filters=filters,
                updated_since=page.updated_since,
                cursor=page.cursor,
                limit=page.limit,
            )

        @router.post(
            "",
            name=f"create_{name}",
            description=f"Add a {noun}; 409 if the agency already has one with this id "
            "(replace with PUT).",
            status_code=201,
            response_model=self.model,
            responses=responses(409, 413),
        )
        @_annotated(record=self.model)
        def create(record: Worker | Vacancy, principal: Writer, server: ServerDep) -> Response:
            write_one(server, principal, table, record, create_only=True)
            return json_response(record.model_dump_json(exclude_none=True), 201)

        @router.get(
            one,
            name=f"read_{name}",
            description=self.read_doc,
            response_model=self.read_model,
            responses=responses(404, 409),
        )
        @_annotated(record_id=path_id)
        def read(
            record_id: str, principal: AnyRole, server: ServerDep, agency_id: AgencyQuery = None
        ) -> Response:
            return read_one(server, principal, table, record_id, agency_id)

        @router.put(
            one,
            name=f"replace_{name}",
            description=f"Create or replace a {noun} (200 replaced, 201 created); the body's "
            "id must match.",
            response_model=self.model,
            responses={201: {"model": self.model}, **responses(413)},
        )
        @_annotated(record_id=path_id, record=self.model)
        def replace(
            record_id: str, record: Worker | Vacancy, principal: Writer, server: ServerDep
        ) -> Response:
            if record.id != record_id:
                problem = f"must equal the path's id {record_id!r}"
                raise UnprocessableError([(("body", "id"), problem)])
            created = write_one(server, principal, table, record, create_only=False)
            return json_response(record.model_dump_json(exclude_none=True), 201 if created else 200)

        @router.delete(
            one,
            name=f"delete_{name}",
            description=f"Delete a {noun}.",
            status_code=204,
            responses=responses(404, 409),
        )
        @_annotated(record_id=path_id)
        def delete(
            record_id: str, principal: Writer, server: ServerDep, agency_id: AgencyQuery = None
        ) -> Response:
            delete_one(server, principal, table, record_id, agency_id)
            return Response(status_code=204)

        @upload_router.post(
            "/bulk",
            name=f"upload_{name}s",
            description=_UPLOAD_DOC.format(plural=f"{noun}s"),
            response_model=UploadReport,
            responses={422: {"model": UploadRejected | ValidationBody}, **responses(413)},
        )
        def upload_file(
            file: UploadFile, principal: Writer, server: ServerDep, format: FormatQuery = None
        ) -> Response:
            return upload(
                server, principal, table, file.file, filename=file.filename, fmt=format
            ).response()
