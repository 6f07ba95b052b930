#!/usr/bin/env python3
"""Extract the schema.org facts Selaras's JSON-LD validator needs into one small committed file.

Selaras never reads schema.org at run time. It validates the JobPosting JSON-LD it writes and
reads against ``matcher/interchange/data/schemaorg_vocabulary.json``, which this script makes
from the official vocabulary file of one schema.org release:

    data/releases/<release>/schemaorg-current-https.jsonld

in the schemaorg/schemaorg GitHub repository (the "current" vocabulary: core and pending
terms, without the attic). The extract keeps, for every class, its direct superclasses, and
for every property, its ``domainIncludes`` and ``rangeIncludes`` plus ``supersededBy`` where
set. Labels, comments, sources and enumeration members are dropped: the validator does not
read them (1.5 MB in, about 0.13 MB out). Output is sorted, one term per line, so a new
release shows as a readable diff.

Attribution: schema.org vocabulary, release given by ``--release``; the Sponsors' copyrights
in the schema are licensed under Creative Commons Attribution-ShareAlike 3.0
(https://schema.org/docs/terms.html). See ``matcher/interchange/data/SOURCES.md``.

Usage (from the project root), with a clone of the repository or just the one file::

    git -C SCHEMAORG show HEAD:data/releases/30.0/schemaorg-current-https.jsonld > /tmp/v.jsonld
    .venv/bin/python scripts/extract_schemaorg.py /tmp/v.jsonld --release 30.0 \
        --released 2026-03-19 --commit <40-hex commit of the clone>
    .venv/bin/python scripts/extract_schemaorg.py /tmp/v.jsonld ... --check   # exit 1 if stale

Running it again on the same input gives byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "matcher" / "interchange" / "data" / "schemaorg_vocabulary.json"
PREFIX = "schema:"


def _ids(value: Any) -> list[str]:
    """The schema.org term names a JSON-LD reference or list of references points to."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return sorted(item["@id"][len(PREFIX) :] for item in items if item["@id"].startswith(PREFIX))


def extract(vocabulary: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Return ``(classes, properties)`` from a schemaorg-current-https.jsonld document.

    ``classes`` maps each class to its direct superclasses; ``properties`` maps each
    property to ``[domain, range]`` or ``[domain, range, superseded_by]``.
    """
    classes: dict[str, list[str]] = {}
    properties: dict[str, Any] = {}
    for node in vocabulary["@graph"]:
        term = node["@id"]
        if not term.startswith(PREFIX):
            continue
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        name = term[len(PREFIX) :]
        if "rdfs:Class" in kinds:
            classes[name] = _ids(node.get("rdfs:subClassOf"))
        elif "rdf:Property" in kinds:
            entry: list[Any] = [
                _ids(node.get("schema:domainIncludes")),
                _ids(node.get("schema:rangeIncludes")),
            ]
            superseded = _ids(node.get("schema:supersededBy"))
            if superseded:
                entry.append(superseded[0])
            properties[name] = entry
    # A release can name, in a domain or range, a class that only its attic defines (30.0:
    # DeliveryTimeSettings). No node can have such a type, so the reference is dropped.
    dangling = sorted(
        {t for entry in properties.values() for t in entry[0] + entry[1] if t not in classes}
    )
    for entry in properties.values():
        entry[0] = [t for t in entry[0] if t in classes]
        entry[1] = [t for t in entry[1] if t in classes]
    if dangling:
        print(f"dropped references to classes outside the vocabulary: {dangling}", file=sys.stderr)
    return classes, properties


def render(classes: dict[str, list[str]], properties: dict[str, Any], meta: dict[str, str]) -> str:
    """The extract as JSON text, one class or property per line, sorted."""

    def block(entries: dict[str, Any]) -> str:
        lines = (f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(entries.items()))
        return "{\n" + ",\n".join(lines) + "\n  }"

    head = "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in meta.items())
    return (
        "{\n" + head + f'  "classes": {block(classes)},\n'
        f'  "properties": {block(properties)}\n' + "}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source", type=Path, help="schemaorg-current-https.jsonld of a release")
    parser.add_argument("--release", required=True, help="schema.org release, e.g. 30.0")
    parser.add_argument("--released", required=True, help="release date, YYYY-MM-DD")
    parser.add_argument("--commit", required=True, help="schemaorg/schemaorg commit read")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs")
    args = parser.parse_args(argv)
    classes, properties = extract(json.loads(args.source.read_text("utf-8")))
    meta = {
        "release": args.release,
        "released": args.released,
        "source": (
            "https://github.com/schemaorg/schemaorg/blob/"
            f"{args.commit}/data/releases/{args.release}/schemaorg-current-https.jsonld"
        ),
        "licence": "CC BY-SA 3.0 (https://schema.org/docs/terms.html)",
    }
    text = render(classes, properties, meta)
    json.loads(text)  # the hand-laid layout must still be JSON
    if args.check:
        current = args.out.read_text("utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is not what {args.source} gives", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, "utf-8")
    print(f"{args.out}: {len(classes)} classes, {len(properties)} properties", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
