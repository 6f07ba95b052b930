"""``/audit``: the audit log, for officers and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit.log import entry_record, list_entries
from api.deps import AuditReader, ServerDep
from api.http.errors import responses
from api.http.params import ActionQuery, AfterQuery, KeyIdQuery, PageSizeQuery
from api.schemas import AuditEntry, AuditPage
from api.storage.database import read_session
from models.common import Identifier

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"], responses=responses(401, 403, 503))


@router.get("", response_model=AuditPage)
def read_audit(
    principal: AuditReader,
    server: ServerDep,
    after: AfterQuery = 0,
    limit: PageSizeQuery = 100,
    action: ActionQuery = None,
    agency_id: Annotated[Identifier | None, Query()] = None,
    key_id: KeyIdQuery = None,
) -> AuditPage:
    """Entries in the order they were written, a page at a time.

    Filter by ``action`` (``candidates``, ``job_orders``, ``explanation``, ``match``,
    ``refusals``, ``worker.create|replace|delete``, ``workers.bulk``, the same for
    ``job_order``, ``agency.create|replace|licence``, ``key.issue|revoke``), by the
    acting key's agency or by key.
    """
    with read_session(server.engine) as session:
        rows = list_entries(
            session, after=after, limit=limit, action=action, agency_id=agency_id, key_id=key_id
        )
    items = [AuditEntry.model_validate(entry_record(row)) for row in rows]
    return AuditPage(items=items, next_after=items[-1].seq if len(items) == limit else None)
