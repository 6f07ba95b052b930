"""The v2 data files parse and every figure is sourced or explicitly marked.

``matcher/data/minimum_wages_id.json``, ``recognition.json`` and
``training_catalogue_facts.json`` (described in ``matcher/data/SOURCES_v2.md``): a header
like the rule packs', a sources table, and on every entry either known source keys or a
``status`` of ``unverified``/``illustrative`` with a note saying why.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import pytest

FILES = ("minimum_wages_id.json", "recognition.json", "training_catalogue_facts.json")

# Kemendagri 2025: the 38 provinces.
PROVINCES = frozenset(
    {
        "Aceh",
        "Sumatera Utara",
        "Sumatera Barat",
        "Riau",
        "Jambi",
        "Sumatera Selatan",
        "Bengkulu",
        "Lampung",
        "Kepulauan Bangka Belitung",
        "Kepulauan Riau",
        "Daerah Khusus Jakarta",
        "Jawa Barat",
        "Jawa Tengah",
        "Daerah Istimewa Yogyakarta",
        "Jawa Timur",
        "Banten",
        "Bali",
        "Nusa Tenggara Barat",
        "Nusa Tenggara Timur",
        "Kalimantan Barat",
        "Kalimantan Tengah",
        "Kalimantan Selatan",
        "Kalimantan Timur",
        "Kalimantan Utara",
        "Sulawesi Utara",
        "Sulawesi Tengah",
        "Sulawesi Selatan",
        "Sulawesi Tenggara",
        "Gorontalo",
        "Sulawesi Barat",
        "Maluku",
        "Maluku Utara",
        "Papua",
        "Papua Barat",
        "Papua Selatan",
        "Papua Tengah",
        "Papua Pegunungan",
        "Papua Barat Daya",
    }
)

# The industrial regencies/cities the v2 brief asks for, both years.
REQUIRED_UMK = frozenset(
    {
        "Kabupaten Kendal",
        "Kabupaten Batang",
        "Kabupaten Bekasi",
        "Kota Bekasi",
        "Kabupaten Karawang",
        "Kabupaten Purwakarta",
        "Kota Batam",
        "Kabupaten Morowali",
        "Kabupaten Gresik",
        "Kabupaten Pasuruan",
        "Kota Surabaya",
        "Kabupaten Sidoarjo",
        "Kabupaten Serang",
        "Kota Cilegon",
        "Kabupaten Tangerang",
        "Kota Semarang",
        "Kabupaten Bogor",
    }
)

STATUSES = ("verified", "unverified", "illustrative")
PROVIDER_KINDS = frozenset({"BDI", "POLITEKNIK", "BLK", "LPK", "LSP", "OTHER"})
KEMENPERIN_BDI = frozenset(
    {
        "Balai Diklat Industri Medan",
        "Balai Diklat Industri Padang",
        "Balai Diklat Industri Jakarta",
        "Balai Diklat Industri Yogyakarta",
        "Balai Diklat Industri Surabaya",
        "Balai Diklat Industri Denpasar",
        "Balai Diklat Industri Makassar",
    }
)


@cache
def load(name: str) -> dict[str, Any]:
    path = resources.files("matcher") / "data" / name
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def wages() -> dict[str, Any]:
    return load("minimum_wages_id.json")


def recognition() -> dict[str, Any]:
    return load("recognition.json")


def catalogue() -> dict[str, Any]:
    return load("training_catalogue_facts.json")


def source_keys(entry: dict[str, Any]) -> list[str]:
    """Every source key an entry names: ``source`` + ``also`` or ``sources``."""
    keys: list[str] = []
    if entry.get("source") is not None:
        keys.append(entry["source"])
    keys += entry.get("also", [])
    keys += entry.get("sources", [])
    keys += [alt["source"] for alt in entry.get("alternatives", []) if alt.get("source")]
    return keys


def marked_entries(name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, entry) for every entry of a file that must carry provenance."""
    data = load(name)
    if name == "minimum_wages_id.json":
        for part in ("rules", "wage_periods", "ump", "umk"):
            for entry in data[part]:
                yield f"{part}:{entry['id']}", entry
    elif name == "recognition.json":
        yield "rpl", data["rpl"]
        for part in ("rules", "equivalences"):
            for entry in data[part]:
                yield f"{part}:{entry['id']}", entry
    else:
        for part in ("providers", "facts", "course_templates"):
            for entry in data[part]:
                yield f"{part}:{entry['id']}", entry
        for course in data["course_templates"]:
            for field, prov in course["provenance"].items():
                yield f"provenance:{course['id']}.{field}", prov


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize("name", FILES)
def test_header_like_the_rule_packs(name: str) -> None:
    data = load(name)
    assert data["schema"].startswith("selaras.")
    assert data["schema"].endswith("/1")
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\d+", data["version"])
    assert match, data["version"]
    assert parse_date(match.group(1)) == parse_date(data["updated"])
    assert data["title"]


@pytest.mark.parametrize("name", FILES)
def test_sources_table(name: str) -> None:
    sources = load(name)["sources"]
    assert sources
    for key, src in sources.items():
        assert src["url"].startswith(("http://", "https://")), key
        assert src["title"], key
        parse_date(src["accessed"])
        assert isinstance(src["official"], bool), key


@pytest.mark.parametrize("name", FILES)
def test_every_entry_is_sourced_or_marked(name: str) -> None:
    sources = load(name)["sources"]
    seen = 0
    for label, entry in marked_entries(name):
        seen += 1
        status = entry["status"]
        assert status in STATUSES, label
        assert entry["verified"] is (status == "verified"), label
        keys = source_keys(entry)
        assert all(k in sources for k in keys), (label, [k for k in keys if k not in sources])
        if status == "verified":
            assert keys, f"{label}: verified without a source"
        else:
            assert entry.get("note"), f"{label}: {status} without a note saying why"
    assert seen > 0


@pytest.mark.parametrize("name", FILES)
def test_every_source_is_used(name: str) -> None:
    data = load(name)
    used = {k for _, e in marked_entries(name) for k in source_keys(e)}
    if name == "recognition.json":
        used |= {e["source"] for e in data["not_encoded"] if e["source"]}
    assert set(data["sources"]) == used


@pytest.mark.parametrize("name", FILES)
def test_ids_are_unique(name: str) -> None:
    ids = Counter(
        label.split(":", 1)[1]
        for label, _ in marked_entries(name)
        if not label.startswith(("provenance:", "rpl"))
    )
    assert [i for i, n in ids.items() if n > 1] == []


# --- minimum wages ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_ump_for_all_38_provinces(year: int) -> None:
    rows = [r for r in wages()["ump"] if r["year"] == year]
    names = Counter(r["province"] for r in rows)
    assert set(names) == PROVINCES
    assert len(PROVINCES) == 38
    assert all(n == 1 for n in names.values())


def test_wage_rows_are_dated_amounts() -> None:
    for row in wages()["ump"] + wages()["umk"]:
        assert row["currency"] == "IDR", row["id"]
        assert row["per"] == "month", row["id"]
        assert row["amount"] > 0, row["id"]
        start = parse_date(row["effective_from"])
        assert start.year == row["year"], row["id"]
        if not row["id"].endswith("-R"):
            assert (start.month, start.day) == (1, 1), row["id"]
        assert row["province"] in PROVINCES, row["id"]


def test_umk_for_the_industrial_regencies() -> None:
    rows = wages()["umk"]
    for row in rows:
        assert row["regency"].startswith(("Kabupaten ", "Kota ")), row["id"]
    for year in (2025, 2026):
        have = {r["regency"] for r in rows if r["year"] == year}
        assert have >= REQUIRED_UMK, (year, REQUIRED_UMK - have)


def test_umk_not_below_ump() -> None:
    ump = {(r["province"], r["year"]): r["amount"] for r in wages()["ump"]}
    for row in wages()["umk"]:
        assert row["amount"] >= ump[(row["province"], row["year"])], row["id"]


def test_carried_forward_rows_are_unverified() -> None:
    carried = [r for r in wages()["ump"] + wages()["umk"] if r.get("basis") == "carried_forward"]
    assert all(r["status"] == "unverified" for r in carried)


# --- recognition -----------------------------------------------------------------------------


def test_recognition_rules() -> None:
    data = recognition()
    assert data["rules"]
    for rule in data["rules"]:
        assert rule["kind"] in ("experience", "certificate", "certificate+experience"), rule["id"]
        assert rule["inputs"], rule["id"]
        assert 1 <= rule["level"] <= 5, rule["id"]
        assert 1 <= rule["kkni_indicative"] <= 9, rule["id"]
        assert rule["basis"] in ("policy", "sourced_equivalence"), rule["id"]
        assert rule["rationale"], rule["id"]
        assert rule["sources"], rule["id"]
    bases = {rule["basis"] for rule in data["rules"]}
    assert bases == {"policy", "sourced_equivalence"}


def test_recognition_not_encoded_sources_known() -> None:
    data = recognition()
    for item in data["not_encoded"]:
        assert item["reason"]
        assert item["source"] is None or item["source"] in data["sources"]


# --- training catalogue facts ----------------------------------------------------------------


def test_provider_kinds_and_provinces() -> None:
    for provider in catalogue()["providers"]:
        assert provider["kind"] in PROVIDER_KINDS, provider["id"]
        assert provider["province"] is None or provider["province"] in PROVINCES, provider["id"]


def test_the_seven_bdi() -> None:
    bdi = {p["name"] for p in catalogue()["providers"] if p["kind"] == "BDI"}
    assert bdi == KEMENPERIN_BDI


def test_course_templates_have_the_course_shape() -> None:
    rank = {s: i for i, s in enumerate(STATUSES)}
    for course in catalogue()["course_templates"]:
        assert course["provider"]["kind"] in PROVIDER_KINDS, course["id"]
        assert course["provider"]["province"] in PROVINCES, course["id"]
        assert isinstance(course["duration_weeks"], int), course["id"]
        assert course["duration_weeks"] > 0, course["id"]
        assert course["cost"]["amount"] >= 0, course["id"]
        assert course["cost"]["currency"] == "IDR", course["id"]
        assert 0 <= course["pass_rate"] <= 1, course["id"]
        for cohort in course["cohorts"]:
            parse_date(cohort["start"])
            assert cohort["seats"] > 0
        for part in ("skills", "certificates", "languages"):
            assert isinstance(course["confers"][part], list)
        for skill in course["confers"]["skills"]:
            assert 1 <= skill["level"] <= 5
        worst = max((p["status"] for p in course["provenance"].values()), key=rank.__getitem__)
        assert course["status"] == worst, course["id"]


def test_facts_dates() -> None:
    for fact in catalogue()["facts"]:
        as_of = fact.get("as_of")
        if as_of is not None:
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", as_of), fact["id"]
        if fact["status"] == "verified":
            assert as_of is not None or all(
                catalogue()["sources"][k]["published"] is None for k in fact["sources"]
            ), fact["id"]
