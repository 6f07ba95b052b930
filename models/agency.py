"""The placement-agency (P3MI) register record."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import model_validator

from models.bounds import Day
from models.common import Identifier, SelarasModel, ShortText, check_order

__all__ = ["Agency"]


class Agency(SelarasModel):
    """A licensed placement company and the period its licence (SIP3MI) covers."""

    id: Identifier
    name: ShortText
    licence: ShortText | None = None
    status: Literal["active", "suspended", "revoked", "expired"]
    valid_from: Day | None = None
    valid_until: Day | None = None
    revoked_on: Day | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Agency:
        check_order(self.valid_from, self.valid_until, "valid_from", "valid_until")
        if self.status == "revoked" and self.revoked_on is None:
            raise ValueError("a revoked licence needs 'revoked_on'")
        check_order(self.valid_from, self.revoked_on, "valid_from", "revoked_on")
        return self

    def is_active_on(self, on: dt.date) -> bool:
        """Return whether the licence allows placements on ``on``."""
        if self.status in ("suspended", "expired"):
            return False
        if self.revoked_on is not None and on >= self.revoked_on:
            return False
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_until is None or on <= self.valid_until
