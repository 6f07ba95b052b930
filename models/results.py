"""Result records the engine writes (docs/format.md: match, refusal and allocation records)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from models.common import SelarasModel

__all__ = [
    "GAP_KINDS",
    "AllocationPlaced",
    "AllocationShortlisted",
    "AllocationUnfilled",
    "AllocationUnplaced",
    "Flag",
    "Gap",
    "GapKind",
    "MatchResult",
    "NoEligibleCandidates",
    "NoEligibleJobOrders",
    "Reason",
    "Refusal",
]

GapKind = Literal[
    "skill",
    "certificate",
    "language",
    "experience",
    "age",
    "programme_rule",
    "health",
    "document",
    "preference",
    "capital",
]
GAP_KINDS: tuple[GapKind, ...] = get_args(GapKind)
"""Gap kinds (docs/format.md ``gaps[].kind``), in that order (reasons sort by it)."""
Score = Annotated[float, Field(ge=0, le=1)]


class Gap(SelarasModel):
    """One unmet gate: what is required, what the worker has and what would close it."""

    kind: GapKind
    requirement: str
    detail: str


class Flag(SelarasModel):
    """A matter for an officer's review that does not change eligibility."""

    kind: str
    detail: str
    source: str | None = None


class Reason(SelarasModel):
    """Why a job order was refused or a worker was not placed; refusals carry a source."""

    kind: str
    detail: str
    source: str | None = None


class MatchResult(SelarasModel):
    """One ranked (job order, worker) pair."""

    vacancy_id: str
    worker_id: str
    rank: Annotated[int, Field(ge=1)]
    score: Score
    eligible: bool
    components: dict[str, Score]
    gaps: list[Gap] = []
    flags: list[Flag] = []


class Refusal(SelarasModel):
    """A job order the engine will not fill, with every reason."""

    vacancy_id: str
    refused: Literal[True] = True
    reasons: list[Reason]


class NoEligibleCandidates(SelarasModel):
    """A job order ``selaras match`` found no eligible worker for, with the gates that
    blocked most of the pool (reason kinds are gap kinds)."""

    vacancy_id: str
    eligible_candidates: Literal[0] = 0
    reasons: list[Reason]


class NoEligibleJobOrders(SelarasModel):
    """A worker ``selaras match --for workers`` found no eligible job order for, with the
    gates that blocked her at the most job orders (reason kinds are gap kinds)."""

    worker_id: str
    eligible_job_orders: Literal[0] = 0
    reasons: list[Reason]


class AllocationPlaced(SelarasModel):
    """A worker placed in a job order by the optimal or stable allocator."""

    vacancy_id: str
    worker_id: str
    status: Literal["placed"] = "placed"
    score: Score
    rank: Annotated[int, Field(ge=1)]


class AllocationShortlisted(SelarasModel):
    """A worker on a job order's shortlist (EPS style, employer chooses)."""

    vacancy_id: str
    worker_id: str
    status: Literal["shortlisted"] = "shortlisted"
    score: Score
    position: Annotated[int, Field(ge=1)]


class AllocationUnplaced(SelarasModel):
    """A worker who got no job order, with why."""

    worker_id: str
    status: Literal["unplaced"] = "unplaced"
    reasons: list[Reason]


class AllocationUnfilled(SelarasModel):
    """A job order with slots left open, with the gates that blocked most of the pool."""

    vacancy_id: str
    status: Literal["unfilled"] = "unfilled"
    open_slots: Annotated[int, Field(ge=1)]
    eligible_candidates: Annotated[int, Field(ge=0)]
    reasons: list[Reason]
