"""Proximity tiers from a returnee's home and what ``relocate`` reaches, one pair at a time
and as arrays (the same answers)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.reintegration import (
    PROXIMITY_TIERS,
    REACH,
    UNKNOWN_PLACE,
    encode_places,
    encode_relocate,
    proximity,
    proximity_tiers,
    reachable,
    within_reach,
)
from models.regions import PROVINCES, REGENCIES, Place
from models.returnee import RELOCATE_SCOPES

KENDAL = Place(province="Jawa Tengah", regency="Kab. Kendal")


def at(province: str, regency: str | None = None) -> Place:
    return Place(province=province, regency=regency)


@pytest.mark.parametrize(
    ("home", "site", "tier"),
    [
        (KENDAL, at("Jawa Tengah", "Kabupaten Kendal"), "regency"),
        (KENDAL, at("Jawa Tengah", "Kabupaten Batang"), "province"),
        (KENDAL, at("Jawa Tengah"), "province"),  # located by province only
        (at("Jawa Tengah"), at("Jawa Tengah", "Kabupaten Kendal"), "province"),  # no home regency
        (KENDAL, at("Jawa Barat", "Kabupaten Bekasi"), "island"),
        (KENDAL, at("DKI Jakarta", "Kota Jakarta Utara"), "island"),
        (KENDAL, at("Sulawesi Tengah", "Kabupaten Morowali"), "elsewhere"),
        (at("NTB", "Kabupaten Lombok Timur"), at("Nusa Tenggara Timur", "Kota Kupang"), "island"),
        (at("Bali", "Kabupaten Badung"), at("NTB", "Kota Mataram"), "island"),
        (at("Kepulauan Riau", "Kota Batam"), at("Sumatera Utara", "Kota Medan"), "island"),
        (
            at("Sulawesi Selatan", "Kota Makassar"),
            at("Sulawesi Tengah", "Kabupaten Morowali"),
            "island",
        ),
        (
            at("Kalimantan Timur", "Kota Balikpapan"),
            at("Sulawesi Selatan", "Kota Makassar"),
            "elsewhere",
        ),
        (None, at("Jawa Tengah", "Kabupaten Kendal"), "elsewhere"),  # unknown home
    ],
)
def test_tiers(home: Place | None, site: Place, tier: str) -> None:
    assert proximity(home, site) == tier


@pytest.mark.parametrize(
    ("relocate", "reached"),
    [
        ("none", {"regency"}),
        ("province", {"regency", "province"}),
        ("island", {"regency", "province", "island"}),
        ("any", set(PROXIMITY_TIERS)),
    ],
)
def test_relocate_reaches(relocate: str, reached: set[str]) -> None:
    assert {t for t in PROXIMITY_TIERS if within_reach(relocate, t)} == reached  # type: ignore[arg-type]


def test_unknown_home_is_reached_only_with_any() -> None:
    tier = proximity(None, KENDAL)
    assert [r for r in RELOCATE_SCOPES if within_reach(r, tier)] == ["any"]


def test_tier_codes_are_the_order_nearest_first() -> None:
    assert PROXIMITY_TIERS == ("regency", "province", "island", "elsewhere")
    assert [REACH[r] for r in RELOCATE_SCOPES] == [0, 1, 2, 3]


def _random_places(rng: np.random.Generator, n: int) -> list[Place | None]:
    regencies = sorted(REGENCIES.values(), key=lambda r: r.code)
    provinces = sorted(PROVINCES.values(), key=lambda p: p.code)
    # Concentrate on a few provinces so that every tier occurs often.
    near = [r for r in regencies if r.province.code in ("33", "32", "72", "73", "52")]
    places: list[Place | None] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.05:
            places.append(None)
        elif roll < 0.15:
            places.append(Place(province=provinces[rng.integers(len(provinces))].name))
        else:
            pool = near if roll < 0.8 else regencies
            regency = pool[rng.integers(len(pool))]
            places.append(Place(province=regency.province.name, regency=regency.name))
    return places


def _oracle(home: Place | None, site: Place) -> int:
    """The tier rule written out plainly, independent of the engine's table."""
    if home is None:
        return 3
    if home.official_regency is not None and home.official_regency == site.official_regency:
        return 0
    if home.official_province == site.official_province:
        return 1
    if home.official_province.island_group == site.official_province.island_group:
        return 2
    return 3


def test_arrays_agree_with_the_rule_and_the_scalar_form() -> None:
    rng = np.random.default_rng(16)
    homes = _random_places(rng, 120)
    sites = [p for p in _random_places(rng, 80) if p is not None]
    relocate = [RELOCATE_SCOPES[i] for i in rng.integers(4, size=len(homes))]
    tiers = proximity_tiers(encode_places(homes), encode_places(sites))
    assert tiers.shape == (len(homes), len(sites))
    assert tiers.dtype == np.int8
    expected = np.array([[_oracle(h, s) for s in sites] for h in homes])
    np.testing.assert_array_equal(tiers, expected)
    scalar = np.array([[PROXIMITY_TIERS.index(proximity(h, s)) for s in sites] for h in homes])
    np.testing.assert_array_equal(tiers, scalar)
    assert set(np.unique(tiers)) == {0, 1, 2, 3}
    allowed = reachable(encode_relocate(relocate), tiers)
    expected_allowed = np.array(
        [[_oracle(h, s) <= REACH[r] for s in sites] for h, r in zip(homes, relocate, strict=True)]
    )
    np.testing.assert_array_equal(allowed, expected_allowed)


def test_chunks_give_the_same_tiers() -> None:
    rng = np.random.default_rng(7)
    homes = encode_places(_random_places(rng, 50))
    sites = encode_places([p for p in _random_places(rng, 30) if p is not None])
    whole = proximity_tiers(homes, sites)
    parts = [proximity_tiers(homes.take(slice(i, i + 16)), sites) for i in range(0, 50, 16)]
    np.testing.assert_array_equal(np.vstack(parts), whole)
    picked = np.array([3, 1, 4, 1, 5])
    np.testing.assert_array_equal(proximity_tiers(homes.take(picked), sites), whole[picked])


def test_spellings_of_one_place_encode_alike() -> None:
    codes = encode_places(
        [
            Place(province="Jawa Tengah", regency="Kabupaten Kendal"),
            Place(province="Jateng", regency="Kab. Kendal"),
            Place(province="JAWA TENGAH", regency="Kendal"),
        ]
    )
    assert len(set(codes.place.tolist())) == 1
    assert codes.place[0] != UNKNOWN_PLACE
    assert len(codes) == 3


def test_empty_inputs() -> None:
    empty = encode_places([])
    assert proximity_tiers(empty, encode_places([KENDAL])).shape == (0, 1)
    assert encode_relocate([]).shape == (0,)
