"""ETag and If-Match on single records: an update says which version it replaces.

Every ``GET`` of one worker, job order or agency (``/workers/{id}``, ``/job-orders/{id}``,
``/agencies/{id}``) answers with a strong ``ETag``: a hash of the record as sent. An
update (``PUT`` or ``DELETE`` of such a path, ``PATCH /agencies/{id}/licence``) sent with
``If-Match`` is applied only when the record is still the version named; otherwise it
is answered ``412 Precondition Failed`` and nothing changes, so an agency system never
overwrites a change it has not seen (RFC 9110, section 13.1.1). ``If-Match: *`` requires
that the record exists. An update without ``If-Match`` is applied as before. The answer
of an update carries the new version's ``ETag``; ``If-None-Match`` on a ``GET`` gives
``304 Not Modified`` when the record has not changed.

The version is read with the caller's own ``GET`` (so an agency can only name the
versions of records it may see), and conditional updates run one at a time, so nothing
conditional can slip between the check and the write.
"""

from __future__ import annotations

import re

import anyio
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.etags import etag_of, not_modified

__all__ = ["Preconditions"]

_RECORD = re.compile(r"^/(workers|job-orders|agencies)/[^/]+$")
_LICENCE = re.compile(r"^(/agencies/[^/]+)/licence$")
_UPDATES = ("PUT", "DELETE", "PATCH")


def _resource(method: str, path: str) -> str | None:
    """The record path an update of ``path`` changes (None: not a record update)."""
    if method in ("PUT", "DELETE") and _RECORD.match(path):
        return path
    licence = _LICENCE.match(path)
    return licence.group(1) if method == "PATCH" and licence else None


class Preconditions:
    """ASGI middleware: ETags on record reads, If-Match on record updates.

    Parameters
    ----------
    app : ASGI application
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._conditional = anyio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Tag a read, or check an update's precondition before applying it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", ""), scope.get("path", "")
        headers = Headers(scope=scope)
        if method == "GET" and _RECORD.match(path):
            status, start, body = await self._capture(scope, receive)
            etag = etag_of(body) if status == 200 else None
            if etag is not None and not_modified(headers.get("if-none-match"), etag):
                await _send(send, 304, [(b"etag", etag.encode())], b"")
                return
            await _send(send, status, _with_etag(start, etag), body)
            return
        resource = _resource(method, path)
        if resource is None:
            await self.app(scope, receive, send)
            return
        if_match = headers.get("if-match")
        if if_match is None:
            await self._tagged(scope, receive, send)
            return
        async with self._conditional:
            read = {**scope, "method": "GET", "path": resource, "raw_path": resource.encode()}
            status, _, body = await self._capture(read, _empty)
            if status in (401, 403, 429):
                # A key that may not read the record is answered as without If-Match
                # (its own 401, 403 or 429 from the route), not with a failed condition.
                await self._tagged(scope, receive, send)
                return
            if status != 200 or not _matches(if_match, etag_of(body)):
                detail = (
                    "the record does not exist"
                    if status == 404
                    else "the record changed since the version If-Match names; read it again"
                )
                response = JSONResponse({"detail": detail}, status_code=412)
                await response(scope, receive, send)
                return
            await self._tagged(scope, receive, send)

    async def _tagged(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Apply an update; a 200/201 answer with the record gets its new ETag."""
        status, start, body = await self._capture(scope, receive)
        etag = etag_of(body) if status in (200, 201) and body else None
        await _send(send, status, _with_etag(start, etag), body)

    async def _capture(
        self, scope: Scope, receive: Receive
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, keep)
        return status, headers, b"".join(chunks)


def _matches(if_match: str, etag: str) -> bool:
    # If-Match compares strongly: a weak tag (W/"...") never matches (RFC 9110 13.1.1).
    tags = [t.strip() for t in if_match.split(",")]
    return "*" in tags or etag in tags


def _with_etag(headers: list[tuple[bytes, bytes]], etag: str | None) -> list[tuple[bytes, bytes]]:
    kept = [(n, v) for n, v in headers if n.lower() not in (b"etag", b"content-length")]
    return kept if etag is None else [*kept, (b"etag", etag.encode())]


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _empty() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
