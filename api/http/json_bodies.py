"""JSON request bodies: at most 1 MiB, and strict JSON, checked before any route reads them.

FastAPI parses a JSON body with Python's ``json`` module, which accepts ``NaN``,
``Infinity``, ``1e400`` (read as infinity) and lone surrogates (``"\\ud800"``): values no
JSON answer can carry and no store should hold. This middleware reads a JSON body whole,
refuses it with 413 past :data:`api.settings.MAX_JSON_BODY_BYTES` (a declared length is
refused before, by ``api.http.body_limits``) and with 422 when it is not strict JSON
(:mod:`models.strict_json`), and otherwise hands the very same bytes on. Other bodies
(multipart uploads) pass untouched; their routes have their own size limits.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import safe_text
from models.strict_json import JsonError
from models.strict_json import loads as strict_loads

__all__ = ["StrictJsonBodies"]


def _is_json(headers: Headers) -> bool:
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class StrictJsonBodies:
    """ASGI middleware: bound and check JSON request bodies (see the module docstring).

    Parameters
    ----------
    app : ASGI application
    max_bytes : int
        The largest JSON body accepted.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the body of a JSON request, then call the app."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        # Only these methods take a body here; a GET's body is never read.
        if scope.get("method") not in ("POST", "PUT", "PATCH") or not _is_json(headers):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body.strip():
            try:
                strict_loads(body)
            except JsonError as error:
                problem = {
                    "loc": ["body"],
                    "msg": safe_text(f"invalid JSON: {error}"),
                    "type": "json_invalid",
                }
                await JSONResponse({"detail": [problem]}, 422)(scope, receive, send)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"a JSON body is at most {self.max_bytes:,} bytes"
        await JSONResponse({"detail": detail}, 413)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then waits on the client as usual."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
