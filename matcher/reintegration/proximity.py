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
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from models.regions import ISLAND_GROUPS, REGENCIES, Place
from models.returnee import Relocate

__all__ = [
    "PROXIMITY_TIERS",
    "REACH",
    "PlaceCodes",
    "ProximityTier",
    "encode_places",
    "encode_relocate",
    "proximity",
    "proximity_tiers",
    "reachable",
    "within_reach",
]

ProximityTier = Literal["regency", "province", "island", "elsewhere"]
PROXIMITY_TIERS: tuple[ProximityTier, ...] = get_args(ProximityTier)
"""The tiers nearest first; a tier's code in the arrays is its index here."""

REACH: Mapping[Relocate, int] = {"none": 0, "province": 1, "island": 2, "any": 3}
"""The code of the farthest tier each ``relocate`` value accepts."""

_UNKNOWN = -1
_REGENCY_INDEX = {code: i for i, code in enumerate(sorted(REGENCIES))}
_ISLAND_INDEX = {name: i for i, name in enumerate(ISLAND_GROUPS)}


@dataclass(frozen=True)
class PlaceCodes:
    """Places as integer codes, one row per place; -1 where a part is unknown.

    ``regency`` indexes the sorted Kemendagri regency codes, ``province`` is the
    Kemendagri province code as a number (``33``), ``island`` indexes
    :data:`models.regions.ISLAND_GROUPS`.
    """

    regency: NDArray[np.int32]
    province: NDArray[np.int16]
    island: NDArray[np.int8]

    def __len__(self) -> int:
        return int(self.regency.shape[0])

    def take(self, rows: NDArray[np.intp] | slice) -> PlaceCodes:
        """The places at ``rows`` (an index array or a slice), e.g. one chunk."""
        return PlaceCodes(self.regency[rows], self.province[rows], self.island[rows])


def _codes(place: Place | None) -> tuple[int, int, int]:
    if place is None:
        return _UNKNOWN, _UNKNOWN, _UNKNOWN
    province = place.official_province
    regency = place.official_regency
    return (
        _REGENCY_INDEX[regency.code] if regency is not None else _UNKNOWN,
        int(province.code),
        _ISLAND_INDEX[province.island_group],
    )


def encode_places(places: Sequence[Place | None]) -> PlaceCodes:
    """Encode homes or opportunity locations once per run.

    Parameters
    ----------
    places : Sequence[Place or None]
        One per returnee (``home``, None when absent) or per opportunity (``location``).

    Returns
    -------
    PlaceCodes
        Each distinct place is looked up once; the rest is a dictionary hit.
    """
    seen: dict[tuple[str, str | None], tuple[int, int, int]] = {}
    rows = np.empty((len(places), 3), dtype=np.int32)
    for i, place in enumerate(places):
        if place is None:
            rows[i] = (_UNKNOWN, _UNKNOWN, _UNKNOWN)
            continue
        key = (place.province, place.regency)
        found = seen.get(key)
        if found is None:
            found = seen[key] = _codes(place)
        rows[i] = found
    return PlaceCodes(rows[:, 0].copy(), rows[:, 1].astype(np.int16), rows[:, 2].astype(np.int8))


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
    tiers = np.full((len(homes), len(sites)), 3, dtype=np.int8)
    # Each level only counts where the home knows it: an unknown part (-1) is never equal
    # to a known one, and a home's -1 must not equal a site's -1 either. The levels nest
    # (a regency lies in one province, a province in one island group), so subtracting one
    # per level shared gives the tier.
    for home, site in (
        (homes.island, sites.island),
        (homes.province, sites.province),
        (homes.regency, sites.regency),
    ):
        shared = (home[:, None] == site[None, :]) & (home[:, None] != _UNKNOWN)
        tiers -= shared.view(np.int8)
    return tiers


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
    codes = encode_places([home, site])
    tier = proximity_tiers(codes.take(slice(0, 1)), codes.take(slice(1, 2)))
    return PROXIMITY_TIERS[int(tier[0, 0])]


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
