"""``Idempotency-Key`` on every POST: a retried request gets the first answer, once.

An agency system that sends ``POST /job-orders`` and loses the connection cannot tell
whether the job order was created. With an ``Idempotency-Key`` header (any 1 to 255
printable ASCII characters the client chooses, typically a UUID), it can send the same
request again: the first successful (2xx) answer is stored, and a request with the same key
from the same caller and the same method, path, query and body gets that answer again,
marked ``Idempotent-Replayed: true``, without the work being done twice. The same key with
another request is a 422 (the key was reused by mistake); while the first request is still
running, a second one with its key is a 409 (retry later). Answers other than 2xx are not
stored: a request that failed may be retried to succeed. The answer of ``POST /keys`` is
never stored either: it holds the new API key, which the store keeps only as a hash, so a
request there with a key is refused (422) rather than half honoured.

The caller is the SHA-256 of its ``Authorization`` header (keys are never stored), so two
callers never see each other's answers. Only a caller whose key holds now is answered here:
a request without a valid key (none, unknown or revoked since the first answer) goes to the
routes, which refuse it (401) as they refuse any request without one, so a revoked key
replays nothing and a malformed ``Idempotency-Key`` tells an unauthenticated caller nothing
before its 401. Stored answers are kept 24 hours
(:data:`KEEP_FOR`). The behaviour follows the IETF draft "The Idempotency-Key HTTP Header
Field" (draft-ietf-httpapi-idempotency-key-header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Protocol

import anyio
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.storage.database import read_session, write_session
from api.storage.integration_tables import IdempotentRequestRow

__all__ = ["KEEP_FOR", "Idempotency"]

KEEP_FOR = dt.timedelta(hours=24)
"""How long an answer is replayed for its key."""
_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")
_BOUNDARY = re.compile(r"^multipart/[^;]*;.*\bboundary=(\"[^\"]+\"|[^;\s]+)", re.IGNORECASE)
_REPLAYED = (b"idempotent-replayed", b"true")
_SECRET_ANSWERS = frozenset({"/keys"})
"""POSTs whose answer holds a secret the store keeps only hashed (a new API key)."""
# Headers of the first answer that must not be replayed as they were.
_NOT_REPLAYED = {b"content-length", b"date", b"server"}


class KeyHolder(Protocol):
    """What the server's key check offers this middleware (``state.server.keys``)."""

    def authenticate(self, key: str) -> object | None:
        """The principal a presented key stands for, or None if it is unknown or revoked."""


def _authenticated(scope: Scope, headers: Headers) -> bool:
    """Whether the request's bearer key holds now, read as the routes' ``HTTPBearer`` reads
    the header and checked by the same lookup (``api.access.keys.KeyChecker``)."""
    scheme, credentials = get_authorization_scheme_param(headers.get("authorization"))
    if scheme.lower() != "bearer" or not credentials:
        return False
    keys: KeyHolder = scope["app"].state.server.keys
    return keys.authenticate(credentials) is not None


class Idempotency:
    """ASGI middleware: store and replay the answers of POSTs with an Idempotency-Key.

    Parameters
    ----------
    app : ASGI application
        The app; its ``state.server.engine`` is the store the answers are kept in.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._running: set[tuple[str, str]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Replay, refuse or run (and remember) one request."""
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None or not _authenticated(scope, headers):
            await self.app(scope, receive, send)
            return
        if not _KEY.match(key):
            detail = "Idempotency-Key must be 1 to 255 printable ASCII characters"
            await _answer(scope, receive, send, 422, detail)
            return
        if scope.get("path") in _SECRET_ANSWERS:
            detail = (
                "this answer holds a secret shown once and is never stored, so it cannot "
                "be replayed: send the request without Idempotency-Key"
            )
            await _answer(scope, receive, send, 422, detail)
            return
        body = await _body(receive)
        caller = hashlib.sha256(headers.get("authorization", "").encode()).hexdigest()
        fingerprint = _fingerprint(scope, headers, body)
        engine = scope["app"].state.server.engine
        stored = await anyio.to_thread.run_sync(_stored, engine, caller, key)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                detail = "this Idempotency-Key was used with another request; use a new key"
                await _answer(scope, receive, send, 422, detail)
                return
            await _replay(stored, send)
            return
        if (caller, key) in self._running:
            detail = "a request with this Idempotency-Key is still running; retry later"
            await _answer(scope, receive, send, 409, detail)
            return
        self._running.add((caller, key))
        try:
            status, answer_headers, chunks, messages = await self._run(scope, body)
            try:
                # Stored before it is sent: a retry that arrives as soon as the client
                # has the answer finds it (not "still running"), and a server that dies
                # between the two never runs the request twice.
                if 200 <= status < 300:
                    row = IdempotentRequestRow(
                        caller=caller,
                        key=key,
                        fingerprint=fingerprint,
                        status=status,
                        headers=json.dumps(
                            [[n.decode("latin-1"), v.decode("latin-1")] for n, v in answer_headers]
                        ),
                        body=b"".join(chunks),
                        created_at=dt.datetime.now(dt.UTC),
                    )
                    await anyio.to_thread.run_sync(_store, engine, row)
            finally:
                for message in messages:
                    await send(message)
        finally:
            self._running.discard((caller, key))

    async def _run(
        self, scope: Scope, body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], list[bytes], list[Message]]:
        """Call the app with the body read, keeping its answer (its status, the headers to
        replay, the body and every message, to send once the answer is stored)."""
        given = False

        async def replay_body() -> Message:
            nonlocal given
            if given:
                return {"type": "http.disconnect"}
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 500
        kept: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                kept.extend((n, v) for n, v in message.get("headers", []) if n not in _NOT_REPLAYED)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            messages.append(message)

        await self.app(scope, replay_body, keep)
        return status, kept, chunks, messages


async def _body(receive: Receive) -> bytes:
    """The whole request body (its size is bounded by ``api.http.body_limits`` outside)."""
    chunks = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _fingerprint(scope: Scope, headers: Headers, body: bytes) -> str:
    """The SHA-256 of method, path, query and body.

    A multipart body (a bulk upload) is taken without its boundary: a client picks a new
    random one for every request, retries included.
    """
    boundary = _BOUNDARY.search(headers.get("content-type", ""))
    if boundary is not None:
        body = body.replace(boundary.group(1).strip('"').encode("latin-1"), b"")
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode()):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _stored(engine: Engine, caller: str, key: str) -> IdempotentRequestRow | None:
    with read_session(engine) as session:
        row = session.get(IdempotentRequestRow, (caller, key))
        if row is None or row.created_at < dt.datetime.now(dt.UTC) - KEEP_FOR:
            return None
        return row


def _store(engine: Engine, row: IdempotentRequestRow) -> None:
    expired = dt.datetime.now(dt.UTC) - KEEP_FOR
    try:
        with write_session(engine) as session:
            session.execute(
                delete(IdempotentRequestRow).where(
                    (IdempotentRequestRow.created_at < expired)
                    | (
                        (IdempotentRequestRow.caller == row.caller)
                        & (IdempotentRequestRow.key == row.key)
                    )
                )
            )
            session.add(row)
    except IntegrityError:
        pass  # another server process stored the same key first: its answer stands


async def _replay(stored: IdempotentRequestRow, send: Send) -> None:
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in json.loads(stored.headers)]
    headers += [(b"content-length", str(len(stored.body)).encode()), _REPLAYED]
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})


async def _answer(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    await JSONResponse({"detail": detail}, status_code=status)(scope, receive, send)
