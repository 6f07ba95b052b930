"""Files of JSON documents: one value, a JSON array, or JSON Lines, told apart by content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from models.files import json_values

__all__ = ["documents"]


def documents(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """Yield ``(line, value, error)`` for each document of ``text``.

    A text starting with ``[`` is a JSON array (its elements are the documents); a text
    whose first non-blank line is a whole JSON object followed by more lines is JSON Lines;
    anything else is one JSON value. ``line`` is where a document starts (1-based);
    ``error`` names what is malformed, and then ``value`` is None.
    """
    stripped = text.lstrip()
    lines = [line.strip() for line in stripped.splitlines() if line.strip()]
    # A pretty-printed object does not close on its first line; a JSON Lines file does.
    jsonl = len(lines) > 1 and lines[0].startswith("{") and lines[0].endswith("}")
    yield from json_values(text, "jsonl" if jsonl and not stripped.startswith("[") else "json")
