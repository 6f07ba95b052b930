"""``/health``: is the server up and its store reachable (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import ServerDep
from api.http.errors import responses
from api.schemas import Health
from api.storage.database import read_session
from api.storage.quarantine import count_quarantined

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses=responses(503))
def health(server: ServerDep) -> Health:
    """``ok`` when the store answers; 503 when it does not.

    ``quarantined`` counts stored records the server could not read at start-up and took
    out of service (officers list them at ``GET /quarantine``).
    """
    with read_session(server.engine) as session:
        session.execute(text("SELECT 1"))
        quarantined = count_quarantined(session)
    return Health(
        status="ok",
        database=server.engine.dialect.name,
        versions=server.ranking.versions,
        quarantined=quarantined,
    )
