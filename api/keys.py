"""API keys: issue, revoke, list and check them; only a SHA-256 of each key is stored.

A key reads ``slr_<key id>_<secret>``: the key id finds the row, and the SHA-256 of the
whole key is compared with the stored one in constant time. The secret holds 256 random
bits, so a plain hash (no salt, no slow KDF) cannot be brute-forced. The key named by
``SELARAS_ADMIN_KEY`` is any string of at least 32 characters and lives under key id
``admin``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.tables import AgencyRow, ApiKeyRow

__all__ = [
    "ADMIN_KEY_ID",
    "MIN_ADMIN_KEY_LENGTH",
    "ROLES",
    "IssuedKey",
    "KeyRequestError",
    "Principal",
    "Role",
    "authenticate",
    "ensure_admin_key",
    "issue_key",
    "list_keys",
    "revoke_key",
]

Role = Literal["officer", "agency", "auditor"]
ROLES: tuple[Role, ...] = get_args(Role)
ADMIN_KEY_ID = "admin"
MIN_ADMIN_KEY_LENGTH = 32
_KEY = re.compile(r"^slr_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, its role and (for role ``agency``) its agency."""

    key_id: str
    role: Role
    agency_id: str | None


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: ``key`` is shown once and never stored."""

    id: str
    key: str
    role: Role
    agency_id: str | None
    label: str | None
    created_at: dt.datetime


class KeyRequestError(ValueError):
    """A key request that cannot be honoured (unknown agency, role without an agency...)."""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue_key(
    session: Session, role: Role, *, agency_id: str | None = None, label: str | None = None
) -> IssuedKey:
    """Create a key; the caller commits.

    Parameters
    ----------
    session : Session
    role : {"officer", "agency", "auditor"}
    agency_id : str, optional
        Required for role ``agency`` (an agency of the register), refused for the others.
    label : str, optional
        A note for people (who holds the key).

    Returns
    -------
    IssuedKey

    Raises
    ------
    KeyRequestError
        If ``agency_id`` does not fit the role or is not in the register.
    """
    if role == "agency" and agency_id is None:
        raise KeyRequestError("a key of role 'agency' needs an agency_id")
    if role != "agency" and agency_id is not None:
        raise KeyRequestError(f"a key of role {role!r} is not tied to an agency; omit agency_id")
    if agency_id is not None and session.get(AgencyRow, agency_id) is None:
        raise KeyRequestError(f"no agency {agency_id!r} in the register")
    key_id = secrets.token_hex(6)
    key = f"slr_{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKeyRow(
        id=key_id,
        secret_hash=_digest(key),
        role=role,
        agency_id=agency_id,
        label=label,
        created_at=_now(),
        revoked_at=None,
    )
    session.add(row)
    return IssuedKey(key_id, key, role, agency_id, label, row.created_at)


def revoke_key(session: Session, key_id: str) -> bool:
    """Revoke a key (the caller commits); False if there is no such key."""
    row = session.get(ApiKeyRow, key_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = _now()
    return True


def list_keys(session: Session, *, agency_id: str | None = None) -> list[ApiKeyRow]:
    """Every key (or an agency's keys), oldest first; rows carry no secret."""
    query = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)
    if agency_id is not None:
        query = query.where(ApiKeyRow.agency_id == agency_id)
    return list(session.scalars(query))


def ensure_admin_key(session: Session, key: str) -> None:
    """Register ``key`` as the officer key ``admin`` (replacing an earlier admin key).

    Raises
    ------
    KeyRequestError
        If the key is shorter than :data:`MIN_ADMIN_KEY_LENGTH`.
    """
    if len(key) < MIN_ADMIN_KEY_LENGTH:
        raise KeyRequestError(
            f"SELARAS_ADMIN_KEY must be at least {MIN_ADMIN_KEY_LENGTH} characters "
            "(e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    row = session.get(ApiKeyRow, ADMIN_KEY_ID)
    if row is None:
        session.add(
            ApiKeyRow(
                id=ADMIN_KEY_ID,
                secret_hash=_digest(key),
                role="officer",
                agency_id=None,
                label="SELARAS_ADMIN_KEY",
                created_at=_now(),
                revoked_at=None,
            )
        )
    elif row.secret_hash != _digest(key) or row.revoked_at is not None:
        row.secret_hash, row.revoked_at = _digest(key), None


def authenticate(session: Session, key: str) -> Principal | None:
    """The principal a presented key stands for, or None if it is unknown or revoked."""
    match = _KEY.match(key)
    row = session.get(ApiKeyRow, match.group(1) if match else ADMIN_KEY_ID)
    # Compare even when there is no row, so the time taken says nothing about the key id.
    stored = row.secret_hash if row is not None else "0" * 64
    if not hmac.compare_digest(stored, _digest(key)) or row is None or row.revoked_at:
        return None
    return Principal(row.id, cast(Role, row.role), row.agency_id)
