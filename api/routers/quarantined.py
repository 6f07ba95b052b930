"""``/quarantine``: stored records the server could not read at start-up (officers only).

See :mod:`api.storage.quarantine`. An entry says which record (kind, agency, id), why (the
fields and their problems) and when; the stored bytes stay in the database for whoever
repairs the record. Dismissing an entry (once the record is written again, or given up)
is audited.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import select

from api.audit.log import entry_values, write_entry
from api.deps import Officer, ServerDep
from api.http.errors import NotFoundError, responses, safe_text
from api.http.params import LogPageQuery
from api.schemas import QuarantineEntry, QuarantinePage, QuarantineProblem
from api.storage.database import read_session, write_session
from api.storage.tables import QuarantineRow

__all__ = ["router"]

router = APIRouter(prefix="/quarantine", tags=["quarantine"], responses=responses(401, 403, 503))


def _entry(row: QuarantineRow) -> QuarantineEntry:
    problems = [
        QuarantineProblem(
            field=safe_text(str(p.get("field", ""))),
            type=safe_text(str(p.get("type", ""))),
            message=safe_text(str(p.get("message", ""))),
        )
        for p in json.loads(row.problems)
    ]
    return QuarantineEntry(
        seq=row.seq,
        kind=row.kind,
        agency_id=row.agency_id,
        id=row.record_id,
        problems=problems,
        quarantined_at=row.quarantined_at,
    )


@router.get("", response_model=QuarantinePage)
def list_quarantined(
    principal: Officer,
    server: ServerDep,
    page: LogPageQuery,
) -> QuarantinePage:
    """Quarantined records, oldest first, a page at a time."""
    query = (
        select(QuarantineRow)
        .where(QuarantineRow.seq > page.after)
        .order_by(QuarantineRow.seq)
        .limit(page.limit)
    )
    with read_session(server.engine) as session:
        items = [_entry(row) for row in session.scalars(query)]
    return QuarantinePage(items=items, next_after=page.next_after([i.seq for i in items]))


@router.delete("/{seq}", status_code=204, responses=responses(404))
def dismiss(
    seq: Annotated[int, Path(ge=1, le=2**62)], principal: Officer, server: ServerDep
) -> Response:
    """Dismiss an entry (the record was written again, or is given up); its bytes go too."""
    with write_session(server.engine) as session:
        row = session.get(QuarantineRow, seq)
        if row is None:
            raise NotFoundError(f"no quarantine entry {seq}")
        target = f"{row.agency_id}/{row.record_id}" if row.agency_id else row.record_id
        session.delete(row)
        write_entry(
            session,
            entry_values(
                principal,
                "quarantine.dismiss",
                target=target,
                params={"kind": row.kind},
                result_ids=[],
                versions=server.ranking.versions,
            ),
        )
    return Response(status_code=204)
