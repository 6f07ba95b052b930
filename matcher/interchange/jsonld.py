"""Reading and validating schema.org JSON-LD in its compact form.

Selaras reads JSON-LD the way job boards write it: compact JSON objects whose ``@context``
is schema.org and whose keys are schema.org term names. It does not fetch remote contexts
or expand arbitrary JSON-LD (no network at run time); a document with any other context is
refused with a message that says so.

The validator checks a node tree against the shipped :func:`~matcher.interchange.vocabulary.
schemaorg` vocabulary: every ``@type`` must be a schema.org class, every property must exist
and be used on a class in its ``domainIncludes``, and every value must be of a type in its
``rangeIncludes`` (a nested node of a class or subclass of one, or a JSON literal of a data
type: text, URL, date, date-time, time, ISO 8601 duration, number, integer, boolean).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from matcher.interchange.jsontext import documents
from matcher.interchange.vocabulary import DATATYPES, Vocabulary, schemaorg

__all__ = [
    "SCHEMA_CONTEXT",
    "Issue",
    "JsonLdRecord",
    "jsonld_records",
    "node_types",
    "term",
    "validate_node",
]

SCHEMA_CONTEXT = "https://schema.org"
"""The ``@context`` Selaras writes."""

_SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")
_SCHEMA_CONTEXTS = frozenset(
    {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
)
_NODE_KEYWORDS = frozenset({"@type", "@id"})
_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)


@dataclass(frozen=True)
class Issue:
    """A problem in a JSON-LD tree: ``path`` is a dotted JSON path (``baseSalary.currency``)."""

    path: str
    message: str


@dataclass(frozen=True)
class JsonLdRecord:
    """One top-level node of a JSON-LD text, where it was, and what was wrong with its framing.

    ``line`` is 1-based; ``path`` is the JSON path of the node within what that line (or the
    element of a JSON array starting on it) holds, e.g. ``@graph[2]``, ``""`` for the node
    itself. ``node`` is None when the text there is not a JSON-LD node (``issues`` says why).
    """

    line: int
    path: str
    node: Mapping[str, Any] | None
    issues: tuple[Issue, ...] = ()


def term(name: str) -> str:
    """Return a schema.org term name without its prefix (``schema:Place`` -> ``Place``)."""
    for prefix in _SCHEMA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def jsonld_records(text: str) -> Iterator[JsonLdRecord]:
    """Yield the top-level JSON-LD nodes of ``text``, with where each is.

    ``text`` holds one JSON value (an object, an array of objects, or an object with
    ``@graph``) or JSON Lines of such values. The ``@context`` of an array's or a graph's
    container applies to its nodes; every node must end up with the schema.org context.

    Parameters
    ----------
    text : str
        The file's content.

    Yields
    ------
    JsonLdRecord
        One per node, in file order; framing problems (malformed JSON, a foreign context,
        a value that is not an object) come as records with ``node`` None.
    """
    for line, value, error in documents(text):
        if error is not None:
            yield JsonLdRecord(line, "", None, (Issue("", error),))
        else:
            yield from _nodes(line, "", value, context=None)


def _nodes(line: int, path: str, value: Any, context: Any) -> Iterator[JsonLdRecord]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(line, f"{path}[{index}]", item, context)
        return
    if not isinstance(value, dict):
        found = _describe(value)
        yield JsonLdRecord(line, path, None, (Issue(path, f"expected a JSON-LD node; {found}"),))
        return
    if "@context" in value:
        context = value["@context"]
    if "@graph" in value:
        extra = sorted(k for k in value if k not in ("@context", "@graph"))
        if extra:
            message = f"a @graph container holds only @context and @graph; found {extra}"
            yield JsonLdRecord(line, path, None, (Issue(path, message),))
            return
        graph_path = f"{path}.@graph" if path else "@graph"
        graph = value["@graph"]
        yield from _nodes(line, graph_path, graph if isinstance(graph, list) else [graph], context)
        return
    if not _is_schema_context(context):
        message = (
            '@context must be schema.org ("https://schema.org" or {"@vocab": '
            f'"https://schema.org/"}}); got {context!r}'
            if context is not None
            else 'no @context: a JSON-LD node needs "@context": "https://schema.org"'
        )
        yield JsonLdRecord(line, path, None, (Issue(_join(path, "@context"), message),))
        return
    yield JsonLdRecord(line, path, value)


def _is_schema_context(context: Any) -> bool:
    if isinstance(context, str):
        return context in _SCHEMA_CONTEXTS
    if isinstance(context, dict):
        return set(context) == {"@vocab"} and context["@vocab"] in _SCHEMA_PREFIXES[:2]
    return False


def validate_node(
    node: Mapping[str, Any], *, path: str = "", vocabulary: Vocabulary | None = None
) -> list[Issue]:
    """Check a JSON-LD node tree against the schema.org vocabulary.

    Parameters
    ----------
    node : Mapping
        A compact JSON-LD node (its ``@context``, if any, is not checked here: see
        :func:`jsonld_records`).
    path : str
        JSON path of ``node``, prefixed to every issue's path.
    vocabulary : Vocabulary, optional
        Defaults to the shipped release.

    Returns
    -------
    list of Issue
        Every problem found, in document order; empty when the tree is valid.
    """
    issues: list[Issue] = []
    _check_node(node, path, vocabulary or schemaorg(), issues)
    return issues


def node_types(node: Mapping[str, Any]) -> tuple[str, ...]:
    """The schema.org class names in a node's ``@type`` (prefixes removed)."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return tuple(term(name) for name in names if isinstance(name, str))


def _check_node(
    node: Mapping[str, Any], path: str, vocabulary: Vocabulary, issues: list[Issue]
) -> tuple[str, ...]:
    """Check one node and its children; return its known types (empty if none is known)."""
    raw_type = node.get("@type")
    if raw_type is None:
        issues.append(Issue(_join(path, "@type"), "a node needs an @type"))
        return ()
    raw_names = raw_type if isinstance(raw_type, list) else [raw_type]
    types: list[str] = []
    for name in raw_names:
        if not isinstance(name, str):
            issues.append(Issue(_join(path, "@type"), f"must be a class name; {_describe(name)}"))
        elif term(name) not in vocabulary.classes:
            issues.append(
                Issue(
                    _join(path, "@type"),
                    f"unknown @type {name!r}: not a class of schema.org {vocabulary.release}",
                )
            )
        else:
            types.append(term(name))
    for key, value in node.items():
        where = _join(path, key)
        if key.startswith("@"):
            if key not in _NODE_KEYWORDS and not (key == "@context" and not path):
                issues.append(Issue(where, f"JSON-LD keyword {key} is not supported here"))
            elif key == "@id" and not isinstance(value, str):
                issues.append(Issue(where, f"must be an IRI string; {_describe(value)}"))
            continue
        prop = vocabulary.properties.get(term(key))
        if prop is None:
            issues.append(
                Issue(where, f"unknown property {key!r}: not in schema.org {vocabulary.release}")
            )
            continue
        if types and not vocabulary.applies_to(prop, tuple(types)):
            issues.append(
                Issue(
                    where,
                    f"{key!r} is not a property of {' or '.join(types)} "
                    f"(schema.org uses it on {_names(prop.domain)})",
                )
            )
            continue
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            item_path = f"{where}[{index}]" if isinstance(value, list) else where
            _check_value(item, prop.range, key, item_path, vocabulary, issues)
    return tuple(types)


def _check_value(
    value: Any,
    expected: frozenset[str],
    key: str,
    path: str,
    vocabulary: Vocabulary,
    issues: list[Issue],
) -> None:
    if value is None:
        return  # JSON-LD drops a null value: the property is simply absent
    if isinstance(value, list):
        issues.append(Issue(path, "a list inside a list is not a JSON-LD value"))
        return
    if isinstance(value, dict):
        if "@value" in value:
            extra = set(value) - {"@value", "@language"}
            if extra:
                issues.append(Issue(path, f"unsupported value-object keys {sorted(extra)}"))
            else:
                _check_value(value["@value"], expected, key, path, vocabulary, issues)
            return
        if set(value) == {"@id"}:
            if all(name in DATATYPES for name in expected):
                issues.append(Issue(path, f"{key!r} expects {_names(expected)}, not a reference"))
            return
        types = _check_node(value, path, vocabulary, issues)
        if types and not any(vocabulary.is_a(name, expected) for name in types):
            got = " or ".join(types)
            issues.append(Issue(path, f"{key!r} expects {_names(expected)}; got a {got}"))
        return
    if not _literal_fits(value, expected, vocabulary):
        issues.append(Issue(path, f"{key!r} expects {_names(expected)}; {_describe(value)}"))


def _literal_fits(value: object, expected: frozenset[str], vocabulary: Vocabulary) -> bool:
    if isinstance(value, bool):
        return "Boolean" in expected
    if isinstance(value, int):
        return bool(expected & {"Number", "Integer", "Float"})
    if isinstance(value, float):
        return bool(expected & {"Number", "Float"})
    if not isinstance(value, str):
        return False
    for name in expected:
        if name == "URL":
            if _is_url(value):
                return True
        elif name in _STRING_FORMS:
            if _STRING_FORMS[name](value):
                return True
        elif vocabulary.is_a(name, frozenset({"Text"})):
            return True  # Text and its subclasses other than URL take any string
    return False


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _parses(parse: Any) -> Any:
    def check(value: str) -> bool:
        try:
            parse(value)
        except ValueError:
            return False
        return True

    return check


_STRING_FORMS = {
    "Date": _parses(dt.date.fromisoformat),
    "DateTime": _parses(dt.datetime.fromisoformat),
    "Time": _parses(dt.time.fromisoformat),
    "Duration": lambda value: bool(_DURATION.match(value)),
}


def _names(types: frozenset[str]) -> str:
    ordered = sorted(types)
    shown = ", ".join(ordered[:6])
    return shown + (f" and {len(ordered) - 6} more" if len(ordered) > 6 else "")


def _describe(value: object) -> str:
    if value is None:
        return "got null"
    if isinstance(value, bool):
        return f"got {str(value).lower()}"
    if isinstance(value, int | float):
        return f"got the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"got the text {shown!r}"
    if isinstance(value, list):
        return "got a list"
    return f"got {type(value).__name__}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
