"""The last line of defence: an exception no handler took becomes a 500, logged redacted.

No request a client can send should get here (docs/api.md); if one does, the answer is
``500 {"detail": "internal error; it has been logged"}`` and the log has the route and a
traceback without messages (:func:`api.http.safe_logging.redacted_traceback`). Starlette
would otherwise re-raise the exception for the server to print, message and all.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.safe_logging import redacted_traceback

__all__ = ["INTERNAL_ERROR", "InternalErrors"]

INTERNAL_ERROR = "internal error; it has been logged"
_BODY_LIMIT = "starlette.middleware.body_limit"
_log = logging.getLogger("selaras.api")


class InternalErrors:
    """ASGI middleware that answers and logs the exceptions the app did not handle."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Call the app; turn an unhandled exception into a logged 500."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as error:
            if isinstance(error, HTTPException) or type(error).__module__ == _BODY_LIMIT:
                raise  # the body limit's own signals, answered further out

            route = getattr(scope.get("route"), "path", None) or scope.get("path", "?")
            _log.error(
                "internal error on %s %s\n%s", scope.get("method"), route, redacted_traceback(error)
            )
            if not started:
                await JSONResponse({"detail": INTERNAL_ERROR}, 500)(scope, receive, send)
