"""What matching returnees adds to the engine's parameters: the proximity component.

A returnee-opportunity pair is scored by the engine (:mod:`matcher.scoring`: skills with
recognised levels, certification, language, experience, weighted as the opportunity or
:data:`~matcher.scoring.params.DEFAULT_WEIGHTS` says) and then blended with how near the
opportunity is to the returnee's home. :meth:`ReintegrationParams.blend` is the one
formula: the reference (:mod:`matcher.reintegration.reference`) calls it on floats, the
kernel (:mod:`matcher.reintegration.kernel`) on arrays, with the same two products and
one sum, so both give the same float64 bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from matcher.arrays import Floats
from matcher.reintegration.proximity import PROXIMITY_TIERS, ProximityTier

__all__ = ["PROXIMITY_CREDIT", "PROXIMITY_SHARE", "ReintegrationParams"]

PROXIMITY_SHARE = 0.2
"""Share of the proximity component in a pair's score (the engine's score has the rest):
the same weight a single engine component has by default (docs/reintegration.md)."""

PROXIMITY_CREDIT: Mapping[ProximityTier, float] = {
    "regency": 1.0,
    "province": 0.75,
    "island": 0.5,
    "elsewhere": 0.25,
}
"""Credit of each proximity tier, nearest first (policy: each step away costs a quarter)."""

_Score = TypeVar("_Score", float, Floats)


@dataclass(frozen=True)
class ReintegrationParams:
    """The proximity component's share and credits.

    Parameters
    ----------
    proximity_share : float
        :data:`PROXIMITY_SHARE`, in [0, 1].
    proximity_credit : Mapping[str, float]
        :data:`PROXIMITY_CREDIT`, a credit in [0, 1] for every tier.
    """

    proximity_share: float = PROXIMITY_SHARE
    proximity_credit: Mapping[ProximityTier, float] = field(
        default_factory=lambda: dict(PROXIMITY_CREDIT)
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.proximity_share <= 1.0:
            raise ValueError(f"proximity_share must be in [0, 1], got {self.proximity_share!r}")
        if set(self.proximity_credit) != set(PROXIMITY_TIERS) or not all(
            0.0 <= v <= 1.0 for v in self.proximity_credit.values()
        ):
            raise ValueError(f"proximity_credit needs a credit in [0, 1] for {PROXIMITY_TIERS}")

    @property
    def credit_table(self) -> Floats:
        """Credits indexed by tier code (0 regency ... 3 elsewhere), for the kernel."""
        return np.array([self.proximity_credit[t] for t in PROXIMITY_TIERS], np.float64)

    def blend(self, engine: _Score, proximity: _Score) -> _Score:
        """A pair's score: the engine's score and the proximity credit, weighted.

        Parameters
        ----------
        engine : float or ndarray of float64
            The engine's weighted score of the pair (in [0, 1]).
        proximity : float or ndarray of float64
            The proximity credit of the pair's tier.

        Returns
        -------
        float or ndarray of float64
            ``(1 - share) * engine + share * proximity``.
        """
        share = self.proximity_share
        return (1.0 - share) * engine + share * proximity
