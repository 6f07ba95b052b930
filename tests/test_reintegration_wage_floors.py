"""Indonesia's minimum wage for domestic opportunities: the table, the floor in force at a
place on a date (UMK, else UMP), wage periods and the opportunity gate."""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from matcher.reintegration import (
    MinimumWageError,
    check_opportunity_wage,
    floor_in_force,
    load_minimum_wages,
    monthly_wage,
)
from matcher.rules.exchange_rates import load_exchange_rates
from matcher.text.messages import render
from models.opportunity import Opportunity
from models.regions import Place

AS_OF = dt.date(2026, 3, 1)


@cache
def shipped() -> dict[str, Any]:
    text = (resources.files("matcher") / "data" / "minimum_wages_id.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def place(province: str, regency: str | None = None) -> Place:
    return Place(province=province, regency=regency)


def opportunity(
    amount: float,
    per: str = "month",
    currency: str = "IDR",
    *,
    kind: str = "job",
    province: str = "Jawa Tengah",
    regency: str | None = "Kabupaten Kendal",
    start: str | None = "2026-05-01",
) -> Opportunity:
    record: dict[str, Any] = {
        "id": "OPP-T",
        "kind": kind,
        "organiser": {"name": "PT Uji", "type": "company"},
        "title": "Welder",
        "location": {"province": province, "regency": regency},
        "slots": 1,
        "start_date": start,
    }
    if kind in ("job", "trainer_post"):
        record["wage"] = {"amount": amount, "currency": currency, "per": per}
    return Opportunity.model_validate(record)


# --- the floor in force --------------------------------------------------------------------


def test_regency_with_umk_on_both_sides_of_new_year() -> None:
    kendal = place("Jawa Tengah", "Kab. Kendal")
    before = floor_in_force(kendal, dt.date(2025, 12, 31))
    after = floor_in_force(kendal, dt.date(2026, 1, 1))
    assert before is not None
    assert after is not None
    assert (before.basis, before.amount, before.row_id) == ("UMK", 2783455.25, "UMK-KDL-2025")
    assert (after.basis, after.amount, after.row_id) == ("UMK", 2992994, "UMK-KDL-2026")
    assert after.effective_from == dt.date(2026, 1, 1)
    assert after.place == "Kabupaten Kendal"
    assert after.verified
    assert not after.beyond_coverage
    sources = shipped()["sources"]
    assert after.source == sources["JATENG-UMK-2026"]["url"]


def test_regency_without_umk_uses_the_province_ump() -> None:
    jepara = floor_in_force(place("Jawa Tengah", "Kabupaten Jepara"), dt.date(2026, 6, 1))
    province_only = floor_in_force(place("Jawa Tengah"), dt.date(2026, 6, 1))
    assert jepara is not None
    assert province_only is not None
    assert (jepara.basis, jepara.amount, jepara.place) == ("UMP", 2327386.07, "Jawa Tengah")
    assert province_only == jepara


def test_province_with_no_umk_in_the_table_on_both_sides_of_new_year() -> None:
    lombok = place("Nusa Tenggara Barat", "Kabupaten Lombok Timur")
    before = floor_in_force(lombok, dt.date(2025, 12, 31))
    after = floor_in_force(lombok, dt.date(2026, 1, 1))
    assert before is not None
    assert after is not None
    assert (before.basis, before.amount) == ("UMP", 2602931)
    assert (after.basis, after.amount) == ("UMP", 2673861)


def test_a_revision_row_takes_over_from_its_date() -> None:
    surabaya = place("Jawa Timur", "Kota Surabaya")
    october = floor_in_force(surabaya, dt.date(2025, 10, 31))
    november = floor_in_force(surabaya, dt.date(2025, 11, 1))
    assert october is not None
    assert november is not None
    assert (october.row_id, november.row_id) == ("UMK-SBY-2025", "UMK-SBY-2025-R")
    assert november.amount > october.amount


def test_no_floor_before_the_table_and_coverage_after_it() -> None:
    assert floor_in_force(place("Jawa Barat", "Kabupaten Karawang"), dt.date(2024, 12, 31)) is None
    late = floor_in_force(place("Jawa Barat", "Kabupaten Karawang"), dt.date(2027, 2, 1))
    assert late is not None
    assert late.row_id == "UMK-KRW-2026"
    assert late.beyond_coverage


def test_unverified_row_is_marked() -> None:
    diy = floor_in_force(place("Daerah Istimewa Yogyakarta", "Kota Yogyakarta"), AS_OF)
    assert diy is not None
    assert diy.basis == "UMP"
    assert diy.row_id == "UMP-YO-2026"
    assert not diy.verified
    assert diy.note


def test_every_province_has_a_floor_in_2025_and_2026() -> None:
    from models.regions import PROVINCES

    for province in PROVINCES.values():
        for day in (dt.date(2025, 6, 1), dt.date(2026, 6, 1)):
            found = floor_in_force(place(province.name), day)
            assert found is not None, (province.name, day)
            assert found.effective_from.year == day.year


def test_a_umk_below_the_ump_gives_way(tmp_path: Path) -> None:
    data = copy.deepcopy(shipped())
    row = next(r for r in data["umk"] if r["id"] == "UMK-BTG-2026")
    row["amount"] = 2000000.0  # below UMP Jawa Tengah 2026 (2,327,386.07)
    path = tmp_path / "wages.json"
    path.write_text(json.dumps(data), "utf-8")
    table = load_minimum_wages(path)
    found = floor_in_force(place("Jawa Tengah", "Kabupaten Batang"), AS_OF, table=table)
    assert found is not None
    assert (found.basis, found.amount) == ("UMP", 2327386.07)


# --- wage periods ----------------------------------------------------------------------------


def test_wage_periods_are_sourced_conventions() -> None:
    table = load_minimum_wages()
    assert monthly_wage(20000, "hour") == 20000 * 126
    assert monthly_wage(36_000_000, "year") == 3_000_000
    assert monthly_wage(3_100_000, "month") == 3_100_000
    hour = table.periods["hour"]
    assert hour.by == 126
    assert "PP 36/2021" in hour.legal_basis
    assert table.header.sources[hour.source].url.startswith("https://")


# --- the opportunity gate --------------------------------------------------------------------


def reasons(check: Any, lang: str = "en") -> list[tuple[str, str, str | None]]:
    return [(n.kind, render(n.message, lang), n.source) for n in check.refusals]


@pytest.mark.parametrize(
    ("amount", "per", "refused"),
    [
        (2_992_994, "month", False),  # exactly the UMK is not below it
        (2_992_993, "month", True),
        (23_754, "hour", False),  # x 126 = 2,993,004
        (23_000, "hour", True),  # x 126 = 2,898,000
        (36_000_000, "year", False),  # / 12 = 3,000,000
        (35_000_000, "year", True),  # / 12 = 2,916,667
    ],
)
def test_gate_at_a_regency_with_umk(amount: float, per: str, refused: bool) -> None:
    check = check_opportunity_wage(opportunity(amount, per), AS_OF)
    assert check.refused is refused
    assert check.floor is not None
    assert check.floor.row_id == "UMK-KDL-2026"
    assert check.day == dt.date(2026, 5, 1)
    if refused:
        [(kind, detail, source)] = reasons(check)
        assert kind == "wage_below_floor"
        assert "Kabupaten Kendal (UMK)" in detail
        assert "2,992,994 IDR/month" in detail
        assert "(from 2026-01-01)" in detail
        assert source == shipped()["sources"]["JATENG-UMK-2026"]["url"]
        if per == "hour":
            assert "x 126" in detail
            assert "PP 36/2021" in detail
        indonesian = reasons(check, "id")[0][1]
        assert "upah minimum Kabupaten Kendal (UMK) 2,992,994 IDR/bulan" in indonesian


def test_gate_at_a_province_without_umk() -> None:
    below = opportunity(2_600_000, province="Nusa Tenggara Barat", regency="Kabupaten Sumbawa")
    above = opportunity(2_700_000, province="Nusa Tenggara Barat", regency="Kabupaten Sumbawa")
    [(kind, detail, source)] = reasons(check_opportunity_wage(below, AS_OF))
    assert kind == "wage_below_floor"
    assert "Nusa Tenggara Barat (UMP)" in detail
    assert "2,673,861 IDR/month" in detail
    assert source == shipped()["sources"]["NTB-2026"]["url"]
    assert not check_opportunity_wage(above, AS_OF).refused


def test_gate_date_is_start_date_else_as_of() -> None:
    # 2,900,000 meets Kendal's 2025 UMK (2,783,455.25) but not its 2026 UMK (2,992,994).
    assert not check_opportunity_wage(opportunity(2_900_000, start="2025-12-31"), AS_OF).refused
    assert check_opportunity_wage(opportunity(2_900_000, start="2026-01-01"), AS_OF).refused
    undated = opportunity(2_900_000, start=None)
    assert not check_opportunity_wage(undated, dt.date(2025, 12, 1)).refused
    assert check_opportunity_wage(undated, dt.date(2026, 1, 2)).refused


def test_gate_converts_other_currencies_with_the_rate_shown() -> None:
    rates = load_exchange_rates()
    usd = rates.snapshot_on(AS_OF).rates["USD"]
    low = check_opportunity_wage(opportunity(170, currency="USD"), AS_OF)
    assert low.monthly_wage == pytest.approx(170 * usd)
    [(kind, detail, _)] = reasons(low)
    assert kind == "wage_below_floor"
    assert f"rate {usd:,.0f} IDR/USD of 2025-12-01" in detail
    assert "kurs" in reasons(low, "id")[0][1]
    assert not check_opportunity_wage(opportunity(200, currency="USD"), AS_OF).refused


def test_gate_refuses_a_currency_without_a_rate_as_invalid() -> None:
    check = check_opportunity_wage(opportunity(1000, currency="XAF"), AS_OF)
    [(kind, detail, source)] = reasons(check)
    assert kind == "invalid"
    assert "XAF" in detail
    assert "no exchange rate" in detail
    assert source
    assert check.monthly_wage is None


def test_gate_flags_an_unverified_floor_and_one_past_coverage() -> None:
    diy = opportunity(3_000_000, province="DI Yogyakarta", regency="Kota Yogyakarta")
    check = check_opportunity_wage(diy, AS_OF)
    assert not check.refused
    assert [n.kind for n in check.flags] == ["unverified_rule"]
    assert "UMP-YO-2026" in render(check.flags[0].message)
    late = check_opportunity_wage(opportunity(3_000_000, start="2027-03-01"), AS_OF)
    assert [n.kind for n in late.flags] == ["wage_floor_unknown"]
    assert "2026-12-31" in render(late.flags[0].message)


def test_gate_flags_a_date_before_the_table() -> None:
    check = check_opportunity_wage(opportunity(1_000_000, start="2024-06-01"), AS_OF)
    assert not check.refused
    assert check.floor is None
    assert [n.kind for n in check.flags] == ["wage_floor_unknown"]


@pytest.mark.parametrize("kind", ["ikm_programme", "cooperative"])
def test_kinds_without_a_wage_pass(kind: str) -> None:
    check = check_opportunity_wage(opportunity(0, kind=kind), AS_OF)
    assert not check.refused
    assert not check.flags
    assert check.monthly_wage is None


def test_trainer_post_is_gated_like_a_job() -> None:
    check = check_opportunity_wage(opportunity(2_000_000, kind="trainer_post"), AS_OF)
    assert [n.kind for n in check.refusals] == ["wage_below_floor"]


# --- loading errors --------------------------------------------------------------------------


def _broken(tmp_path: Path, change: Any) -> str:
    data = copy.deepcopy(shipped())
    change(data)
    path = tmp_path / "wages.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(MinimumWageError) as error:
        load_minimum_wages(path)
    assert str(error.value).startswith(f"{path}: ")
    return str(error.value)


def _set(path: list[Any], value: Any) -> Any:
    def change(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["umk", 3, "amount"], "x"), "key 'umk[3].amount': expected a number > 0"),
        (_set(["umk", 0, "colour"], 1), "key 'umk[0].colour': is not a known key"),
        (_set(["ump", 0, "source"], "NOPE"), "key 'ump[0].source': 'NOPE' is not a key"),
        (_set(["ump", 0, "province"], "Atlantis"), "key 'ump[0].province': 'Atlantis'"),
        (_set(["umk", 0, "regency"], "Kab. Kendal"), "write the official name 'Kabupaten Kendal'"),
        (_set(["umk", 0, "effective_from"], "2024-01-01"), "is not in the row's year 2025"),
        (_set(["umk", 0, "verified"], False), "key 'umk[0].verified': must be true"),
        (_set(["umk", 0, "currency"], "USD"), "key 'umk[0].currency': must be one of IDR"),
        (_set(["version"], "2026-01-01.1"), "key 'version': expected '2026-12-04.N'"),
        (_set(["wage_periods"], []), "key 'wage_periods': needs exactly one period"),
        (_set(["wage_periods", 0, "to_month"], "times"), "key 'wage_periods[0].to_month'"),
        (_set(["sources", "DKJ-2026", "url"], "ftp://x"), "expected an http(s) URL"),
    ],
)
def test_malformed_table_names_the_key(tmp_path: Path, change: Any, message: str) -> None:
    assert message in _broken(tmp_path, change)


def test_unverified_row_needs_a_note(tmp_path: Path) -> None:
    def change(data: Any) -> None:
        row = data["umk"][0]
        row["status"], row["verified"] = "unverified", False
        row.pop("note", None)

    assert "key 'umk[0].note': is required when status is 'unverified'" in _broken(tmp_path, change)


def test_duplicate_rows_and_missing_provinces(tmp_path: Path) -> None:
    assert "two rows for Kabupaten Kendal from 2025-01-01" in _broken(
        tmp_path, lambda d: d["umk"].append({**d["umk"][0], "id": "UMK-KDL-X"})
    )
    assert "duplicate id 'UMK-KDL-2025'" in _broken(
        tmp_path, lambda d: d["umk"].append({**d["umk"][0], "effective_from": "2025-06-01"})
    )
    assert "no UMP for Aceh" in _broken(
        tmp_path, lambda d: d.update(ump=[r for r in d["ump"] if r["province"] != "Aceh"])
    )
