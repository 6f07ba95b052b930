"""The placement-agency (P3MI) register record."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import model_validator

from models.bounds import Day
from models.common import Identifier, SelarasModel, ShortText, check_order

__all__ = ["Agency", "LicenceLapse"]

LicenceLapse = Literal["suspended", "expired", "revoked", "not_yet_valid", "ended"]
"""Why a licence does not allow placements on a date (:meth:`Agency.licence_lapse`)."""


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
        return self.licence_lapse(on) is None

    def licence_lapse(self, on: dt.date) -> tuple[LicenceLapse, dt.date | None] | None:
        """Why the licence does not allow placements on ``on``, or None when it does.

        Parameters
        ----------
        on : datetime.date
            The evaluation date.

        Returns
        -------
        tuple or None
            ``(why, day)``: ``suspended`` or ``expired`` (the register's status, no day),
            ``revoked`` (on ``revoked_on``), ``not_yet_valid`` (valid from ``valid_from``)
            or ``ended`` (valid until ``valid_until``); None when the licence is in force.
        """
        if self.status in ("suspended", "expired"):
            return self.status, None
        if self.revoked_on is not None and on >= self.revoked_on:
            return "revoked", self.revoked_on
        if self.valid_from is not None and on < self.valid_from:
            return "not_yet_valid", self.valid_from
        if self.valid_until is not None and on > self.valid_until:
            return "ended", self.valid_until
        return None
