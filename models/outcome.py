"""The outcome record: what happened after a match (FORMAT.md v2, "Outcome")."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import ValidationInfo, field_validator

from models.bounds import Day
from models.common import Identifier, SelarasModel, ShortText

__all__ = ["OUTCOME_STAGES", "Outcome", "OutcomeStage"]

OutcomeStage = Literal[
    "shortlisted",
    "interviewed",
    "selected",
    "rejected",
    "withdrew",
    "departed",
    "completed",
    "early_return",
]
OUTCOME_STAGES: tuple[OutcomeStage, ...] = get_args(OutcomeStage)
"""``completed`` is a contract completed; ``early_return`` may carry a ``reason``."""


class Outcome(SelarasModel):
    """One stage a worker reached for a job order, on a date."""

    vacancy_id: Identifier
    worker_id: Identifier
    stage: OutcomeStage
    date: Day
    reason: ShortText | None = None

    @field_validator("reason")
    @classmethod
    def _reason_for_early_return(cls, value: str | None, info: ValidationInfo) -> str | None:
        stage = info.data.get("stage")  # absent when the stage itself is invalid
        if value is not None and stage is not None and stage != "early_return":
            raise ValueError(f"only an early_return carries a reason (this is {stage})")
        return value
