"""Which requests raise webhook events: watched from outside the routes, after the answer.

An ASGI middleware: once a request has been answered with a 2xx, it tells the
:class:`api.webhooks.delivery.Dispatcher` what happened (a queue put, never a wait):

* a bulk upload of an agency's key: ``upload.finished`` for that agency, with the
  upload's counts (an officer's upload of several agencies' records raises none);
* any write of job orders or of the agency register: a check for newly refused job
  orders (``job_order.refused``), made by the dispatcher's thread;
* any write of workers, job orders or the register: a check of the rankings endpoints
  watch (``ranking.changed``), made by the dispatcher's thread.

``round.finished`` needs no request: the dispatcher sees finished batch runs in the store.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import Server
from api.storage.database import read_session
from api.storage.tables import VacancyRow

__all__ = ["WebhookEvents", "refused_job_orders", "top_rankings"]

_UPLOADS = {"/workers/bulk": "workers", "/job-orders/bulk": "job_orders"}
_CHANGES_REFUSALS = re.compile(r"^/(job-orders|agencies)(/|$)")
_CHANGES_RANKINGS = re.compile(r"^/(workers|job-orders|agencies)(/|$)")
_WRITES = ("POST", "PUT", "PATCH", "DELETE")


class WebhookEvents:
    """ASGI middleware: raise the events of answered writes (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; after a 2xx write, queue its events."""
        method, path = scope.get("method"), scope.get("path", "")
        watched = _CHANGES_RANKINGS.match(path) is not None
        if scope["type"] != "http" or method not in _WRITES or not watched:
            await self.app(scope, receive, send)
            return
        status = 500
        chunks: list[bytes] = []

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and path in _UPLOADS:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, watch)
        if not 200 <= status < 300:
            return
        dispatcher = getattr(scope["app"].state, "webhooks", None)
        if dispatcher is None:
            return
        if _CHANGES_REFUSALS.match(path):
            dispatcher.job_orders_changed()
        dispatcher.records_changed()
        if path in _UPLOADS:
            agency_id = self._agency_of(scope)
            if agency_id is not None:
                report = json.loads(b"".join(chunks))
                data = {
                    "kind": _UPLOADS[path],
                    "created": report.get("created"),
                    "updated": report.get("updated"),
                    "warning_count": report.get("warning_count"),
                }
                dispatcher.emit("upload.finished", agency_id, data)

    @staticmethod
    def _agency_of(scope: Scope) -> str | None:
        """The agency of the caller's key (None for officers)."""
        scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        principal = scope["app"].state.server.keys.authenticate(token.strip())
        return None if principal is None else principal.agency_id


def refused_job_orders(server: Server) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The stored job orders screening refuses today, by ``(agency_id, id)``, with reasons."""
    found = server.ranking.refusals(
        agencies=server.agencies, as_of=dt.date.today(), scope=None, lang="en"
    )
    return {(r["agency_id"], r["vacancy_id"]): r["reasons"] for r in found}


def top_rankings(server: Server, agency_id: str, k: int) -> dict[str, list[str]]:
    """The worker ids of the top ``k`` of each of an agency's stored job orders (over the
    agency's own workers, as its key sees them), today; refused job orders rank nobody."""
    today = dt.date.today()
    with read_session(server.engine) as session:
        ids = list(session.scalars(select(VacancyRow.id).where(VacancyRow.agency_id == agency_id)))
    found: dict[str, list[str]] = {}
    for job_order_id in ids:
        try:
            order = server.ranking.stored_job_order(job_order_id, agency_id)
        except LookupError:
            continue  # deleted meanwhile
        ranked = server.ranking.candidates(
            order,
            agencies=server.agencies,
            as_of=today,
            k=k,
            include_ineligible=False,
            agency_id=agency_id,
            lang="en",
        )
        found[job_order_id] = [r["worker_id"] for r in ranked.records()]
    return found
