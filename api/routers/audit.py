"""``/audit``: the audit log, for officers and auditors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.audit.log import entry_record, list_entries
from api.deps import AuditReader, ServerDep
from api.http.errors import responses
from api.http.params import ActionQuery, KeyIdQuery, LogPageQuery
from api.schemas import AuditEntry, AuditPage
from api.storage.database import read_session
from models.common import Identifier

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"], responses=responses(401, 403, 503))


@dataclass(frozen=True)
class _Filters:
    """What the entries of a page must match (None: anything)."""

    action: str | None
    agency_id: str | None
    key_id: str | None


async def _filters(
    action: ActionQuery = None,
    agency_id: Annotated[Identifier | None, Query()] = None,
    key_id: KeyIdQuery = None,
) -> _Filters:
    # A dependency, so that the filters are listed after the page's own parameters.
    return _Filters(action, agency_id, key_id)


@router.get("", response_model=AuditPage)
def read_audit(
    principal: AuditReader,
    server: ServerDep,
    page: LogPageQuery,
    filters: Annotated[_Filters, Depends(_filters)],
) -> AuditPage:
    """Entries in the order they were written, a page at a time.

    Filter by ``action`` (``candidates``, ``job_orders``, ``explanation``, ``match``,
    ``refusals``, ``worker.create|replace|delete``, ``workers.bulk``, the same for
    ``job_order``, ``agency.create|replace|licence``, ``key.issue|revoke``,
    ``courses.bulk``, ``opportunities.bulk``), by the acting key's agency or by key.
    """
    with read_session(server.engine) as session:
        rows = list_entries(
            session,
            after=page.after,
            limit=page.limit,
            action=filters.action,
            agency_id=filters.agency_id,
            key_id=filters.key_id,
        )
    items = [AuditEntry.model_validate(entry_record(row)) for row in rows]
    return AuditPage(items=items, next_after=page.next_after([i.seq for i in items]))
