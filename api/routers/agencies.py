"""``/agencies`` and ``/keys``: the agency register and API keys (officers only)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError

from api.access.keys import Principal, Role, issue_key, list_keys, revoke_key
from api.audit.log import entry_values, write_entry
from api.deps import Officer, Server, ServerDep
from api.http.errors import NotFoundError, UnprocessableError, responses
from api.http.params import KeyIdPath
from api.records import found_or_404, json_response
from api.schemas import IssuedKeyOut, KeyOut, KeyRequest, LicenceChange, LicenceStatus
from api.settings import MAX_JSON_BODY_BYTES
from api.storage.database import read_session, write_session
from api.storage.store import all_agencies, get_agency, put_agency
from api.storage.tables import ApiKeyRow
from models.agency import Agency
from models.common import Identifier

__all__ = ["keys_router", "router"]

_ERRORS = responses(401, 403, 503)
router = APIRouter(
    prefix="/agencies", tags=["agencies"], responses=_ERRORS, max_body_size=MAX_JSON_BODY_BYTES
)
keys_router = APIRouter(
    prefix="/keys", tags=["keys"], responses=_ERRORS, max_body_size=MAX_JSON_BODY_BYTES
)


def _save_agency(
    server: Server,
    principal: Principal,
    agency: Agency,
    *,
    create_only: bool,
    action: str | None = None,
) -> bool:
    """Store an agency with its audit entry and refresh the server's register."""
    with server.write_lock:
        with write_session(server.engine) as session:
            created = put_agency(session, agency, create_only=create_only)
            write_entry(
                session,
                entry_values(
                    principal,
                    action or f"agency.{'create' if created else 'replace'}",
                    target=agency.id,
                    params={"status": agency.status},
                    result_ids=[agency.id],
                    versions=server.ranking.versions,
                ),
            )
            register = tuple(all_agencies(session))
        server.agencies = register
    return created


@router.get("", response_model=list[Agency])
def list_agencies(
    principal: Officer,
    server: ServerDep,
    status: Annotated[LicenceStatus | None, Query()] = None,
) -> list[Agency]:
    """The register, by id (optionally only one licence status)."""
    return [a for a in server.agencies if status is None or a.status == status]


@router.post("", status_code=201, response_model=Agency, responses=responses(409, 413))
def create_agency(agency: Agency, principal: Officer, server: ServerDep) -> Agency:
    """Register an agency; 409 if the id is taken."""
    _save_agency(server, principal, agency, create_only=True)
    return agency


@router.get("/{agency_id}", response_model=Agency, responses=responses(404))
def read_agency(agency_id: Identifier, principal: Officer, server: ServerDep) -> Agency:
    """One agency of the register."""
    return found_or_404(server, lambda s: get_agency(s, agency_id), f"agency {agency_id!r}")


@router.put(
    "/{agency_id}", response_model=Agency, responses={201: {"model": Agency}, **responses(413)}
)
def replace_agency(
    agency_id: Identifier, agency: Agency, principal: Officer, server: ServerDep
) -> Response:
    """Create or replace an agency (200 replaced, 201 created); the body's id must match."""
    if agency.id != agency_id:
        raise UnprocessableError([(("body", "id"), f"must equal the path's id {agency_id!r}")])
    created = _save_agency(server, principal, agency, create_only=False)
    return json_response(agency.model_dump_json(), 201 if created else 200)


@router.patch("/{agency_id}/licence", response_model=Agency, responses=responses(404, 413))
def change_licence(
    agency_id: Identifier, change: LicenceChange, principal: Officer, server: ServerDep
) -> Agency:
    """Change an agency's licence status (and the dates that go with it).

    Fields left out keep their value; the result must be a consistent register entry
    (a revoked licence needs ``revoked_on``), else 422. Job orders of an agency that is
    not active on the evaluation date are refused from then on.
    """
    current = found_or_404(server, lambda s: get_agency(s, agency_id), f"agency {agency_id!r}")
    merged: dict[str, Any] = {
        **current.model_dump(),
        **change.model_dump(exclude_unset=True),
    }
    try:
        agency = Agency.model_validate(merged)
    except ValidationError as error:
        raise UnprocessableError(
            [(("body", *e["loc"]), e["msg"]) for e in error.errors(include_url=False)]
        ) from None
    _save_agency(server, principal, agency, create_only=False, action="agency.licence")
    return agency


def _key_out(row: ApiKeyRow) -> KeyOut:
    return KeyOut(
        id=row.id,
        role=cast(Role, row.role),
        agency_id=row.agency_id,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


@keys_router.post("", status_code=201, response_model=IssuedKeyOut, responses=responses(413))
def create_key(request: KeyRequest, principal: Officer, server: ServerDep) -> IssuedKeyOut:
    """Issue an API key; the secret is in this answer only (it is stored as a hash)."""
    with write_session(server.engine) as session:
        issued = issue_key(session, request.role, agency_id=request.agency_id, label=request.label)
        write_entry(
            session,
            entry_values(
                principal,
                "key.issue",
                target=issued.id,
                params={"role": issued.role, "agency_id": issued.agency_id},
                result_ids=[issued.id],
                versions=server.ranking.versions,
            ),
        )
    return IssuedKeyOut(
        id=issued.id,
        key=issued.key,
        role=issued.role,
        agency_id=issued.agency_id,
        label=issued.label,
        created_at=issued.created_at,
        revoked_at=None,
    )


@keys_router.get("", response_model=list[KeyOut])
def read_keys(
    principal: Officer, server: ServerDep, agency_id: Annotated[Identifier | None, Query()] = None
) -> list[KeyOut]:
    """Every key (or one agency's), oldest first; secrets are never shown again."""
    with read_session(server.engine) as session:
        return [_key_out(row) for row in list_keys(session, agency_id=agency_id)]


@keys_router.delete("/{key_id}", status_code=204, responses=responses(404))
def delete_key(
    key_id: KeyIdPath,
    principal: Officer,
    server: ServerDep,
) -> Response:
    """Revoke a key: it stops working at once. Revoking twice is harmless."""
    with write_session(server.engine) as session:
        if not revoke_key(session, key_id):
            raise NotFoundError(f"key {key_id!r} not found")
        write_entry(
            session,
            entry_values(
                principal,
                "key.revoke",
                target=key_id,
                params={},
                result_ids=[key_id],
                versions=server.ranking.versions,
            ),
        )
    return Response(status_code=204)
