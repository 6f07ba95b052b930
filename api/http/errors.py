"""HTTP errors: every status the API answers besides 2xx comes from here.

Bodies are ``{"detail": "message"}``, and for 422 the shape FastAPI gives invalid
requests, ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}``, so a client reads
field paths the same way whether the route or the framework found the problem. A record
of another agency is answered with the very same 404 as a missing one.

A 422 never echoes the rejected value (it may be personal data, or something JSON cannot
carry: NaN, a lone surrogate); its text is always valid Unicode and bounded in length,
and at most :data:`MAX_LISTED_PROBLEMS` problems are listed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException

from models.common import error_message
from models.files import MAX_LISTED_PROBLEMS

__all__ = [
    "ApiError",
    "ConflictError",
    "ErrorBody",
    "ForbiddenError",
    "NotFoundError",
    "TooManyRequestsError",
    "UnauthorizedError",
    "UnprocessableError",
    "ValidationBody",
    "install_handlers",
    "problem_body",
    "responses",
    "safe_text",
]


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer except 422."""

    detail: str


class ValidationProblem(BaseModel):
    """One invalid part of a request: where (``loc``) and what is wrong."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationBody(BaseModel):
    """The body of a 422 answer (FastAPI's own shape)."""

    detail: list[ValidationProblem]


_DESCRIPTIONS = {
    401: "No API key, or an unknown or revoked one.",
    403: "The key's role (or agency) may not do this.",
    404: "No such record, or one of another agency (the same answer).",
    409: "The id is taken, or several agencies use it (pass agency_id).",
    413: "The request body is larger than the limit.",
    429: "Too many requests for this key, or failed keys from this address (Retry-After).",
    503: "The store is unavailable or busy; retry.",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


class ApiError(Exception):
    """An error answered with ``status_code`` and ``{"detail": detail}``."""

    status_code = 500
    headers: dict[str, str] | None = None

    def __init__(self, detail: Any) -> None:
        super().__init__(detail)
        self.detail = detail


class UnauthorizedError(ApiError):
    """No key, or a key that is unknown or revoked."""

    status_code = 401
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012 - a class constant


class ForbiddenError(ApiError):
    """The key's role may not do this."""

    status_code = 403


class NotFoundError(ApiError):
    """No such record, or one the caller may not see."""

    status_code = 404


class ConflictError(ApiError):
    """The request clashes with the stored state (id taken, id ambiguous)."""

    status_code = 409


class TooManyRequestsError(ApiError):
    """The key's rate limit, or the address's failed-authentication allowance, is spent."""

    status_code = 429

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(max(1, math.ceil(retry_after)))}


class UnprocessableError(ApiError):
    """A well-formed request whose content is invalid; ``detail`` is a list of problems."""

    status_code = 422

    def __init__(self, problems: Sequence[tuple[Sequence[str | int], str]]) -> None:
        errors = [{"loc": loc, "msg": msg, "type": "value_error"} for loc, msg in problems]
        super().__init__(problem_body(errors)["detail"])


_MAX_MESSAGE = 500
_MAX_KEY = 100


def safe_text(text: str, limit: int = _MAX_MESSAGE) -> str:
    """``text`` as valid Unicode (a lone surrogate becomes ``\\udXXX``), at most ``limit``
    characters."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def problem_body(errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The 422 body for pydantic or FastAPI errors: location, message and type only.

    The input and the context are left out (the value may be personal data or something
    JSON cannot carry); keys a client chose (``loc`` of an unknown field) and messages
    are made valid Unicode and cut short; past :data:`MAX_LISTED_PROBLEMS` problems one
    last entry counts the rest.
    """
    detail: list[dict[str, Any]] = [
        {
            "loc": [
                part if isinstance(part, int) else safe_text(str(part), _MAX_KEY)
                for part in e["loc"]
            ],
            "msg": safe_text(error_message(e)),
            "type": safe_text(str(e["type"]), _MAX_KEY),
        }
        for e in errors[:MAX_LISTED_PROBLEMS]
    ]
    if len(errors) > MAX_LISTED_PROBLEMS:
        more = len(errors) - MAX_LISTED_PROBLEMS
        detail.append({"loc": [], "msg": f"and {more} more problems", "type": "too_many_errors"})
    return {"detail": detail}


async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(problem_body(error.errors()), 422)


async def _api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse({"detail": error.detail}, error.status_code, headers=error.headers)


def _as(error_type: type[ApiError]) -> Any:
    async def handle(request: Request, error: Exception) -> JSONResponse:
        return await _api_error(request, error_type(str(error.args[0]) if error.args else ""))

    return handle


async def _invalid_body(_request: Request, error: Exception) -> JSONResponse:
    problem = UnprocessableError([(("body",), str(error))])
    return JSONResponse({"detail": problem.detail}, problem.status_code)


async def _unavailable(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "the store is unavailable or busy; try again"},
        503,
        headers={"Retry-After": "5"},
    )


async def _unreadable_body(request: Request, error: Exception) -> Response:
    # FastAPI answers 400 for a body that is not UTF-8 or not JSON; it is an invalid
    # body like any other, so it gets the 422 every invalid body gets.
    assert isinstance(error, HTTPException)
    if error.status_code != 400:
        return await http_exception_handler(request, error)
    problem = UnprocessableError([(("body",), "the body is not UTF-8 JSON")])
    return JSONResponse({"detail": problem.detail}, problem.status_code)


def install_handlers(
    app: FastAPI,
    *,
    not_found: Sequence[type[Exception]] = (),
    conflict: Sequence[type[Exception]] = (),
    invalid_body: Sequence[type[Exception]] = (),
) -> None:
    """Register the error handlers on ``app``.

    Parameters
    ----------
    app : FastAPI
        The application.
    not_found, conflict : sequence of exception types
        Exceptions of the layers below (the store's) answered as 404 and 409, their first
        argument the detail. The application names them, so this module, which those
        layers raise from, imports none of them.
    invalid_body : sequence of exception types
        Exceptions answered as a 422 about the body, their message the problem (a key
        request that cannot be honoured).
    """
    app.add_exception_handler(HTTPException, _unreadable_body)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(ApiError, _api_error)
    for error_type in not_found:
        app.add_exception_handler(error_type, _as(NotFoundError))
    for error_type in conflict:
        app.add_exception_handler(error_type, _as(ConflictError))
    for error_type in invalid_body:
        app.add_exception_handler(error_type, _invalid_body)
    # Two writers creating the same id at once: the loser gets what a late create gets.
    app.add_exception_handler(IntegrityError, _conflict_on_integrity)
    app.add_exception_handler(OperationalError, _unavailable)


async def _conflict_on_integrity(request: Request, _error: Exception) -> JSONResponse:
    return await _api_error(request, ConflictError("the record changed meanwhile; retry"))
