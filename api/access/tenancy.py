"""Which agency's records a caller may see and write.

An agency key sees only its own agency: asking for another agency's record (by id, or
with ``agency_id=``) answers exactly as a missing record does, and its lists and
rankings draw only on its own records. Officers see every agency; auditors read every
agency's records without personal data.
"""

from __future__ import annotations

from typing import Any

from api.access.keys import Principal
from api.http.errors import ForbiddenError, UnprocessableError
from api.storage.store import RecordTable, not_found
from models.agency import Agency

__all__ = ["NOBODY", "check_owner", "list_scope", "lookup_scope", "rank_scope"]

NOBODY = ""
"""An agency filter no record matches: an agency listing another agency's records. (Not
a NUL: PostgreSQL cannot compare text with one, and an id is never empty.)"""


def lookup_scope(
    principal: Principal, requested: str | None, table: RecordTable[Any], record_id: str
) -> str | None:
    """The agency to look ``record_id`` up in (None: any agency).

    Raises
    ------
    RecordNotFoundError
        If an agency key asks for another agency (the answer of a missing record).
    """
    if principal.role != "agency":
        return requested
    if requested is not None and requested != principal.agency_id:
        raise not_found(table, record_id)
    return principal.agency_id


def list_scope(principal: Principal, requested: str | None) -> str | None:
    """The agency whose records a list shows (None: every agency; :data:`NOBODY`: none)."""
    if principal.role != "agency":
        return requested
    if requested is not None and requested != principal.agency_id:
        return NOBODY
    return principal.agency_id


def rank_scope(principal: Principal) -> str | None:
    """The agency whose pool a ranking draws on: an agency's own, else the whole pool."""
    return principal.agency_id if principal.role == "agency" else None


def check_owner(
    principal: Principal,
    agency_id: str,
    register: tuple[Agency, ...],
    *,
    loc: tuple[str | int, ...] = ("body", "agency_id"),
) -> None:
    """Check that the caller may write a record of ``agency_id``.

    Raises
    ------
    ForbiddenError
        If an agency key writes another agency's record.
    UnprocessableError
        If an officer names an agency that is not in the register.
    """
    if principal.role == "agency" and agency_id != principal.agency_id:
        raise ForbiddenError(
            f"an agency key writes only its own agency's records ({principal.agency_id!r})"
        )
    if all(agency.id != agency_id for agency in register):
        raise UnprocessableError([(loc, f"no agency {agency_id!r} in the register")])
