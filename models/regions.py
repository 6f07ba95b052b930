"""Indonesia's provinces and regencies/cities, and how the names people write are read.

The table is the Kemendagri list shipped in ``models/data`` (``provinces.tsv``,
``regencies.tsv``: made by ``scripts/extract_regions.py``; ``island_groups.tsv`` and
``province_aliases.tsv``: maintained by hand; sources in ``models/data/SOURCES.md``).

Reading a name ignores case, spaces, dots and hyphens ("Kab. Toli Toli" is Kabupaten
Toli-Toli), reads ``Kab``/``Kabupaten``/``Kota`` and an optional ``Administrasi``/``Adm.``
("Kota Jakarta Utara" is Kota Administrasi Jakarta Utara), writes ``Kep.`` out as
``Kepulauan``, and accepts a bare name ("Kendal") when only one regency or city has it in
the province given (or in the country, without a province). "Semarang" alone is refused:
it is both Kabupaten Semarang and Kota Semarang.

Records keep what was written; :class:`Place` exposes the official entry beside it.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Literal

from pydantic import AfterValidator, ValidationInfo, field_validator

from models.common import SelarasModel, ShortText

__all__ = [
    "ISLAND_GROUPS",
    "PROVINCES",
    "REGENCIES",
    "REGIONS_EDITION",
    "Place",
    "Province",
    "ProvinceName",
    "Regency",
    "find_province",
    "find_regency",
]

REGIONS_EDITION = "Kepmendagri No. 300.2.2-2430 Tahun 2025"
"""The edition of the official list the table follows (see models/data/SOURCES.md)."""

ISLAND_GROUPS = (
    "Sumatra", "Java", "Bali–Nusa Tenggara", "Kalimantan", "Sulawesi", "Maluku", "Papua",
)  # fmt: skip
"""The island groups of FORMAT.md (``relocate: island``), west to east."""

RegencyKind = Literal["kabupaten", "kota"]


@dataclass(frozen=True)
class Province:
    """A province: Kemendagri code (``"33"``), official name and island group."""

    code: str
    name: str
    island_group: str


@dataclass(frozen=True)
class Regency:
    """A regency (kabupaten) or city (kota) with its code (``"33.24"``) and province."""

    code: str
    name: str
    kind: RegencyKind
    province: Province


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("models").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    yield from csv.DictReader(lines, delimiter="\t")


def _load_provinces() -> dict[str, Province]:
    groups = {row["province_code"]: row for row in _rows("island_groups.tsv")}
    provinces = {}
    for row in _rows("provinces.tsv"):
        group = groups.pop(row["code"])
        # The hand-kept file names each province so that a reader can check it by eye;
        # a name that no longer matches means the official list changed under it.
        if group["province"] != row["name"] or group["island_group"] not in ISLAND_GROUPS:
            raise RuntimeError(f"island_groups.tsv is out of date at province {row['code']}")
        provinces[row["code"]] = Province(row["code"], row["name"], group["island_group"])
    if groups:
        raise RuntimeError(f"island_groups.tsv names unknown provinces {sorted(groups)}")
    return provinces


def _load_regencies(provinces: Mapping[str, Province]) -> dict[str, Regency]:
    regencies = {}
    for row in _rows("regencies.tsv"):
        kind: RegencyKind = "kota" if row["name"].startswith("Kota ") else "kabupaten"
        regencies[row["code"]] = Regency(
            row["code"], row["name"], kind, provinces[row["province_code"]]
        )
    return regencies


PROVINCES: Mapping[str, Province] = _load_provinces()
"""The 38 provinces by Kemendagri code."""
REGENCIES: Mapping[str, Regency] = _load_regencies(PROVINCES)
"""The 514 regencies and cities by Kemendagri code."""

_KIND_WORDS: Mapping[str, RegencyKind] = {
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "kota": "kota",
    "kotamadya": "kota",
    "kodya": "kota",
}
_KIND_SUFFIXES: Mapping[str, RegencyKind] = {"regency": "kabupaten", "city": "kota"}
_ADMINISTRATIVE = frozenset({"administrasi", "adm"})
_PROVINCE_WORDS = frozenset({"provinsi", "propinsi", "prov", "province"})
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def _tokens(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [
        "kepulauan" if token == "kep" else token for token in _SEPARATORS.split(folded) if token
    ]


def _province_key(text: str) -> str:
    tokens = _tokens(text)
    if len(tokens) > 1 and tokens[0] in _PROVINCE_WORDS:
        tokens = tokens[1:]
    return "".join(tokens)


def _regency_readings(text: str) -> list[tuple[RegencyKind | None, str]]:
    """The (kind, name key) pairs ``text`` may mean, the likeliest first.

    The whole text read as a bare name comes last: "Kota Baru" is Kabupaten Kotabaru.
    """
    tokens = _tokens(text)
    readings: list[tuple[RegencyKind | None, str]] = []
    if len(tokens) > 1 and tokens[0] in _KIND_WORDS:
        rest = tokens[1:]
        while len(rest) > 1 and rest[0] in _ADMINISTRATIVE:
            rest = rest[1:]
        readings.append((_KIND_WORDS[tokens[0]], "".join(rest)))
    elif len(tokens) > 1 and tokens[-1] in _KIND_SUFFIXES:
        readings.append((_KIND_SUFFIXES[tokens[-1]], "".join(tokens[:-1])))
    readings.append((None, "".join(tokens)))
    return readings


def _province_index() -> dict[str, str]:
    index = {_province_key(p.name): p.code for p in PROVINCES.values()}
    for row in _rows("province_aliases.tsv"):
        key = _province_key(row["alias"])
        if index.setdefault(key, row["province_code"]) != row["province_code"]:
            raise RuntimeError(f"province alias {row['alias']!r} is ambiguous")
    return index


def _regency_indexes() -> tuple[
    dict[tuple[RegencyKind, str], list[Regency]], dict[str, list[Regency]]
]:
    """Regencies by (kind, name key) and by name key alone."""
    by_kind: dict[tuple[RegencyKind, str], list[Regency]] = defaultdict(list)
    by_name: dict[str, list[Regency]] = defaultdict(list)
    for regency in REGENCIES.values():
        kind, key = _regency_readings(regency.name)[0]
        assert kind is not None  # every official name starts with Kabupaten or Kota
        by_kind[kind, key].append(regency)
        by_name[key].append(regency)
    return dict(by_kind), dict(by_name)


_PROVINCE_INDEX = _province_index()
_BY_KIND, _BY_NAME = _regency_indexes()


def _suggestion(key: str, choices: Mapping[str, str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
    return f"; did you mean {choices[close[0]]!r}?" if close else ""


@functools.lru_cache(maxsize=1024)
def find_province(text: str) -> Province:
    """Return the province ``text`` names: its official name or a usual variant.

    Parameters
    ----------
    text : str
        A province as written: "Jawa Tengah", "JAWA TENGAH", "Provinsi Jawa Tengah",
        "Jateng", "DKI Jakarta", "DI Yogyakarta", "NTB"...

    Returns
    -------
    Province

    Raises
    ------
    ValueError
        If no province has that name, with the closest official name when one is close.
    """
    code = _PROVINCE_INDEX.get(_province_key(text))
    if code is None:
        names = {_province_key(p.name): p.name for p in PROVINCES.values()}
        raise ValueError(
            f"{text!r} is not an Indonesian province ({REGIONS_EDITION})"
            + _suggestion(_province_key(text), names)
        )
    return PROVINCES[code]


@functools.lru_cache(maxsize=4096)
def find_regency(text: str, province: Province | None = None) -> Regency:
    """Return the regency or city ``text`` names, within ``province`` when given.

    Parameters
    ----------
    text : str
        A regency or city as written: "Kabupaten Kendal", "Kab. Kendal", "Kendal",
        "Kota Semarang", "Kota Jakarta Utara", "Kendal Regency"...
    province : Province, optional
        The province it must be in; a bare name is then read within that province.

    Returns
    -------
    Regency

    Raises
    ------
    ValueError
        If the name is unknown (with the closest official name), ambiguous (with the
        choices), or names a regency of another province.
    """
    for kind, key in _regency_readings(text):
        found = _BY_NAME.get(key, []) if kind is None else _BY_KIND.get((kind, key), [])
        if not found:
            continue
        inside = [r for r in found if province in (None, r.province)]
        if len(inside) == 1:
            return inside[0]
        if len(inside) > 1:
            options = " or ".join(repr(r.name) for r in inside)
            raise ValueError(f"{text!r} is ambiguous: write {options}")
        elsewhere = ", ".join(f"{r.name} is in {r.province.name}" for r in found)
        assert province is not None
        raise ValueError(f"{text!r} is not in {province.name}: {elsewhere}")
    where = "Indonesia" if province is None else province.name
    problem = f"{text!r} is not a regency or city of {where} ({REGIONS_EDITION})"
    # Suggest by the name without its kind, so that "Kota Kendal" (the name exists as the
    # other kind, the likeliest meaning) and "Kab. Kendall" (a typo) both get an answer.
    choices = {
        key: names
        for key, regencies in _BY_NAME.items()
        if (names := [r.name for r in regencies if province in (None, r.province)])
    }
    key = _regency_readings(text)[0][1]
    close = [key] if key in choices else difflib.get_close_matches(key, list(choices), 1, 0.75)
    if close:
        raise ValueError(f"{problem}; did you mean {' or '.join(map(repr, choices[close[0]]))}?")
    raise ValueError(problem)


def _check_province(value: str) -> str:
    find_province(value)
    return value


ProvinceName = Annotated[ShortText, AfterValidator(_check_province)]
"""A province name as written, checked against the official list (kept unchanged)."""


class Place(SelarasModel):
    """A place in Indonesia: a province and, optionally, a regency or city in it.

    Both are kept as written; :attr:`official_province` and :attr:`official_regency`
    give the official entries (code, name, island group) they were read as.
    """

    province: ProvinceName
    regency: ShortText | None = None

    @field_validator("regency")
    @classmethod
    def _known_regency(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            # An unknown province has its own error already: read the regency nationally.
            written = info.data.get("province")
            find_regency(value, find_province(written) if written is not None else None)
        return value

    @property
    def official_province(self) -> Province:
        """The province :attr:`province` names."""
        return find_province(self.province)

    @property
    def official_regency(self) -> Regency | None:
        """The regency or city :attr:`regency` names (None when not given)."""
        if self.regency is None:
            return None
        return find_regency(self.regency, self.official_province)
