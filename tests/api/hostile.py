"""Hostile inputs: what a careless or malicious client can put in a request.

Shared by the schemathesis run (``test_api_schemathesis.py``) and the sweep of a real
server (``python -m benchmarks.hostile_sweep``). JSON bodies are rewritten as raw bytes, so
they can hold what no JSON library writes: ``NaN``, ``Infinity``, a number of 5,001
digits, a lone surrogate, nesting 50,000 deep.
"""

from __future__ import annotations

import copy
import json
from typing import Any

__all__ = [
    "HOSTILE_FILES",
    "HOSTILE_PATH_VALUES",
    "HOSTILE_QUERY_VALUES",
    "HOSTILE_TOKENS",
    "leaf_paths",
    "with_token",
]

_MARK = "__selaras_hostile__"

HOSTILE_TOKENS: tuple[bytes, ...] = (
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e400",
    b"-1e400",
    b"1" + b"0" * 5000,  # a 5,001-digit integer
    b"18446744073709551616",  # 2**64
    b"1e300",
    b"5e-324",
    b"-0",
    b'"\\ud800"',  # a lone surrogate
    b'"x\\udfffx"',
    b'"Siti\\u0000Rahma"',  # a NUL inside a name
    b'"\\u0007\\u001b[31m"',
    b'"\\u202e"',
    b'"' + b"x" * 100_000 + b'"',
    b'"9999-12-31"',
    b'"0001-01-01"',
    b'"2199-12-31T23:59:59-23:59"',
    b"[" * 50_000 + b"]" * 50_000,  # deeper than any parser's limit
    b"[" * 500 + b"]" * 500,  # within it, but no field's shape
    b'{"\\ud800": 1}',
    b"true",
    b"null",
    b"{}",
    b"[]",
)
"""Raw JSON values put in place of one value of a generated body."""

HOSTILE_QUERY_VALUES: tuple[str, ...] = (
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1",
    "0",
    "1" * 5000,
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "2026-02-30",
    "\x00",
    "\ud7ff\ufffd",
    "WyJcdWQ4MDAiLCAieCJd",  # base64 of ["\ud800", "x"]: the sweep's cursor
    "WyJQM01JLTAwMDEiLCJXLTEiXQ.AAAAAAAAAAAAAAAAAAAAAA",  # a forged signature
    "x" * 10_000,
)
"""Values put in place of one query parameter."""

HOSTILE_PATH_VALUES: tuple[str, ...] = (
    "\x00",
    "..",
    "W-1\x00",
    "x" * 5000,
    "3273014509950002",
    "W-1 OR 1=1",
    "%",
    "😀",
)
"""Values put in place of one path parameter."""

_WORKER = b'{"id": "W-H", "agency_id": "P3MI-0001", "birth_date": "1990-01-01"'
HOSTILE_FILES: tuple[bytes, ...] = (
    b"{}\n" * 50_000,
    b"[" * 50_000 + b"]" * 50_000 + b"\n",
    _WORKER + b', "skills": [{"name": "x", "months": 1' + b"0" * 5000 + b"}]}\n",
    _WORKER + b', "preferences": {"min_monthly_wage": {"amount": 1e400, "currency": "IDR"}}}\n',
    _WORKER + b', "preferences": {"min_monthly_wage": {"amount": NaN, "currency": "IDR"}}}\n',
    _WORKER + b', "full_name": "\\ud800"}\n',
    _WORKER + b', "full_name": "Siti\\u0000"}\n',
    _WORKER + b', "x": "' + b"y" * (2 * 1024 * 1024) + b'"}\n',
    b"\xff\xfe\x00garbage\n",
    b"id,agency_id,birth_date,full_name\nW-1,P3MI-0001,1990-01-01," + b"z" * (2 * 1024 * 1024),
    b"",
)
"""Upload files: floods, nesting, huge numbers, bad text, oversized lines."""


def leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a JSON document, the root's (``()``) included."""
    paths = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += leaf_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += leaf_paths(item, (*prefix, index))
    return paths


def with_token(body: Any, path: tuple[Any, ...], token: bytes) -> bytes:
    """``body`` as JSON bytes with the value at ``path`` replaced by the raw ``token``."""
    if not path:
        return token
    changed = copy.deepcopy(body)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = _MARK
    return json.dumps(changed).encode().replace(json.dumps(_MARK).encode(), token, 1)
