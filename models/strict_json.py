"""Strict JSON: what every reader of client JSON (files, CSV cells, flags, API bodies) uses.

RFC 8259 JSON only, parsed by orjson: ``NaN``, ``Infinity``, numbers too large for a
double (``1e400``, a 5,001-digit integer), strings with a lone surrogate
(``"\\ud800"``) and invalid UTF-8 are refused, and so is nesting deeper than
:data:`MAX_DEPTH` levels (orjson's own limit; a record needs six). Python's ``json``
module accepts the first four and answers deep nesting with a ``RecursionError``.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["MAX_DEPTH", "JsonError", "loads"]

MAX_DEPTH = 1024
"""Deepest nesting of arrays and objects accepted (orjson refuses anything deeper)."""


class JsonError(ValueError):
    """Text that is not strict JSON; the message says why and where."""


def loads(data: bytes | str) -> Any:
    """Parse strict JSON.

    Parameters
    ----------
    data : bytes or str
        UTF-8 bytes or text.

    Returns
    -------
    object
        The value; integers beyond 64 bits come back as (finite) floats.

    Raises
    ------
    JsonError
        If ``data`` is not strict JSON (the message names the problem and its column).
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise JsonError(_message(error)) from None


def _message(error: orjson.JSONDecodeError) -> str:
    reason = error.msg
    if "recursion" in reason or "depth" in reason:
        reason = f"nested deeper than {MAX_DEPTH} levels"
    elif "infinity" in reason:
        reason = "a number too large for a double (NaN and Infinity are not JSON either)"
    elif "surrogate" in reason or "UTF-8" in reason or "utf-8" in reason:
        reason = "text that is not valid Unicode (a lone surrogate or invalid UTF-8)"
    return f"{reason} (column {error.colno})"
