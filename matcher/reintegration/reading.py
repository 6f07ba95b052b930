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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from matcher.rules import reading
from matcher.rules.reading import DataFileError, decode, show

__all__ = [
    "STATUSES",
    "DataFileError",
    "Header",
    "Node",
    "Source",
    "data_reader",
    "decode",
    "read_header",
]

STATUSES = ("verified", "unverified")
"""``verified``: the figure is in the cited, dated source; ``unverified``: secondary,
conflicting or inferred, with a ``note`` saying which (matcher/data/SOURCES_v2.md)."""

_T = TypeVar("_T")
_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d+)$")


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


class Node(reading.Node):
    """A node of a v2 data file, whose entries carry a ``verified`` flag beside ``status``."""

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

    def prose_entry(self, text_key: str, sources: Callable[[Node], object]) -> None:
        """Check an entry the engine implements in code rather than reads: an ``id``, its
        prose under ``text_key``, its sources (``sources`` reads and checks them), a
        ``status`` and an optional ``note``, and nothing else."""
        self.text("id")
        self.text(text_key)
        sources(self)
        self.status()
        self.opt_text("note")
        self.finish()


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
            raise entry.error("url", f"expected an http(s) URL, got {show(url)}")
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


def data_reader(
    error: type[DataFileError], schema: str, body: Callable[[Node, Header], _T]
) -> Callable[[str, str], _T]:
    """The reader of one kind of v2 data file, for :class:`matcher.rules.reading.DataLoader`.

    Parameters
    ----------
    error : type[DataFileError]
        The error class every problem raises, naming the file and the key.
    schema : str
        The ``schema`` value the reader understands.
    body : callable
        (top-level node, header) -> the table: reads every key of the file but the
        header's; a key left unread is an error.

    Returns
    -------
    callable
        (text, file name for messages) -> the table.
    """

    def read(text: str, origin: str) -> _T:
        top, header = read_header(decode(text, origin, error), origin, error, schema)
        table = body(top, header)
        top.finish()
        return table

    return read
