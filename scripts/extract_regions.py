#!/usr/bin/env python3
"""Extract Indonesia's provinces and regencies/cities into ``models/data`` (run by maintainers).

Selaras checks ``home`` and opportunity ``location`` against the official list of the 38
provinces and 514 regencies (kabupaten) and cities (kota) with their Kemendagri codes. The
list comes from the public repository cahyadsn/wilayah (MIT licence), file ``db/wilayah.sql``,
which its README gives as the data of Kepmendagri No. 300.2.2-2430 Tahun 2025 (the file's own
header still names the earlier No. 300.2.2-2138 Tahun 2025; the two agree on the number of
provinces, regencies and cities: 38, 416 and 98). Only rows with a province code (``NN``)
or a regency code (``NN.NN``) are kept; districts and villages are not needed.

Corrections, each for a documented reason (see ``models/data/SOURCES.md``):

- surrounding spaces are stripped (``'Kota Administrasi Jakarta Utara '``);
- ``Kep.`` is written out as ``Kepulauan``: the regency's name in its founding law
  (UU No. 15/2007) is Kabupaten Kepulauan Siau Tagulandang Biaro;
- province 31 is named ``Daerah Khusus Jakarta``, the name UU No. 2/2024 gives it and the one
  the Selaras format uses; the source's ``Daerah Khusus Ibukota Jakarta`` stays accepted as
  an alias (``models/data/province_aliases.tsv``).

The island groups and the province aliases are maintained by hand in the same directory.

Usage (from the project root)::

    .venv/bin/python scripts/extract_regions.py                 # download the pinned commit
    .venv/bin/python scripts/extract_regions.py --sql wilayah.sql   # a local copy of the file
    .venv/bin/python scripts/extract_regions.py --check         # exit 1 if the tables differ
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "models" / "data"
COMMIT = "d68e8d5516f969d1905d0b2940f20034becb0db7"
URL = f"https://raw.githubusercontent.com/cahyadsn/wilayah/{COMMIT}/db/wilayah.sql"
SHA256 = "c4c3396d9380d4edee072af1d9dff83573b574d7cd00a6562cf82e200e954031"
EXPECTED = {"provinces": 38, "Kabupaten": 416, "Kota": 98}

_ROW = re.compile(r"\('(?P<code>[0-9]{2}(?:\.[0-9]{2})?)','(?P<name>[^']*)'\)")
_PROVINCE_NAMES = {"31": "Daerah Khusus Jakarta"}


def _clean(name: str) -> str:
    return re.sub(r"\bKep\. ", "Kepulauan ", " ".join(name.split()))


def extract(sql: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Return ``(provinces, regencies)`` rows: ``(code, name)`` and ``(code, province, name)``."""
    provinces: list[tuple[str, str]] = []
    regencies: list[tuple[str, str, str]] = []
    for match in _ROW.finditer(sql):
        code, name = match["code"], _clean(match["name"])
        if "." in code:
            regencies.append((code, code[:2], name))
        else:
            provinces.append((code, _PROVINCE_NAMES.get(code, name)))
    provinces.sort()
    regencies.sort()
    counts = {
        "provinces": len(provinces),
        "Kabupaten": sum(name.startswith("Kabupaten ") for *_, name in regencies),
        "Kota": sum(name.startswith("Kota ") for *_, name in regencies),
    }
    if counts != EXPECTED or len(regencies) != counts["Kabupaten"] + counts["Kota"]:
        sys.exit(f"unexpected counts {counts} (expected {EXPECTED}): has the source changed?")
    known = {code for code, _ in provinces}
    orphans = [code for code, province, _ in regencies if province not in known]
    if orphans:
        sys.exit(f"regencies without a province: {orphans}")
    return provinces, regencies


def render(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """Tab-separated text with a header row and a trailing newline."""
    return "".join("\t".join(row) + "\n" for row in [header, *rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sql", type=Path, help="a local copy of db/wilayah.sql")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    if args.sql:
        raw = args.sql.read_bytes()
    else:
        with urllib.request.urlopen(URL, timeout=60) as response:
            raw = response.read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256:
        print(f"note: input sha256 {digest} is not the pinned {SHA256}", file=sys.stderr)
    provinces, regencies = extract(raw.decode("utf-8"))
    outputs = {
        DATA / "provinces.tsv": render(provinces, ("code", "name")),
        DATA / "regencies.tsv": render(regencies, ("code", "province_code", "name")),
    }
    differ = [path for path, text in outputs.items() if not path.exists() or
              path.read_text("utf-8") != text]  # fmt: skip
    if args.check:
        for path in differ:
            print(f"{path.relative_to(ROOT)} differs from the source", file=sys.stderr)
        return 1 if differ else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(provinces)} provinces and {len(regencies)} regencies/cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
