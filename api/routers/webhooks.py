"""``/webhooks``: agencies' endpoints, the delivery log with replay, the officer's allow-list.

An agency registers an endpoint URL and the events it wants (``api.webhooks.delivery``);
the answer holds the endpoint's signing secret, shown once. A URL that is not public (a
private, loopback, link-local... address: OWASP API7, ``matcher.webhooks.ssrf``) is a
422 unless an officer allow-listed its host or network.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from api.access.keys import Principal
from api.access.tenancy import check_owner
from api.deps import Officer, ServerDep, Writer
from api.http.errors import NotFoundError, UnprocessableError, responses
from api.records import json_response
from api.storage.database import read_session, write_session
from api.storage.integration_tables import WebhookAllowRow, WebhookDeliveryRow, WebhookEndpointRow
from api.webhooks.delivery import Event, allow_list
from matcher.webhooks.signing import new_secret
from matcher.webhooks.ssrf import UnsafeTargetError, check_url
from models.common import Identifier

_log = logging.getLogger("selaras.api")

__all__ = ["router"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=responses(401, 403))


class EndpointRequest(BaseModel):
    """Register an endpoint: its URL and the events it receives."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(min_length=8, max_length=2000)]
    events: Annotated[list[Event], Field(min_length=1, max_length=10)]
    agency_id: Identifier | None = None
    top_k: Annotated[int, Field(ge=1, le=100)] = 10


class AllowListRequest(BaseModel):
    """The officer's allow-list, whole: host names and networks (``127.0.0.0/8``)."""

    model_config = ConfigDict(extra="forbid")

    entries: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9.:/_-]+$")]],
        Field(max_length=100),
    ]


def _endpoint(row: WebhookEndpointRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "agency_id": row.agency_id,
        "url": row.url,
        "events": json.loads(row.events),
        "top_k": row.top_k,
        "created_at": row.created_at.isoformat(),
    }


def _delivery(row: WebhookDeliveryRow) -> dict[str, Any]:
    def when(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": row.id,
        "endpoint_id": row.endpoint_id,
        "event": row.event,
        "message_id": row.message_id,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": when(row.next_attempt_at),
        "last_status": row.last_status,
        "last_error": row.last_error,
        "created_at": when(row.created_at),
        "delivered_at": when(row.delivered_at),
        "body": json.loads(row.body),
    }


@router.post("/endpoints", status_code=201, responses=responses(413))
def register_endpoint(
    request: EndpointRequest, principal: Writer, server: ServerDep, http: Request
) -> Response:
    """Register an endpoint of the caller's agency (officers name ``agency_id``).

    The answer carries ``secret`` (``whsec_...``), shown only here: deliveries are signed
    with it (Standard Webhooks).
    """
    agency_id = request.agency_id or principal.agency_id
    if agency_id is None:
        raise UnprocessableError([(("body", "agency_id"), "an officer names the agency")])
    check_owner(principal, agency_id, server.agencies)
    try:
        check_url(request.url, allow=allow_list(server.engine))
    except UnsafeTargetError as error:
        # What the name resolved to is for the operator, not the caller (ssrf.py).
        _log.warning("webhook URL refused for key %s: %s", principal.key_id, error.detail)
        raise UnprocessableError([(("body", "url"), str(error))]) from None
    row = WebhookEndpointRow(
        id="whe_" + secrets.token_hex(8),
        agency_id=agency_id,
        url=request.url,
        events=json.dumps(sorted(set(request.events))),
        top_k=request.top_k,
        secret=new_secret(),
        key_id=principal.key_id,
        created_at=dt.datetime.now(dt.UTC),
    )
    with write_session(server.engine) as session:
        session.add(row)
    dispatcher = getattr(http.app.state, "webhooks", None)
    if dispatcher is not None and "ranking.changed" in request.events:
        dispatcher.records_changed()  # the rankings the endpoint is compared against
    return json_response(json.dumps({**_endpoint(row), "secret": row.secret}), 201)


@router.get("/endpoints")
def list_endpoints(principal: Writer, server: ServerDep) -> Response:
    """The caller's agency's endpoints (officers: every agency's), without secrets."""
    query = select(WebhookEndpointRow).order_by(WebhookEndpointRow.id)
    if principal.role == "agency":
        query = query.where(WebhookEndpointRow.agency_id == principal.agency_id)
    with read_session(server.engine) as session:
        rows = list(session.scalars(query))
    return json_response(json.dumps({"items": [_endpoint(r) for r in rows]}))


def _own_endpoint(session: Any, principal: Principal, endpoint_id: str) -> WebhookEndpointRow:
    row = session.get(WebhookEndpointRow, endpoint_id)
    if row is None or (principal.role == "agency" and row.agency_id != principal.agency_id):
        raise NotFoundError(f"no webhook endpoint {endpoint_id!r}")
    assert isinstance(row, WebhookEndpointRow)
    return row


@router.delete("/endpoints/{endpoint_id}", status_code=204, responses=responses(404))
def delete_endpoint(endpoint_id: Identifier, principal: Writer, server: ServerDep) -> Response:
    """Delete an endpoint and its delivery log."""
    with write_session(server.engine) as session:
        row = _own_endpoint(session, principal, endpoint_id)
        session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == row.id))
        session.delete(row)
    return Response(status_code=204)


@router.get("/deliveries")
def list_deliveries(
    principal: Writer,
    server: ServerDep,
    endpoint_id: Annotated[Identifier | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """The delivery log, newest first: each message, its attempts and the last outcome."""
    query = (
        select(WebhookDeliveryRow)
        .join(WebhookEndpointRow, WebhookEndpointRow.id == WebhookDeliveryRow.endpoint_id)
        .order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id)
        .limit(limit)
    )
    if principal.role == "agency":
        query = query.where(WebhookEndpointRow.agency_id == principal.agency_id)
    if endpoint_id is not None:
        query = query.where(WebhookDeliveryRow.endpoint_id == endpoint_id)
    with read_session(server.engine) as session:
        rows = list(session.scalars(query))
    return json_response(json.dumps({"items": [_delivery(r) for r in rows]}, ensure_ascii=False))


@router.post("/deliveries/{delivery_id}/replay", status_code=202, responses=responses(404))
def replay_delivery(
    delivery_id: Identifier, principal: Writer, server: ServerDep, request: Request
) -> Response:
    """Send a message again (same message id; a new timestamp and signature), now."""
    with write_session(server.engine) as session:
        row = session.get(WebhookDeliveryRow, delivery_id)
        if row is None:
            raise NotFoundError(f"no delivery {delivery_id!r}")
        try:
            _own_endpoint(session, principal, row.endpoint_id)
        except NotFoundError:
            # Another agency's delivery answers as a missing one (naming no endpoint).
            raise NotFoundError(f"no delivery {delivery_id!r}") from None
        row.status, row.attempts = "pending", 0
        row.next_attempt_at = dt.datetime.now(dt.UTC)
        row.delivered_at = None
        answer = _delivery(row)
    dispatcher = getattr(request.app.state, "webhooks", None)
    if dispatcher is not None:
        dispatcher.wake()
    return json_response(json.dumps(answer, ensure_ascii=False), 202)


@router.get("/allow-list")
def read_allow_list(principal: Officer, server: ServerDep) -> Response:
    """Hosts and networks allowed as webhook targets although they are not public."""
    with read_session(server.engine) as session:
        entries = list(session.scalars(select(WebhookAllowRow.entry).order_by("entry")))
    return json_response(json.dumps({"entries": entries}))


@router.put("/allow-list")
def replace_allow_list(
    request: AllowListRequest, principal: Officer, server: ServerDep
) -> Response:
    """Replace the allow-list (officers); each entry a host name or a network."""
    now = dt.datetime.now(dt.UTC)
    entries = sorted(set(request.entries))
    with write_session(server.engine) as session:
        session.execute(delete(WebhookAllowRow))
        for entry in entries:
            session.add(WebhookAllowRow(entry=entry, key_id=principal.key_id, created_at=now))
    return json_response(json.dumps({"entries": entries}))
