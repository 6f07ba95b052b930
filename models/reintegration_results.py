"""Records ``selaras reintegrate`` writes (FORMAT.md v2, "selaras reintegrate").

A pair record has the match-result fields with ``opportunity_id`` in place of
``vacancy_id`` (``worker_id`` is the returnee), plus ``recognised`` and ``proximity``; a
refused opportunity is a refusal record.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from models.common import SelarasModel
from models.results import Flag, Gap, Reason

__all__ = ["OpportunityRefusal", "Proximity", "Recognised", "ReintegrationResult"]

Proximity = Literal["regency", "province", "island", "elsewhere"]
"""Proximity tiers, nearest first (matcher.reintegration.proximity codes them 0-3)."""
Score = Annotated[float, Field(ge=0, le=1)]


class Recognised(SelarasModel):
    """A recognised skill level the pair used, with its evidence and source."""

    skill: str
    level: Annotated[int, Field(ge=1, le=5)]
    basis: Literal["recognised"] = "recognised"
    evidence: list[str]
    source: str


class ReintegrationResult(SelarasModel):
    """One ranked (opportunity, returnee) pair."""

    opportunity_id: str
    worker_id: str
    rank: Annotated[int, Field(ge=1)]
    score: Score
    eligible: bool
    components: dict[str, Score]
    gaps: list[Gap] = []
    flags: list[Flag] = []
    recognised: list[Recognised] = []
    proximity: Proximity


class OpportunityRefusal(SelarasModel):
    """An opportunity the engine will not fill, with every reason (each with a source)."""

    opportunity_id: str
    refused: Literal[True] = True
    reasons: list[Reason]
