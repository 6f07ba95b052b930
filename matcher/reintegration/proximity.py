"""How near an opportunity is to a returnee's home, and whether ``relocate`` reaches it.

Tiers, nearest first (FORMAT.md v2, "Returnee" and "selaras reintegrate"):

- ``regency``: the opportunity is in the returnee's own regency or city;
- ``province``: in the same province (another regency, or the opportunity names only the
  province, so it cannot be placed in the returnee's own regency);
- ``island``: in the same island group (:data:`models.regions.ISLAND_GROUPS`);
- ``elsewhere``: anywhere else, and every opportunity for a returnee whose home is unknown.

``relocate`` reaches a tier: ``none`` only ``regency``, ``province`` up to ``province``,
``island`` up to ``island``, ``any`` every tier. A returnee with no ``home`` is therefore
matched only where they said they would go anywhere: nearness cannot be shown, and
``none``/``province``/``island`` promise nothing without a place to measure from.

The scalar functions serve explanations; :func:`encode_places`, :func:`proximity_tiers` and
:func:`reachable` give the same answers for arrays of returnees x opportunities (the kernel
calls them per chunk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import get_args

import numpy as np
from numpy.typing import NDArray

from models.regions import ISLAND_GROUPS, PROVINCES, REGENCIES, Place
from models.reintegration_results import Proximity as ProximityTier
from models.returnee import Relocate

__all__ = [
    "PROXIMITY_TIERS",
    "REACH",
    "UNKNOWN_PLACE",
    "PlaceCodes",
    "ProximityTier",
    "encode_places",
    "encode_relocate",
    "proximity",
    "proximity_tiers",
    "reachable",
    "within_reach",
]

PROXIMITY_TIERS: tuple[ProximityTier, ...] = get_args(ProximityTier)
"""The tiers nearest first; a tier's code in the arrays is its index here."""

REACH: Mapping[Relocate, int] = {"none": 0, "province": 1, "island": 2, "any": 3}
"""The code of the farthest tier each ``relocate`` value accepts."""

# Every place a home or a site can be, as one small integer: a regency or city (by
# Kemendagri code order), a province named without a regency, or an unknown home.
_REGENCIES = sorted(REGENCIES)
_PROVINCES = sorted(PROVINCES)
_REGENCY_PLACE = {code: i for i, code in enumerate(_REGENCIES)}
_PROVINCE_PLACE = {code: len(_REGENCIES) + i for i, code in enumerate(_PROVINCES)}
UNKNOWN_PLACE = len(_REGENCIES) + len(_PROVINCES)
"""The place code of a home that is not recorded."""


def _tier_table() -> NDArray[np.int8]:
    """The tier code of every (home place, site place): the rule, in one place.

    Each level counts only where the home knows it (an unknown part never equals anything),
    and the levels nest (a regency lies in one province, a province in one island group),
    so subtracting one per level shared from ``elsewhere`` gives the tier.
    """
    unknown = -1
    parts = np.full((UNKNOWN_PLACE + 1, 3), unknown, dtype=np.int32)
    islands = {name: i for i, name in enumerate(ISLAND_GROUPS)}
    for code, place in _REGENCY_PLACE.items():
        regency = REGENCIES[code]
        province = regency.province
        parts[place] = (place, int(province.code), islands[province.island_group])
    for code, place in _PROVINCE_PLACE.items():
        parts[place] = (unknown, int(code), islands[PROVINCES[code].island_group])
    tiers = np.full((len(parts), len(parts)), 3, dtype=np.int8)
    for level in range(3):
        home, site = parts[:, level][:, None], parts[:, level][None, :]
        tiers -= ((home == site) & (home != unknown)).view(np.int8)
    tiers.flags.writeable = False
    return tiers


_TIERS = _tier_table()


@dataclass(frozen=True)
class PlaceCodes:
    """Places as small integer codes, one per home or site (see :data:`UNKNOWN_PLACE`)."""

    place: NDArray[np.int16]

    def __len__(self) -> int:
        return int(self.place.shape[0])

    def take(self, rows: NDArray[np.intp] | slice) -> PlaceCodes:
        """The places at ``rows`` (an index array or a slice), e.g. one chunk."""
        return PlaceCodes(self.place[rows])


def _code(place: Place | None) -> int:
    if place is None:
        return UNKNOWN_PLACE
    regency = place.official_regency
    if regency is not None:
        return _REGENCY_PLACE[regency.code]
    return _PROVINCE_PLACE[place.official_province.code]


def encode_places(places: Sequence[Place | None]) -> PlaceCodes:
    """Encode homes or opportunity locations once per run.

    Parameters
    ----------
    places : Sequence[Place or None]
        One per returnee (``home``, None when absent) or per opportunity (``location``).

    Returns
    -------
    PlaceCodes
        Each distinct spelling is looked up once; the rest is a dictionary hit.
    """
    seen: dict[tuple[str, str | None], int] = {}
    codes = np.empty(len(places), dtype=np.int16)
    for i, place in enumerate(places):
        if place is None:
            codes[i] = UNKNOWN_PLACE
            continue
        key = (place.province, place.regency)
        found = seen.get(key)
        if found is None:
            found = seen[key] = _code(place)
        codes[i] = found
    return PlaceCodes(codes)


def encode_relocate(values: Sequence[Relocate]) -> NDArray[np.int8]:
    """The :data:`REACH` code of each returnee's ``relocate``."""
    return np.fromiter((REACH[v] for v in values), dtype=np.int8, count=len(values))


def proximity_tiers(homes: PlaceCodes, sites: PlaceCodes) -> NDArray[np.int8]:
    """The tier code of every (home, site) pair.

    Parameters
    ----------
    homes : PlaceCodes
        Returnees' homes (a chunk of them, to bound memory: the result is
        ``len(homes) x len(sites)`` bytes).
    sites : PlaceCodes
        Opportunity locations.

    Returns
    -------
    numpy.ndarray of int8, shape (len(homes), len(sites))
        Codes into :data:`PROXIMITY_TIERS`: 0 regency, 1 province, 2 island, 3 elsewhere.
    """
    # Columns first (at most 553 rows of the table), then whole rows per home: both are
    # gathers of contiguous memory, much cheaper than comparing codes pair by pair.
    return _TIERS[:, sites.place][homes.place]


def reachable(reach: NDArray[np.int8], tiers: NDArray[np.int8]) -> NDArray[np.bool_]:
    """Whether each pair is within what the returnee's ``relocate`` accepts.

    Parameters
    ----------
    reach : numpy.ndarray of int8, shape (n,)
        From :func:`encode_relocate`, one per home row of ``tiers``.
    tiers : numpy.ndarray of int8, shape (n, m)
        From :func:`proximity_tiers`.

    Returns
    -------
    numpy.ndarray of bool, shape (n, m)
    """
    return tiers <= reach[:, None]


def proximity(home: Place | None, site: Place) -> ProximityTier:
    """The tier of one opportunity location seen from one home (None: unknown home).

    Parameters
    ----------
    home : Place or None
        The returnee's ``home``.
    site : Place
        The opportunity's ``location``.

    Returns
    -------
    {"regency", "province", "island", "elsewhere"}
    """
    return PROXIMITY_TIERS[int(_TIERS[_code(home), _code(site)])]


def within_reach(relocate: Relocate, tier: ProximityTier) -> bool:
    """Whether ``relocate`` accepts an opportunity at ``tier``.

    Parameters
    ----------
    relocate : {"none", "province", "island", "any"}
        The returnee's ``reintegration.relocate`` (``none`` when absent).
    tier : {"regency", "province", "island", "elsewhere"}

    Returns
    -------
    bool
    """
    return PROXIMITY_TIERS.index(tier) <= REACH[relocate]
