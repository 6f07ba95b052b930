"""Reading the sourced v2 data files (minimum wages, recognition rules) with exact errors.

Both files share the rule packs' conventions (docs/rulepacks.md, matcher/data/SOURCES_v2.md):
a header (``schema``, ``version`` = ``updated`` + ``.N``, ``updated``, ``title``), a
``sources`` table of key -> ``{url, title, published, accessed, official}``, and entries
naming their sources by key with a ``status`` of ``verified`` or ``unverified`` and a
``verified`` flag that agrees with it. Every problem raises the caller's error class with
the file and the key path (``minimum_wages_id.json: key 'umk[3].amount': expected a number
> 0, got 'x'``); unknown keys are errors too, so a misspelt key never drops a figure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["STATUSES", "DataFileError", "Header", "Node", "Source", "decode", "read_header"]

STATUSES = ("verified", "unverified")
"""``verified``: the figure is in the cited, dated source; ``unverified``: secondary,
conflicting or inferred, with a ``note`` saying which (matcher/data/SOURCES_v2.md)."""

_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d+)$")


class DataFileError(ValueError):
    """A v2 data file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Source:
    """One entry of a file's ``sources`` table."""

    key: str
    url: str
    title: str
    published: str | None
    accessed: dt.date
    official: bool


@dataclass(frozen=True)
class Header:
    """What every v2 data file starts with."""

    schema: str
    version: str
    updated: dt.date
    title: str
    sources: Mapping[str, Source]


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Node:
    """A JSON object being read: typed getters that raise with the file and the key path."""

    def __init__(
        self,
        raw: object,
        file: str,
        path: str,
        error: type[DataFileError],
        sources: frozenset[str] = frozenset(),
    ) -> None:
        self.file, self.path, self.error_class, self.sources = file, path, error, sources
        if not isinstance(raw, dict):
            where = f"key '{path}'" if path else "top level"
            raise error(f"{file}: {where}: expected an object, got {_show(raw)}")
        self._raw: dict[str, Any] = raw
        self._seen: set[str] = set()

    def where(self, key: str) -> str:
        """The key path of ``key`` under this object."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str) -> DataFileError:
        """An error about ``key`` of this object."""
        return self.error_class(f"{self.file}: key '{self.where(key)}': {message}")

    def raw(self, key: str, *, required: bool = True) -> Any:
        """The value of ``key`` as decoded (None when optional and absent)."""
        self._seen.add(key)
        if key not in self._raw:
            if required:
                raise self.error(key, "is required")
            return None
        return self._raw[key]

    def skip(self, *keys: str) -> None:
        """Accept ``keys`` as documentation that the engine does not read."""
        self._seen.update(keys)

    def text(self, key: str) -> str:
        """A non-empty string."""
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a non-empty string, got {_show(value)}")
        return value

    def opt_text(self, key: str) -> str | None:
        """A non-empty string, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.text(key)

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        """A string from ``allowed``."""
        value = self.text(key)
        if value not in allowed:
            raise self.error(key, f"must be one of {', '.join(allowed)}; got {value!r}")
        return value

    def integer(self, key: str, *, low: int = 0, high: int | None = None) -> int:
        """An integer in ``[low, high]``."""
        value = self.raw(key)
        bad = isinstance(value, bool) or not isinstance(value, int)
        if bad or value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"from {low} to {high}"
            raise self.error(key, f"expected an integer {bound}, got {_show(value)}")
        return int(value)

    def positive(self, key: str) -> float:
        """A number above zero."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.error(key, f"expected a number > 0, got {_show(value)}")
        return float(value)

    def flag(self, key: str) -> bool:
        """True or false."""
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_show(value)}")
        return value

    def day(self, key: str) -> dt.date:
        """A date ``YYYY-MM-DD``."""
        value = self.text(key)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(key, f"expected a date YYYY-MM-DD, got {value!r}") from None

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """A list of non-empty strings (empty when optional and absent)."""
        value = self.raw(key, required=required)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, f"expected a list of strings, got {_show(value)}")
        return tuple(value)

    def node(self, key: str) -> Node:
        """The object under ``key``."""
        return Node(self.raw(key), self.file, self.where(key), self.error_class, self.sources)

    def nodes(self, key: str, *, required: bool = True) -> list[Node]:
        """The objects of the list under ``key`` (empty when optional and absent)."""
        value = self.raw(key, required=required)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {_show(value)}")
        return [
            Node(item, self.file, f"{self.where(key)}[{i}]", self.error_class, self.sources)
            for i, item in enumerate(value)
        ]

    def members(self) -> list[str]:
        """The keys of this object, in file order."""
        return list(self._raw)

    def source_key(self, key: str = "source") -> str:
        """A key of the file's ``sources`` table."""
        value = self.text(key)
        if value not in self.sources:
            raise self.error(key, f"{value!r} is not a key of 'sources'")
        return value

    def source_keys(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """A list of keys of the file's ``sources`` table."""
        keys = self.texts(key, required=required)
        missing = [k for k in keys if k not in self.sources]
        if missing:
            raise self.error(key, f"{', '.join(missing)} not keys of 'sources'")
        return keys

    def status(self) -> str:
        """``status``, checked against ``verified`` (true exactly when verified)."""
        status = self.choice("status", STATUSES)
        if self.flag("verified") is not (status == "verified"):
            raise self.error(
                "verified", f"must be {str(status == 'verified').lower()} when status is {status!r}"
            )
        if status != "verified" and self.opt_text("note") is None:
            raise self.error("note", f"is required when status is {status!r} (say why)")
        return status

    def finish(self) -> None:
        """Raise on a key nothing read (misspelt or unknown)."""
        unknown = [k for k in self._raw if k not in self._seen]
        if unknown:
            raise self.error(unknown[0], "is not a known key here (misspelt?)")


def decode(text: str, file: str, error: type[DataFileError]) -> object:
    """Decode JSON text, raising ``error`` naming the file."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{file}: not valid JSON: {exc}") from None


def read_header(
    raw: object, file: str, error: type[DataFileError], schema: str
) -> tuple[Node, Header]:
    """Check the header and the sources table; return the top-level node with the sources.

    Parameters
    ----------
    raw : object
        The decoded file.
    file : str
        The file name for messages.
    error : type[DataFileError]
        The error class to raise.
    schema : str
        The ``schema`` value the reader understands.

    Returns
    -------
    tuple[Node, Header]
        The top level (header keys read, source keys known to it) and the header.
    """
    probe = Node(raw, file, "", error)
    listing = probe.node("sources")
    keys = listing.members()
    if not keys:
        raise probe.error("sources", "expected a non-empty object of key -> source")
    top = Node(raw, file, "", error, frozenset(keys))
    found = top.choice("schema", (schema,))
    updated = top.day("updated")
    version = top.text("version")
    match = _VERSION.match(version)
    if match is None or match.group(1) != updated.isoformat():
        raise top.error(
            "version", f"expected '{updated.isoformat()}.N' (the updated date), got {version!r}"
        )
    sources = {}
    table = top.node("sources")
    for key in keys:
        entry = table.node(key)
        url = entry.text("url")
        if not url.startswith(("http://", "https://")):
            raise entry.error("url", f"expected an http(s) URL, got {_show(url)}")
        sources[key] = Source(
            key,
            url,
            entry.text("title"),
            entry.opt_text("published"),
            entry.day("accessed"),
            entry.flag("official"),
        )
        entry.finish()
    header = Header(found, version, updated, top.text("title"), MappingProxyType(sources))
    return top, header
