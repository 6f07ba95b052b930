"""Body size limits answered before a body is read, as JSON.

Every route has a body limit (FastAPI's, set per router in ``api.app``): 1 MiB, and
``SELARAS_MAX_UPLOAD_MB`` for the bulk uploads. When ``Content-Length`` already says a
body is over the limit of its path, this middleware answers ``413 {"detail": ...}`` at
once; Starlette's own check would answer in plain text, and only after the route began.
A body without a length is counted as it is read, by the routes' limits (and by
``api.http.json_bodies`` for JSON).
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BodyLimits"]


class BodyLimits:
    """ASGI middleware: refuse a declared body over the limit of its path.

    Parameters
    ----------
    app : ASGI application
    max_bytes : int
        The limit of every path but the uploads.
    upload_paths : collection of str
        Paths of the bulk uploads.
    max_upload_bytes : int
        Their limit.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_paths: Collection[str], max_upload_bytes: int
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_paths = frozenset(upload_paths)
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 for a declared body over the limit, else call the app."""
        if scope["type"] == "http":
            declared = Headers(scope=scope).get("content-length", "")
            uploads = scope.get("path") in self.upload_paths
            limit = self.max_upload_bytes if uploads else self.max_bytes
            if declared.isascii() and declared.isdigit() and int(declared) > limit:
                what = "an upload" if uploads else "a request body"
                detail = f"{what} is at most {limit:,} bytes; this one declares {int(declared):,}"
                await JSONResponse({"detail": detail}, 413)(scope, receive, send)
                return
        await self.app(scope, receive, send)
