"""Destination rule packs, wage floors in force, hours conventions and currency conversion."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from matcher.rules.packs import (
    PACK_NAMES,
    ExchangeRateError,
    RulePack,
    RulePackError,
    convert_currency,
    hours_per_month,
    legal_pack,
    load_exchange_rates,
    load_rule_packs,
    monthly_equivalent,
    rule_pack,
    versions,
    wage_floor_on,
)
from models.common import PROGRAMMES

D = dt.date
SHIPPED = Path(str(resources.files("matcher") / "data" / "rulepacks"))
JP_PACKS = ("JP-SSW1", "JP-SSW2", "JP-TITP")
PREFECTURES = [
    "Hokkaido",
    "Aomori",
    "Iwate",
    "Miyagi",
    "Akita",
    "Yamagata",
    "Fukushima",
    "Ibaraki",
    "Tochigi",
    "Gunma",
    "Saitama",
    "Chiba",
    "Tokyo",
    "Kanagawa",
    "Niigata",
    "Toyama",
    "Ishikawa",
    "Fukui",
    "Yamanashi",
    "Nagano",
    "Gifu",
    "Shizuoka",
    "Aichi",
    "Mie",
    "Shiga",
    "Kyoto",
    "Osaka",
    "Hyogo",
    "Nara",
    "Wakayama",
    "Tottori",
    "Shimane",
    "Okayama",
    "Hiroshima",
    "Yamaguchi",
    "Tokushima",
    "Kagawa",
    "Ehime",
    "Kochi",
    "Fukuoka",
    "Saga",
    "Nagasaki",
    "Kumamoto",
    "Oita",
    "Miyazaki",
    "Kagoshima",
    "Okinawa",
]


def _records(value: object) -> Iterator[Any]:
    """Every dataclass record reachable from ``value`` (the pack itself included)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for field in dataclasses.fields(value):
            yield from _records(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _records(item)
    elif hasattr(value, "values") and not isinstance(value, str | dict):
        for item in value.values():  # MappingProxyType
            yield from _records(item)


def _copy_packs(tmp_path: Path) -> Path:
    target = tmp_path / "rulepacks"
    shutil.copytree(SHIPPED, target)
    return target


def _edit(directory: Path, programme: str, change: Any) -> None:
    file = directory / f"{programme}.json"
    raw = json.loads(file.read_text(encoding="utf-8"))
    change(raw)
    file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- loading and provenance


def test_every_pack_loads() -> None:
    packs = load_rule_packs()
    assert set(packs) == set(PACK_NAMES) == {*PROGRAMMES, "ID-LAW"}
    for name, pack in packs.items():
        assert pack.programme == name
        assert pack.file == f"{name}.json"
    assert load_rule_packs() is packs  # cached


def test_versions_are_dated() -> None:
    found = versions()
    assert set(found) == set(PACK_NAMES)
    for name, version in found.items():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.\d+", version)
        assert version.startswith(rule_pack(name).updated.isoformat())


def test_every_wage_floor_has_a_source_url_and_status() -> None:
    count = 0
    for pack in load_rule_packs().values():
        for floor in pack.wage_floors:
            count += 1
            assert pack.source_url(floor.source).startswith("http")
            assert all(key in pack.sources for key in floor.also)
            assert floor.status in ("verified", "unverified")
    assert count > 0


def test_every_rule_names_a_source_of_its_pack() -> None:
    for pack in load_rule_packs().values():
        for record in _records(pack):
            if record is pack:
                continue
            source = getattr(record, "source", "absent")
            if source is None:
                assert getattr(record, "status", None) == "unverified", record
            elif source != "absent":
                assert source in pack.sources, (pack.programme, record)


def test_japan_packs_share_identical_floors() -> None:
    floors = {name: rule_pack(name).wage_floors for name in JP_PACKS}
    assert floors["JP-SSW1"] == floors["JP-SSW2"] == floors["JP-TITP"]


@pytest.mark.parametrize("label", ["FY2024", "FY2025"])
def test_every_prefecture_has_both_fiscal_years(label: str) -> None:
    rows = [f for f in rule_pack("JP-SSW1").wage_floors if f.label == label]
    assert sorted(f.region for f in rows if f.region) == sorted(PREFECTURES)
    assert all(f.category is None and f.per == "hour" and f.currency == "JPY" for f in rows)


def test_wage_floor_row_counts() -> None:
    def count(programme: str, country: str) -> int:
        return sum(f.country == country for f in rule_pack(programme).wage_floors)

    assert count("JP-SSW1", "JP") == 94 + 6  # 47 x 2 regional + 6 industry examples
    assert count("KR-EPS", "KR") == 4
    assert count("TW-FACTORY", "TW") == 4
    assert count("MY-PLKS", "MY") == 6
    assert count("DE-SKILLED", "DE") == 3
    assert {c: count("OTHER", c) for c in ("CZ", "PL", "HU", "SK", "QA")} == {
        "CZ": 4,
        "PL": 4,
        "HU": 4,
        "SK": 4,
        "QA": 1,
    }


# ---------------------------------------------------------------- wage floors in force


def test_tokyo_floor_on_reference_date() -> None:
    result = wage_floor_on("JP-SSW1", "Tokyo", D(2026, 3, 1))
    assert (result.amount, result.currency, result.per) == (1226, "JPY", "hour")
    assert result.effective_from == D(2025, 10, 3)
    assert result.status == "verified"
    assert not result.fallback
    assert result.flag_kind is None
    assert result.source == "JP-A"
    assert result.source_url is not None
    assert result.source_url.startswith("https://")


def test_tokyo_floor_before_fy2025_date_is_fy2024() -> None:
    assert wage_floor_on("JP-SSW1", "Tokyo", D(2025, 10, 2)).amount == 1163


@pytest.mark.parametrize(
    ("region", "fy2024", "fy2025", "starts"),
    [
        ("Akita", 951, 1031, D(2026, 3, 31)),
        ("Gunma", 985, 1063, D(2026, 3, 1)),
        ("Fukushima", 955, 1033, D(2026, 1, 1)),
        ("Tokushima", 980, 1046, D(2026, 1, 1)),
        ("Kumamoto", 952, 1034, D(2026, 1, 1)),
        ("Oita", 954, 1035, D(2026, 1, 1)),
    ],
)
def test_fy2025_floor_taking_effect_in_2026(
    region: str, fy2024: int, fy2025: int, starts: dt.date
) -> None:
    before = wage_floor_on("JP-SSW1", region, starts - dt.timedelta(days=1))
    assert before.amount == fy2024
    assert before.effective_from is not None
    assert before.effective_from.year == 2024
    on_day = wage_floor_on("JP-SSW1", region, starts)
    assert (on_day.amount, on_day.effective_from) == (fy2025, starts)


def test_akita_example_from_the_research_notes() -> None:
    assert wage_floor_on("JP-TITP", "Akita", D(2026, 2, 15)).amount == 951


@pytest.mark.parametrize("spelling", ["Tokyo-to", "tokyo prefecture", "東京都", "東京", " TOKYO "])
def test_prefecture_spellings(spelling: str) -> None:
    result = wage_floor_on("JP-SSW2", spelling, D(2026, 3, 1))
    assert (result.region, result.amount, result.fallback) == ("Tokyo", 1226, False)


def test_macrons_are_folded() -> None:
    assert wage_floor_on("JP", "Kōchi", D(2026, 3, 1)).region == "Kochi"


@pytest.mark.parametrize("region", [None, "", "Narnia"])
def test_unknown_japanese_region_falls_back_to_lowest_floor_flagged(region: str | None) -> None:
    result = wage_floor_on("JP-SSW1", region, D(2026, 3, 1))
    # Akita's FY2024 floor is still in force on 2026-03-01 and is the lowest.
    assert (result.amount, result.region) == (951, "Akita")
    assert result.fallback
    assert result.flag_kind == "wage_floor_unknown"
    assert result.reason is not None
    assert "lowest prefectural floor" in result.reason


def test_fallback_follows_the_date() -> None:
    result = wage_floor_on("JP-SSW1", "Narnia", D(2026, 4, 1))
    assert result.amount == 1023
    assert result.region in ("Kochi", "Miyazaki", "Okinawa")


def test_industry_floors_are_returned_beside_the_regional_floor() -> None:
    result = wage_floor_on("JP-SSW1", "Gunma", D(2025, 6, 1))
    assert result.amount == 985
    assert sorted(f.amount for f in result.other_floors) == [1056, 1067]
    assert wage_floor_on("JP-SSW1", "Tokyo", D(2025, 6, 1)).other_floors == ()


def test_japan_after_coverage_is_unverified() -> None:
    result = wage_floor_on("JP-SSW1", "Tokyo", D(2026, 11, 1))
    assert result.amount == 1226
    assert result.beyond_coverage
    assert result.status == "unverified"
    assert result.flag_kind == "unverified_rule"


def test_date_before_the_data_has_no_floor() -> None:
    result = wage_floor_on("JP-SSW1", "Tokyo", D(2024, 9, 30))
    assert result.floor is None
    assert result.flag_kind == "wage_floor_unknown"
    assert result.reason is not None
    assert "2024-10-01" in result.reason


def test_korea_2026_floor() -> None:
    hourly = wage_floor_on("KR-EPS", None, D(2026, 3, 1), per="hour")
    assert (hourly.amount, hourly.currency, hourly.effective_from) == (10320, "KRW", D(2026, 1, 1))
    monthly = wage_floor_on("KR-EPS", "Gyeonggi", D(2026, 10, 1), per="month")
    assert (monthly.amount, monthly.per) == (2156880, "month")
    assert wage_floor_on("KR", None, D(2025, 12, 31), per="hour").amount == 10030
    # Scenario eps-wage-below-2026-floor: KRW 2,120,000/month is below the floor.
    assert monthly.amount is not None
    assert monthly.amount > 2120000


def test_korea_monthly_floor_is_hourly_times_209() -> None:
    hours = hours_per_month("KR-EPS")
    assert hours.hours == 209
    assert hours.status == "verified"
    assert hours.use_for_floor_check
    for year in (2025, 2026):
        on = D(year, 6, 1)
        hourly = wage_floor_on("KR", None, on, per="hour").amount
        monthly = wage_floor_on("KR", None, on, per="month").amount
        assert hourly is not None
        assert monthly_equivalent(hourly, "hour", hours_per_month=hours.hours) == monthly


def test_taiwan_floors_compare_like_with_like() -> None:
    on = D(2026, 3, 1)
    assert wage_floor_on("TW-FACTORY", None, on, per="month").amount == 29500
    assert wage_floor_on("TW-FACTORY", None, on, per="hour").amount == 196
    assert wage_floor_on("TW", None, D(2025, 6, 1), per="month").amount == 28590


def test_germany_floors_by_year_and_yearly_wage_gets_hourly_floor() -> None:
    assert wage_floor_on("DE-SKILLED", None, D(2025, 6, 1)).amount == 12.82
    assert wage_floor_on("DE-SKILLED", None, D(2026, 3, 1)).amount == 13.90
    result = wage_floor_on("DE", None, D(2027, 1, 1), per="year")
    assert (result.amount, result.per) == (14.60, "hour")


def test_malaysia_2026_is_assumed_and_unverified() -> None:
    in_2025 = wage_floor_on("MY-PLKS", None, D(2025, 9, 1), per="month")
    assert (in_2025.amount, in_2025.status) == (1700, "verified")
    in_2026 = wage_floor_on("MY-PLKS", None, D(2026, 3, 1), per="month")
    assert (in_2026.amount, in_2026.status, in_2026.flag_kind) == (
        1700,
        "unverified",
        "unverified_rule",
    )


def test_other_destinations_need_the_country() -> None:
    assert wage_floor_on("OTHER", None, D(2026, 3, 1)).floor is None
    czech = wage_floor_on("OTHER", None, D(2026, 3, 1), per="month", country="CZ")
    assert (czech.amount, czech.currency) == (22400, "CZK")
    assert (
        wage_floor_on("PL", None, D(2026, 3, 1), per="hour").per == "month"
    )  # hourly is civil-law


@pytest.mark.parametrize("country", ["SA", "AE"])
def test_no_statutory_floor_in_saudi_arabia_and_uae(country: str) -> None:
    result = wage_floor_on("OTHER", None, D(2026, 3, 1), country=country)
    assert result.floor is None
    assert result.amount is None
    assert result.no_statutory_floor
    assert result.flag_kind == "wage_floor_unknown"
    assert result.reason
    assert result.source_url


def test_country_without_data() -> None:
    result = wage_floor_on("US", None, D(2026, 3, 1))
    assert result.floor is None
    assert not result.no_statutory_floor
    with pytest.raises(KeyError):
        wage_floor_on("NOT-A-PROGRAMME", None, D(2026, 3, 1))


def test_qatar_floor_is_unverified_with_allowances() -> None:
    result = wage_floor_on("QA", None, D(2026, 3, 1), per="month")
    assert result.amount == 1000
    assert result.status == "unverified"
    assert result.floor is not None
    assert {a.name: a.amount for a in result.floor.allowances} == {"food": 300, "housing": 500}


# ---------------------------------------------------------------- programme gates


def test_eps_topik_validity_24_months_and_general_topik_refused() -> None:
    pack = rule_pack("KR-EPS")
    assert pack.language_validity["EPS-TOPIK"].months == 24
    assert pack.language is not None
    assert [o.test for o in pack.language.any_of] == ["EPS-TOPIK"]
    assert [n.test for n in pack.language.not_accepted] == ["TOPIK"]
    assert pack.language.any_of[0].status == "unverified"  # historic 80/200 cut-off


def test_kr_eps_age_18_to_39() -> None:
    age = rule_pack("KR-EPS").age
    assert age is not None
    assert (age.minimum, age.maximum, age.at) == (18, 39, "application")
    assert age.admits(18)
    assert age.admits(39)
    assert not age.admits(17)
    assert not age.admits(40)


def test_my_plks_age_18_to_45_at_first_entry() -> None:
    age = rule_pack("MY-PLKS").age
    assert age is not None
    assert (age.minimum, age.maximum, age.at) == (18, 45, "first_entry")


def test_ssw1_language_and_skills_test() -> None:
    pack = rule_pack("JP-SSW1")
    assert pack.language is not None
    assert [(o.test, o.minimum) for o in pack.language.any_of] == [
        ("JLPT", "N4"),
        ("JFT-Basic", "A2"),
    ]
    (gate,) = pack.skill_gates
    assert gate.mode == "gate"
    assert gate.routes[0].certificates[0].scheme == "JP-SSW-SKILLS-TEST"
    assert gate.exemptions == ("titp-ii-good-standing",)


def test_stay_caps() -> None:
    caps = {name: rule_pack(name).stay_cap_months for name in ("KR-EPS", "TW-FACTORY", "JP-SSW1")}
    assert {name: cap.months for name, cap in caps.items() if cap} == {
        "KR-EPS": 60,
        "TW-FACTORY": 144,
        "JP-SSW1": 60,
    }
    kr = caps["KR-EPS"]
    assert kr is not None
    assert not kr.includes_contract


def test_eps_colour_vision_gate() -> None:
    assert [h.gate for h in rule_pack("KR-EPS").health] == ["colour_vision_normal"]


def test_indonesian_law_pack() -> None:
    law = legal_pack()
    assert law.age is not None
    assert law.age.minimum == 18
    (moratorium,) = law.moratoria
    on = D(2026, 3, 1)
    saudi = moratorium.covers("SA", "household", on)
    assert saudi is not None
    assert saudi.status == "verified"
    assert moratorium.covers("SA", "company", on) is None
    assert moratorium.covers("JP", "household", on) is None
    pakistan = moratorium.covers("PK", "household", on)
    assert pakistan is not None
    assert pakistan.status == "unverified"
    kinds = {r.kind for r in law.rules if r.outcome == "refuse"}
    assert {"agency_not_licensed", "wage_below_floor"} <= kinds


def test_titp_last_start_date() -> None:
    availability = rule_pack("JP-TITP").availability
    assert availability is not None
    assert availability.last_start_date == D(2027, 6, 30)


# ---------------------------------------------------------------- sex is never a gate


def test_no_sex_gate_anywhere() -> None:
    for pack in load_rule_packs().values():
        raw = json.loads((SHIPPED / f"{pack.programme}.json").read_text(encoding="utf-8"))
        outside_flags = {k: v for k, v in raw.items() if k != "flags"}
        text = json.dumps(outside_flags)
        assert '"sex"' not in text
        assert '"gender"' not in text
        for record in _records(pack):
            names = {f.name for f in dataclasses.fields(record)}
            assert not names & {"sex", "gender"}


def test_sex_related_rules_are_flags_with_sources() -> None:
    flagged = {
        (pack.programme, flag.id): flag
        for pack in load_rule_packs().values()
        for flag in pack.flags
        if flag.sex_related
    }
    assert ("MY-PLKS", "my-moha-indonesian-men-manufacturing") in flagged
    assert ("JP-TITP", "imj-male-only-report") in flagged
    for (programme, _), flag in flagged.items():
        assert flag.source in rule_pack(programme).sources
    assert flagged["MY-PLKS", "my-moha-indonesian-men-manufacturing"].status == "unverified"


def test_loader_refuses_a_sex_gate(tmp_path: Path) -> None:
    directory = _copy_packs(tmp_path)
    _edit(directory, "MY-PLKS", lambda raw: raw["age"].update({"sex": "F"}))
    with pytest.raises(RulePackError, match=r"MY-PLKS\.json: key 'age\.sex': .*flag"):
        load_rule_packs(directory)


# ---------------------------------------------------------------- malformed packs


def test_copied_packs_load_from_a_directory(tmp_path: Path) -> None:
    packs = load_rule_packs(_copy_packs(tmp_path))
    assert set(packs) == set(PACK_NAMES)
    assert isinstance(packs["KR-EPS"], RulePack)


def _set_amount(raw: dict[str, Any]) -> None:
    raw["wage_floors"][2]["amount"] = "ten thousand"


def _bad_source(raw: dict[str, Any]) -> None:
    raw["age"]["source"] = "NOWHERE"


def _misspelt(raw: dict[str, Any]) -> None:
    raw["age"]["maxx"] = raw["age"].pop("max")


def _bad_date(raw: dict[str, Any]) -> None:
    raw["wage_floors"][0]["effective_from"] = "2026-13-01"


def _no_wage_floors(raw: dict[str, Any]) -> None:
    del raw["wage_floors"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (_set_amount, "wage_floors[2].amount"),
        (_bad_source, "age.source"),
        (_misspelt, "age.max"),
        (_bad_date, "wage_floors[0].effective_from"),
        (_no_wage_floors, "wage_floors"),
    ],
)
def test_malformed_pack_names_file_and_key(tmp_path: Path, change: Any, key: str) -> None:
    directory = _copy_packs(tmp_path)
    _edit(directory, "KR-EPS", change)
    with pytest.raises(RulePackError) as caught:
        load_rule_packs(directory)
    message = str(caught.value)
    assert message.startswith("KR-EPS.json: ")
    assert key in message


def test_invalid_json_and_missing_pack(tmp_path: Path) -> None:
    directory = _copy_packs(tmp_path)
    (directory / "TW-FACTORY.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"TW-FACTORY\.json: not valid JSON"):
        load_rule_packs(directory)
    (directory / "TW-FACTORY.json").unlink()
    with pytest.raises(RulePackError, match=r"missing rule pack file\(s\) TW-FACTORY\.json"):
        load_rule_packs(directory)


def test_file_name_must_match_programme(tmp_path: Path) -> None:
    directory = _copy_packs(tmp_path)
    _edit(directory, "OTHER", lambda raw: raw.update({"programme": "KR-EPS"}))
    with pytest.raises(RulePackError, match=r"OTHER\.json: key 'programme'"):
        load_rule_packs(directory)


# ---------------------------------------------------------------- hours and currencies


def test_monthly_equivalent() -> None:
    assert monthly_equivalent(1000, "hour", hours_per_month=173.8) == pytest.approx(173800)
    assert monthly_equivalent(2400000, "month", hours_per_month=209) == 2400000
    assert monthly_equivalent(60000, "year", hours_per_month=173.8) == 5000
    with pytest.raises(ValueError, match="hour, month or year"):
        monthly_equivalent(1, "fortnight", hours_per_month=173.8)
    with pytest.raises(ValueError, match="> 0"):
        monthly_equivalent(1, "hour", hours_per_month=0)


def test_hours_conventions_are_data_with_status() -> None:
    assert hours_per_month("JP-SSW1").hours == 173.8
    assert hours_per_month("JP").status == "unverified"
    assert not hours_per_month("JP").use_for_floor_check
    assert hours_per_month("MY-PLKS").hours == 195
    assert hours_per_month("OTHER", country="CZ").hours == 166.7
    with pytest.raises(KeyError):
        hours_per_month("US")


@pytest.mark.parametrize("currency", ["JPY", "KRW", "TWD", "MYR", "EUR", "USD", "SAR", "CZK"])
def test_currency_conversion_round_trips(currency: str) -> None:
    on = D(2026, 3, 1)
    there = convert_currency(9_000_000, "IDR", currency, on)
    back = convert_currency(there.amount, currency, "IDR", on)
    assert back.amount == pytest.approx(9_000_000)
    assert there.rate * back.rate == pytest.approx(1)
    assert there.rate_date == back.rate_date <= on
    assert "indicative" in there.source


def test_identity_and_unknown_currency() -> None:
    same = convert_currency(123.0, "IDR", "idr", D(2026, 3, 1))
    assert (same.amount, same.rate) == (123.0, 1.0)
    with pytest.raises(ExchangeRateError, match="'XAU'"):
        convert_currency(1, "XAU", "IDR", D(2026, 3, 1))


def test_shipped_rates_cover_the_destinations() -> None:
    snapshot = load_exchange_rates().snapshot_on(D(2026, 3, 1))
    assert snapshot.status == "indicative"
    wanted = {"IDR", "JPY", "KRW", "TWD", "MYR", "EUR", "USD", "SAR", "QAR", "AED", "CZK", "PLN"}
    assert wanted | {"HUF"} <= set(snapshot.rates)


def test_replacement_rate_file(tmp_path: Path) -> None:
    file = tmp_path / "rates.json"
    file.write_text(
        json.dumps(
            {
                "snapshots": [
                    {
                        "as_of": "2026-01-01",
                        "status": "official",
                        "source": "ops",
                        "rates": {"IDR": 1, "JPY": 100},
                    },
                    {
                        "as_of": "2026-06-01",
                        "status": "official",
                        "source": "ops",
                        "rates": {"IDR": 1, "JPY": 110},
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    table = load_exchange_rates(file)
    early = convert_currency(1000, "JPY", "IDR", D(2026, 3, 1), table=table)
    late = convert_currency(1000, "JPY", "IDR", D(2026, 7, 1), table=table)
    assert (early.amount, early.rate_date) == (100000, D(2026, 1, 1))
    assert (late.amount, late.rate_date) == (110000, D(2026, 6, 1))
    file.write_text(
        json.dumps(
            {
                "snapshots": [
                    {"as_of": "2026-01-01", "status": "x", "source": "y", "rates": {"JPY": 100}}
                ]
            }
        )
    )
    with pytest.raises(ExchangeRateError, match="IDR"):
        load_exchange_rates(file)
