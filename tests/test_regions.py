"""The Indonesian region table (models/data) and how written names are read (models.regions)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from models.regions import (
    ISLAND_GROUPS,
    PROVINCES,
    REGENCIES,
    Place,
    Regency,
    find_province,
    find_regency,
)

DATA = Path(__file__).resolve().parents[1] / "models" / "data"


# --- the table -----------------------------------------------------------------------


def test_the_table_has_every_province_regency_and_city() -> None:
    # Kepmendagri No. 300.2.2-2430 Tahun 2025: 38 provinces, 416 kabupaten, 98 kota.
    assert len(PROVINCES) == 38
    kinds = [r.kind for r in REGENCIES.values()]
    assert (kinds.count("kabupaten"), kinds.count("kota")) == (416, 98)
    assert all(re.fullmatch(r"[0-9]{2}", code) for code in PROVINCES)
    for code, regency in REGENCIES.items():
        assert re.fullmatch(r"[0-9]{2}\.[0-9]{2}", code)
        assert regency.province.code == code[:2]
        assert regency.name.startswith("Kabupaten " if regency.kind == "kabupaten" else "Kota ")
        assert regency.name == " ".join(regency.name.split())


def test_every_province_has_a_regency_and_one_of_the_seven_island_groups() -> None:
    assert {p.island_group for p in PROVINCES.values()} == set(ISLAND_GROUPS)
    assert {r.province.code for r in REGENCIES.values()} == set(PROVINCES)


@pytest.mark.parametrize(
    ("province", "group"),
    [
        ("Kepulauan Riau", "Sumatra"),
        ("Kepulauan Bangka Belitung", "Sumatra"),
        ("Daerah Khusus Jakarta", "Java"),
        ("Banten", "Java"),
        ("Daerah Istimewa Yogyakarta", "Java"),
        ("Nusa Tenggara Timur", "Bali–Nusa Tenggara"),
        ("Kalimantan Utara", "Kalimantan"),
        ("Gorontalo", "Sulawesi"),
        ("Maluku Utara", "Maluku"),
        ("Papua Barat Daya", "Papua"),
    ],
)
def test_island_groups_follow_the_format(province: str, group: str) -> None:
    assert find_province(province).island_group == group


def test_the_sources_are_recorded() -> None:
    sources = (DATA / "SOURCES.md").read_text("utf-8")
    assert "cahyadsn/wilayah" in sources
    assert "d68e8d5516f969d1905d0b2940f20034becb0db7" in sources
    assert "300.2.2-2430" in sources
    assert (DATA.parents[1] / "scripts" / "extract_regions.py").is_file()


# --- reading names -------------------------------------------------------------------


@pytest.mark.parametrize("regency", list(REGENCIES.values()), ids=lambda r: r.code)
def test_every_official_name_reads_as_itself(regency: Regency) -> None:
    assert find_regency(regency.name) == regency
    assert find_regency(regency.name, regency.province) == regency
    assert find_regency(regency.name.upper(), regency.province) == regency


@pytest.mark.parametrize(
    ("written", "province", "official"),
    [
        ("Kabupaten Kendal", "Jawa Tengah", "Kabupaten Kendal"),
        ("Kab. Kendal", "Jawa Tengah", "Kabupaten Kendal"),
        ("KAB KENDAL", None, "Kabupaten Kendal"),
        ("Kendal", "Jawa Tengah", "Kabupaten Kendal"),  # unambiguous bare name
        ("Kendal Regency", None, "Kabupaten Kendal"),
        ("Kota Semarang", "Jawa Tengah", "Kota Semarang"),
        ("Kota Jakarta Utara", "DKI Jakarta", "Kota Administrasi Jakarta Utara"),
        ("Kota Adm. Jakarta Utara", None, "Kota Administrasi Jakarta Utara"),
        ("Jakarta Utara", None, "Kota Administrasi Jakarta Utara"),
        ("Kab. Kep. Seribu", None, "Kabupaten Administrasi Kepulauan Seribu"),
        ("Kab Kep Siau Tagulandang Biaro", None, "Kabupaten Kepulauan Siau Tagulandang Biaro"),
        ("Kabupaten Tolitoli", None, "Kabupaten Toli-Toli"),
        ("Kab. Fakfak", None, "Kabupaten Fak Fak"),
        ("Kota Baubau", None, "Kota Bau Bau"),
        ("Kota Palangka Raya", None, "Kota Palangkaraya"),
        ("Kab. Gunung Kidul", None, "Kabupaten Gunungkidul"),
        ("Kota Baru", None, "Kabupaten Kotabaru"),  # read as a bare name
        ("Banjar", "Jawa Barat", "Kota Banjar"),  # the province settles it
        ("Banjar", "Kalimantan Selatan", "Kabupaten Banjar"),
    ],
)
def test_usual_spellings_read_as_the_official_name(
    written: str, province: str | None, official: str
) -> None:
    within = find_province(province) if province else None
    assert find_regency(written, within).name == official


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Daerah Khusus Jakarta", "31"),
        ("DKI Jakarta", "31"),
        ("Daerah Khusus Ibukota Jakarta", "31"),  # the source's name
        ("Provinsi Jawa Tengah", "33"),
        ("JAWA TENGAH", "33"),
        ("Jateng", "33"),
        ("DI Yogyakarta", "34"),
        ("D.I. Yogyakarta", "34"),
        ("NTB", "52"),
        ("Kep. Riau", "21"),
        ("Bangka Belitung", "19"),
        ("West Java", "32"),
    ],
)
def test_usual_province_spellings(written: str, code: str) -> None:
    assert find_province(written).code == code


def test_every_alias_names_a_province() -> None:
    text = (DATA / "province_aliases.tsv").read_text("utf-8").splitlines()
    rows = list(csv.DictReader([line for line in text if not line.startswith("#")], delimiter="\t"))
    assert rows
    for row in rows:
        assert find_province(row["alias"]).code == row["province_code"]


@pytest.mark.parametrize(
    ("written", "province", "message"),
    [
        ("Semarang", "Jawa Tengah", "'Semarang' is ambiguous: write 'Kabupaten Semarang' or "),
        ("Bekasi", None, "is ambiguous"),
        ("Banjar", None, "'Banjar' is ambiguous"),
        ("Kota Kendal", None, "did you mean 'Kabupaten Kendal'?"),
        ("Kabupaten Yogyakarta", None, "did you mean 'Kota Yogyakarta'?"),
        ("Kab. Kendall", "Jawa Tengah", "did you mean 'Kabupaten Kendal'?"),
        ("Kabupaten Kendal", "Jawa Barat", "Kabupaten Kendal is in Jawa Tengah"),
        ("Kabupaten Merauke", "Papua", "Kabupaten Merauke is in Papua Selatan"),
        ("Cikarang", None, "is not a regency or city of Indonesia"),
    ],
)
def test_unknown_ambiguous_or_misplaced_regencies_are_refused(
    written: str, province: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        find_regency(written, find_province(province) if province else None)


def test_unknown_province_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match="did you mean 'Jawa Tengah'"):
        find_province("Jawa Tenggara")


_SEPARATORS = st.sampled_from([" ", "  ", "-", ". ", " - "])


@given(
    regency=st.sampled_from(list(REGENCIES.values())),
    data=st.data(),
)
def test_case_and_separators_never_change_the_reading(
    regency: Regency, data: st.DataObject
) -> None:
    words = regency.name.replace("-", " ").split()
    cased = [data.draw(st.sampled_from([w, w.lower(), w.upper()])) for w in words]
    written = cased[0]
    for word in cased[1:]:
        written += data.draw(_SEPARATORS) + word
    assert find_regency(written, regency.province) == regency


# --- the Place model -----------------------------------------------------------------


def test_place_keeps_what_was_written_and_exposes_the_official_entry() -> None:
    written = {"province": "DKI Jakarta", "regency": "Kota Jakarta Utara"}
    place = Place.model_validate(written)
    assert place.model_dump() == written  # accepted data is never silently altered
    assert place.official_province.name == "Daerah Khusus Jakarta"
    assert place.official_province.code == "31"
    regency = place.official_regency
    assert regency is not None
    assert (regency.code, regency.name) == ("31.72", "Kota Administrasi Jakarta Utara")
    assert Place.model_validate({"province": "Bali"}).official_regency is None


def test_place_reports_an_unknown_province_and_still_checks_the_regency() -> None:
    with pytest.raises(ValidationError) as raised:
        Place.model_validate({"province": "Atlantis", "regency": "Kota Atlantis"})
    assert [e["loc"] for e in raised.value.errors()] == [("province",), ("regency",)]
