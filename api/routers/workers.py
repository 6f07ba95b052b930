"""``/workers``: candidates of the caller's agency (officers: of every agency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.routers.record_routes import Filters, RecordRoutes, record_routers
from api.schemas import WorkerCard, WorkerPage
from api.storage.store import WORKERS
from models.worker import Education, Worker

__all__ = ["router", "upload_router"]

router, upload_router = record_routers("/workers", "workers")


def _filters(education: Annotated[Education | None, Query()] = None) -> Filters:
    return {"education": education}


RecordRoutes(
    WORKERS,
    Worker,
    "worker",
    filters=_filters,
    page_model=WorkerPage,
    list_doc=(
        "List workers in (agency_id, id) order, a page at a time.\n\n"
        "Agencies see their own; officers every agency's; auditors every agency's as cards\n"
        "without personal data."
    ),
    read_model=Worker | WorkerCard,
    read_doc="One worker (auditors: the card without personal data).",
).add_to(router, upload_router)
