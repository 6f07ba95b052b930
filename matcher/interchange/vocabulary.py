"""The schema.org vocabulary Selaras ships as data: classes, properties, domains and ranges.

``data/schemaorg_vocabulary.json`` is a trimmed extract of one schema.org release made by
``scripts/extract_schemaorg.py`` (release, source and licence are recorded in the file and in
``data/SOURCES.md``). Only what a validator reads is kept: each class's superclasses and each
property's ``domainIncludes``/``rangeIncludes``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

__all__ = ["DATATYPES", "Property", "Vocabulary", "schemaorg"]

DATATYPES = frozenset(
    {"Boolean", "Date", "DateTime", "Number", "Integer", "Float", "Text", "URL", "Time"}
)
"""The schema.org data types a JSON literal can stand for (``CssSelectorType`` and the
like are kinds of ``Text`` and are reached through the class hierarchy)."""


@dataclass(frozen=True)
class Property:
    """A schema.org property: the classes it is used on and the types of its values."""

    name: str
    domain: frozenset[str]
    range: frozenset[str]
    superseded_by: str | None = None


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """One schema.org release: its class hierarchy and its properties (hashed by identity)."""

    release: str
    released: str
    source: str
    classes: dict[str, frozenset[str]]
    """Class -> its direct superclasses."""
    properties: dict[str, Property]

    def ancestors(self, name: str) -> frozenset[str]:
        """Return ``name`` and every class it is a subclass of (empty if not a class)."""
        return _ancestors(self, name)

    def is_a(self, name: str, kinds: frozenset[str]) -> bool:
        """Whether class ``name`` is one of ``kinds`` or a subclass of one of them."""
        return not self.ancestors(name).isdisjoint(kinds)

    def applies_to(self, prop: Property, types: tuple[str, ...]) -> bool:
        """Whether ``prop`` may be used on a node of (any of) ``types`` (domainIncludes)."""
        return any(self.is_a(name, prop.domain) for name in types)


@functools.cache
def _ancestors(vocabulary: Vocabulary, name: str) -> frozenset[str]:
    parents = vocabulary.classes.get(name)
    if parents is None:
        return frozenset()
    found = {name}
    for parent in parents:
        found |= _ancestors(vocabulary, parent)
    return frozenset(found)


@functools.cache
def schemaorg() -> Vocabulary:
    """The shipped schema.org vocabulary (read once).

    Returns
    -------
    Vocabulary
        Classes and properties of the release named in ``data/SOURCES.md``.
    """
    text = (
        resources.files("matcher.interchange")
        .joinpath("data/schemaorg_vocabulary.json")
        .read_text("utf-8")
    )
    raw = json.loads(text)
    properties = {
        name: Property(name, frozenset(entry[0]), frozenset(entry[1]), *entry[2:])
        for name, entry in raw["properties"].items()
    }
    classes = {name: frozenset(parents) for name, parents in raw["classes"].items()}
    return Vocabulary(raw["release"], raw["released"], raw["source"], classes, properties)
