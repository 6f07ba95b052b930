"""Webhook deliveries in the background: events become signed messages, retried with backoff.

Requests never wait for a delivery: an event is put on a queue (:meth:`Dispatcher.emit`)
and one background thread turns it into one ``webhook_deliveries`` row per endpoint that
chose the event, then sends every delivery that is due. A delivery is a ``POST`` of a
JSON body signed the Standard Webhooks way (:mod:`matcher.webhooks.signing`); a 2xx answer
delivers it, anything else (another status, a redirect, a refused or unreachable target, a
timeout of :data:`TIMEOUT_S`) is retried after the delays of
:func:`matcher.webhooks.backoff.retry_delays` (seeded with the message id), and after
:data:`RETRIES` retries the delivery is ``failed``. A failed or delivered message can be
replayed (same message id, a new timestamp and signature).

Each attempt checks the URL again (:func:`matcher.webhooks.ssrf.check_url`, with the
officer's allow-list) and connects to an address that check returned, never resolving the
name a second time (DNS rebinding); the host goes in the ``Host`` header and, for https,
as the TLS server name.

Events (the body's ``type``): ``job_order.refused`` (a stored job order that screening
now refuses), ``ranking.changed`` (the top ``k`` of one of the agency's job orders, over
its own workers, is not what it was), ``round.finished`` (a batch run finished, failed or
was cancelled), ``upload.finished`` (an agency's bulk upload was applied). The state they
are derived from (refused job orders, rankings, finished runs) is read in the background
thread, after the request that changed it has been answered.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import queue
import secrets
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

from api.storage.database import read_session, write_session
from api.storage.integration_tables import WebhookAllowRow, WebhookDeliveryRow, WebhookEndpointRow
from api.storage.tables import BatchRunRow
from matcher.webhooks.backoff import retry_delays
from matcher.webhooks.signing import new_message_id, signature_headers
from matcher.webhooks.ssrf import AllowList, ResolvedTarget, UnsafeTargetError, check_url

__all__ = ["EVENTS", "RETRIES", "TIMEOUT_S", "Dispatcher", "Event", "allow_list"]

Event = Literal["job_order.refused", "ranking.changed", "round.finished", "upload.finished"]
EVENTS: tuple[str, ...] = get_args(Event)
RETRIES = 8
"""Retries after the first attempt (about two days with the default delays)."""
TIMEOUT_S = 5.0
"""A receiver that does not answer within this is a failed attempt."""
_log = logging.getLogger("selaras.api")
_TICK_S = 0.2
_FINISHED = ("done", "failed", "cancelled")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def allow_list(engine: Engine) -> AllowList:
    """The officer's allow-list as stored."""
    with read_session(engine) as session:
        return AllowList.of(session.scalars(select(WebhookAllowRow.entry)))


@dataclass(frozen=True)
class _Emitted:
    event: Event
    agency_id: str | None  # None: every agency's endpoints that chose the event
    data: Mapping[str, Any]


class Dispatcher:
    """The background thread that creates and sends deliveries.

    Parameters
    ----------
    engine : Engine
        The store.
    refusals : callable
        Returns the refused job orders now, as ``(agency_id, job_order_id)`` pairs with
        their reasons (the live pool's screening).
    rankings : callable
        ``(agency_id, k)`` -> the worker ids of the top ``k`` of each of the agency's job
        orders, over its own workers, by job-order id.
    first_delay_s : float
        The wait before the first retry (tests shorten it).
    """

    def __init__(
        self,
        engine: Engine,
        refusals: Callable[[], Mapping[tuple[str, str], list[dict[str, Any]]]],
        rankings: Callable[[str, int], Mapping[str, list[str]]],
        *,
        first_delay_s: float = 5.0,
    ) -> None:
        self.engine = engine
        self.first_delay_s = first_delay_s
        self._refusals = refusals
        self._rankings = rankings
        self._tops: dict[str, Mapping[str, list[str]]] = {}  # by endpoint id
        self._queue: queue.Queue[_Emitted | str] = queue.Queue()
        self._stop = threading.Event()
        self._refused = set(refusals())
        with read_session(engine) as session:
            self._announced = set(
                session.scalars(select(BatchRunRow.id).where(BatchRunRow.status.in_(_FINISHED)))
            )
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)
        self._thread.start()

    def emit(self, event: Event, agency_id: str | None, data: Mapping[str, Any]) -> None:
        """Queue an event (never blocks)."""
        self._queue.put(_Emitted(event, agency_id, data))

    def job_orders_changed(self) -> None:
        """Queue a check for newly refused job orders (after a job-order write)."""
        self._queue.put("job_orders")

    def records_changed(self) -> None:
        """Queue a check of the watched rankings (after a worker or job-order write)."""
        self._queue.put("rankings")

    def wake(self) -> None:
        """Send what is due now (after a replay)."""
        self._queue.put("wake")

    def close(self) -> None:
        """Stop the thread (pending deliveries stay stored for the next start)."""
        self._stop.set()
        self._queue.put("stop")
        self._thread.join(timeout=TIMEOUT_S + 1)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=_TICK_S)
            except queue.Empty:
                item = None
            try:
                if isinstance(item, _Emitted):
                    self._fan_out(item)
                elif item == "job_orders":
                    self._check_refusals()
                elif item == "rankings":
                    self._check_rankings()
                self._check_rounds()
                self._send_due()
            except Exception as error:
                # The thread must outlive one bad tick (a busy store): what is stored is
                # tried again on the next. Only the type is logged: a message may quote data.
                _log.warning("webhook delivery tick failed: %s", type(error).__name__)

    def _check_refusals(self) -> None:
        now = self._refusals()
        for key in now.keys() - self._refused:
            data = {"agency_id": key[0], "job_order_id": key[1], "reasons": now[key]}
            self._fan_out(_Emitted("job_order.refused", key[0], data))
        self._refused = set(now)

    def _check_rankings(self) -> None:
        """Compare each watching endpoint's rankings with the last ones it was sent."""
        with read_session(self.engine) as session:
            watching = [
                (row.id, row.agency_id, row.top_k)
                for row in session.scalars(select(WebhookEndpointRow))
                if "ranking.changed" in json.loads(row.events)
            ]
        for endpoint_id, agency_id, k in watching:
            now = self._rankings(agency_id, k)
            before = self._tops.get(endpoint_id)
            self._tops[endpoint_id] = now
            if before is None:
                continue  # the first look: what later changes are compared with
            for job_order_id in sorted(now.keys() | before.keys()):
                old, new = before.get(job_order_id, []), now.get(job_order_id, [])
                if old != new:
                    data = {
                        "agency_id": agency_id,
                        "job_order_id": job_order_id,
                        "top_k": k,
                        "before": old,
                        "after": new,
                    }
                    self._fan_out(_Emitted("ranking.changed", agency_id, data), endpoint_id)

    def _check_rounds(self) -> None:
        with read_session(self.engine) as session:
            rows = session.execute(
                select(BatchRunRow.id, BatchRunRow.status, BatchRunRow.finished_at).where(
                    BatchRunRow.status.in_(_FINISHED)
                )
            ).all()
        for run_id, status, finished_at in rows:
            if run_id in self._announced:
                continue
            self._announced.add(run_id)
            finished = None if finished_at is None else finished_at.isoformat()
            data = {"run_id": run_id, "status": status, "finished_at": finished}
            self._fan_out(_Emitted("round.finished", None, data))

    def _fan_out(self, emitted: _Emitted, endpoint_id: str | None = None) -> None:
        """One pending delivery per endpoint that chose the event (or to one endpoint)."""
        with write_session(self.engine) as session:
            query = select(WebhookEndpointRow)
            if endpoint_id is not None:
                query = query.where(WebhookEndpointRow.id == endpoint_id)
            if emitted.agency_id is not None:
                query = query.where(WebhookEndpointRow.agency_id == emitted.agency_id)
            for endpoint in session.scalars(query):
                if emitted.event not in json.loads(endpoint.events):
                    continue
                message_id = new_message_id()
                body = {
                    "type": emitted.event,
                    "timestamp": _now().isoformat(),
                    "data": dict(emitted.data),
                }
                session.add(
                    WebhookDeliveryRow(
                        id="dlv_" + secrets.token_hex(8),
                        endpoint_id=endpoint.id,
                        event=emitted.event,
                        message_id=message_id,
                        body=json.dumps(body, ensure_ascii=False).encode(),
                        status="pending",
                        attempts=0,
                        next_attempt_at=_now(),
                        created_at=_now(),
                    )
                )

    def _send_due(self) -> None:
        with read_session(self.engine) as session:
            due = list(
                session.scalars(
                    select(WebhookDeliveryRow.id)
                    .where(
                        WebhookDeliveryRow.status == "pending",
                        WebhookDeliveryRow.next_attempt_at <= _now(),
                    )
                    .order_by(WebhookDeliveryRow.next_attempt_at)
                    .limit(100)
                )
            )
        allow = allow_list(self.engine) if due else AllowList()
        for delivery_id in due:
            if self._stop.is_set():
                return
            self._attempt(delivery_id, allow)

    def _attempt(self, delivery_id: str, allow: AllowList) -> None:
        with read_session(self.engine) as session:
            delivery = session.get(WebhookDeliveryRow, delivery_id)
            endpoint = (
                None if delivery is None else session.get(WebhookEndpointRow, delivery.endpoint_id)
            )
        if delivery is None or endpoint is None:
            return
        status, error = deliver(
            endpoint.url, endpoint.secret, delivery.message_id, delivery.body, allow
        )
        attempts = delivery.attempts + 1
        with write_session(self.engine) as session:
            row = session.get(WebhookDeliveryRow, delivery_id)
            if row is None:
                return
            row.attempts, row.last_status, row.last_error = attempts, status, error
            if status is not None and 200 <= status < 300:
                row.status, row.delivered_at, row.next_attempt_at = "delivered", _now(), None
            elif attempts > RETRIES:
                row.status, row.next_attempt_at = "failed", None
            else:
                delays = retry_delays(RETRIES, seed=row.message_id, first_s=self.first_delay_s)
                row.next_attempt_at = _now() + dt.timedelta(seconds=delays[attempts - 1])


def deliver(
    url: str, secret: str, message_id: str, body: bytes, allow: AllowList
) -> tuple[int | None, str | None]:
    """One attempt: ``(HTTP status, None)``, or ``(status or None, why it failed)``."""
    try:
        target = check_url(url, allow=allow)
    except UnsafeTargetError as error:
        _log.warning("webhook delivery %s refused: %s", message_id, error.detail)
        return None, f"refused target: {error}"
    timestamp = int(_now().timestamp())
    headers = {
        **signature_headers([secret], message_id=message_id, timestamp=timestamp, body=body),
        "Content-Type": "application/json",
        "User-Agent": "Selaras-Webhooks/1",
    }
    last_error = "no address to connect to"
    for address in target.addresses:
        connection = _connection(target, str(address))
        try:
            connection.request("POST", _path(target.url), body=body, headers=headers)
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException) as error:
            last_error = f"{type(error).__name__}: {error}"
            continue
        finally:
            connection.close()
        if 300 <= status < 400:
            return status, "redirects are not followed"
        return status, None if 200 <= status < 300 else f"answered {status}"
    return None, last_error


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _connection(target: ResolvedTarget, address: str) -> http.client.HTTPConnection:
    """A connection to the checked ``address`` that presents ``target.host``."""
    if target.scheme == "http":
        connection = http.client.HTTPConnection(address, target.port, timeout=TIMEOUT_S)
    else:
        connection = _PinnedHttps(address, target.port, target.host)
    connection.putheader = _with_host(connection.putheader, target)  # type: ignore[method-assign]
    return connection


def _with_host(putheader: Callable[..., None], target: ResolvedTarget) -> Callable[..., None]:
    default = target.port == (443 if target.scheme == "https" else 80)
    host = target.host if ":" not in target.host else f"[{target.host}]"
    value = host if default else f"{host}:{target.port}"

    def put(header: str, *values: Any) -> None:
        putheader(header, *((value,) if header.lower() == "host" else values))

    return put


class _PinnedHttps(http.client.HTTPSConnection):
    """HTTPS to a fixed address, verifying the certificate of ``server_name``."""

    def __init__(self, address: str, port: int, server_name: str) -> None:
        super().__init__(address, port, timeout=TIMEOUT_S, context=ssl.create_default_context())
        self._server_name = server_name

    def connect(self) -> None:
        """Open TCP to the address, TLS with the host's name (SNI and certificate)."""
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self._server_name)  # type: ignore[attr-defined]
