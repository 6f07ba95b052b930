"""Logs without personal data: tracebacks keep their frames and lose their messages.

An exception's message can hold the value that caused it: pydantic writes the rejected
input (a name, a NIK) into its ``ValidationError``, SQLAlchemy the statement's parameters
into its errors. So no log line of the server carries an exception's message, only its
type and where it was raised (:func:`redacted_traceback`), and an access-log line keeps
the names of the query parameters, not their values (:func:`redacted_query`).
:class:`RedactingFilter` does both to every record a handler formats, whoever logged it
(uvicorn included), and :func:`log_config` is the logging set-up of ``selaras serve``
with the filter on every handler. (Record ids appear in paths: they are pseudonymous by
the format's rules.)
"""

from __future__ import annotations

import copy
import http
import logging
import traceback
from types import TracebackType
from typing import Any

from uvicorn.logging import AccessFormatter

__all__ = [
    "WITHHELD",
    "PlainAccessFormatter",
    "RedactingFilter",
    "log_config",
    "redacted_query",
    "redacted_traceback",
]

WITHHELD = "(message withheld: it may hold personal data)"


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and those it came from, oldest first (as Python prints them)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not e for e in seen):
        seen.append(current)
        if current.__cause__ is not None:
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    return seen[::-1]


def _name(kind: type[BaseException]) -> str:
    module = kind.__module__
    return (
        kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
    )


def redacted_traceback(error: BaseException, tb: TracebackType | None = None) -> str:
    """A traceback of ``error`` and its chain, with every exception message withheld.

    Parameters
    ----------
    error : BaseException
    tb : traceback, optional
        Default: ``error.__traceback__``.

    Returns
    -------
    str
        ``Traceback (most recent call last):``, the frames (file, line, function, source
        line), then ``module.Type (message withheld...)``; chained exceptions first.
    """
    parts = []
    for item in _chain(error):
        frames = tb if item is error and tb is not None else item.__traceback__
        text = "Traceback (most recent call last):\n" if frames is not None else ""
        text += "".join(traceback.format_tb(frames))
        text += f"{_name(type(item))} {WITHHELD}"
        if isinstance(item, BaseExceptionGroup):
            inner = ", ".join(_name(type(e)) for e in item.exceptions)
            text += f" [{inner}]"
        parts.append(text)
    return "\n\nThe above exception led to the following:\n\n".join(parts)


def redacted_query(path: str) -> str:
    """``path`` with the values of its query string withheld (``/workers?cursor=…``).

    Query values are whatever a client typed; the names say enough to trace a request.
    """
    base, mark, query = path.partition("?")
    if not mark:
        return path
    names = [part.partition("=")[0] for part in query.split("&") if part]
    return base + "?" + "&".join(f"{name}=…" for name in names)


class RedactingFilter(logging.Filter):
    """A handler filter: a record's traceback loses its messages, and an access-log line
    (uvicorn's) the values of its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` (always keeps it)."""
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1], record.exc_info[2])
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            # (client address, method, path with query, HTTP version, status)
            args = list(record.args)
            if len(args) == 5 and isinstance(args[2], str):
                args[2] = redacted_query(args[2])
                record.args = tuple(args)
        return True


def _status(code: int) -> str:
    """``200 OK``: the code and its phrase, as uvicorn writes them."""
    try:
        return f"{code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} "


# Every status a response can carry, written once: the access line of each request
# otherwise looks its phrase up in the HTTPStatus enum.
_STATUS_TEXT = {code: _status(code) for code in range(100, 600)}


class PlainAccessFormatter(AccessFormatter):
    """uvicorn's access line, the same text, without its per-request copies of the record.

    Without colours (the log is not a terminal: a server's case) the line is written
    straight from the record's arguments; uvicorn's formatter copies the record twice and
    looks the status phrase up each time, a few percent of a fresh ranking's CPU. On a
    terminal, uvicorn's own (coloured) line.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        """The line ``INFO:     host:port - "GET /path HTTP/1.1" 200 OK``."""
        args = record.args
        if self.use_colors or not isinstance(args, tuple) or len(args) != 5:
            return super().formatMessage(record)
        client, method, path, version, code = args
        status = _STATUS_TEXT.get(code) if isinstance(code, int) else None
        if status is None:
            status = _status(int(code))  # type: ignore[call-overload]
        prefix = record.levelname + ":" + " " * (8 - len(record.levelname))
        return f'{prefix} {client} - "{method} {path} HTTP/{version}" {status}'


def log_config(base: dict[str, Any]) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` set-up: ``base`` (uvicorn's) with every handler
    filtered by :class:`RedactingFilter`, uvicorn's access formatter replaced by
    :class:`PlainAccessFormatter` (the same lines), and the ``selaras`` loggers on its
    default handler at INFO.

    Parameters
    ----------
    base : dict
        A dictConfig (``uvicorn.config.LOGGING_CONFIG``); it is copied, not changed.

    Returns
    -------
    dict
    """
    config = copy.deepcopy(base)
    config.setdefault("filters", {})["redact"] = {"()": f"{__name__}.RedactingFilter"}
    for formatter in config.get("formatters", {}).values():
        if formatter.get("()") == "uvicorn.logging.AccessFormatter":
            formatter["()"] = f"{__name__}.PlainAccessFormatter"
    for handler in config.get("handlers", {}).values():
        handler["filters"] = [*handler.get("filters", []), "redact"]
    first_handler = next(iter(config.get("handlers", {})), None)
    if first_handler is not None:
        config.setdefault("loggers", {})["selaras"] = {
            "handlers": [first_handler],
            "level": "INFO",
            "propagate": False,
        }
    return config
