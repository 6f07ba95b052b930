"""``/job-orders``: job orders of the caller's agency (officers: of every agency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.routers.record_routes import Filters, RecordRoutes, record_routers
from api.schemas import JobOrderPage
from api.storage.store import JOB_ORDERS
from models.common import CountryCode, Programme
from models.vacancy import Vacancy

__all__ = ["router", "upload_router"]

router, upload_router = record_routers("/job-orders", "job orders")


def _filters(
    country: Annotated[CountryCode | None, Query()] = None,
    programme: Annotated[Programme | None, Query()] = None,
) -> Filters:
    return {"country": country, "programme": programme}


RecordRoutes(
    JOB_ORDERS,
    Vacancy,
    "job_order",
    filters=_filters,
    page_model=JobOrderPage,
    list_doc=(
        "List job orders in (agency_id, id) order, a page at a time.\n\n"
        "Agencies see their own; officers and auditors every agency's."
    ),
    read_model=Vacancy,
    read_doc="One job order.",
).add_to(router, upload_router)
