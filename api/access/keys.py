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
import threading
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from api.storage.tables import AgencyRow, ApiKeyRow

__all__ = [
    "ADMIN_KEY_ID",
    "MIN_ADMIN_KEY_LENGTH",
    "ROLES",
    "IssuedKey",
    "KeyChecker",
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


def _key_id(key: str) -> str:
    match = _KEY.match(key)
    return match.group(1) if match else ADMIN_KEY_ID


def _verified(
    key: str, key_id: str, found: tuple[str, str, str | None, Any] | None
) -> Principal | None:
    """The principal of ``key`` given its row's (hash, role, agency, revoked), if it holds."""
    # Compare even when there is no row, so the time taken says nothing about the key id.
    stored = found[0] if found is not None else "0" * 64
    if not hmac.compare_digest(stored, _digest(key)) or found is None or found[3]:
        return None
    return Principal(key_id, cast(Role, found[1]), found[2])


def authenticate(session: Session, key: str) -> Principal | None:
    """The principal a presented key stands for, or None if it is unknown or revoked."""
    key_id = _key_id(key)
    row = session.get(ApiKeyRow, key_id)
    found = None if row is None else (row.secret_hash, row.role, row.agency_id, row.revoked_at)
    return _verified(key, key_id, found)


class KeyChecker:
    """Checks every request's key against the store, cheaply.

    The key is looked up on every request, never cached, so a key revoked from another
    process (``selaras keys revoke``) stops working at once. That lookup is on the path of
    every request, so it runs one precompiled statement on one connection held for the
    purpose, without an ORM session: about 6 µs on SQLite instead of 0.7 ms. Calls are
    serialised (they are short); the connection is replaced if it fails.

    Parameters
    ----------
    engine : Engine
        The store.
    """

    def __init__(self, engine: Engine) -> None:
        columns = ApiKeyRow.__table__.c
        query = select(columns.secret_hash, columns.role, columns.agency_id, columns.revoked_at)
        compiled = query.where(columns.id == bindparam("key_id")).compile(dialect=engine.dialect)
        self._sql = compiled.string
        self._positional = compiled.positional
        self._engine = engine
        self._lock = threading.Lock()
        self._connection: Any = None

    def authenticate(self, key: str) -> Principal | None:
        """The principal a presented key stands for, or None if it is unknown or revoked."""
        key_id = _key_id(key)
        params: Any = (key_id,) if self._positional else {"key_id": key_id}
        with self._lock:
            found = self._fetch(params)
        return _verified(key, key_id, found)

    def close(self) -> None:
        """Give the held connection back."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _fetch(self, params: Any) -> Any:
        try:
            return self._query(params)
        except self._engine.dialect.loaded_dbapi.Error:
            # A dropped connection (a restarted database): once more on a new one.
            if self._connection is not None:
                self._connection.invalidate()
                self._connection = None
            return self._query(params)

    def _query(self, params: Any) -> Any:
        if self._connection is None:
            self._connection = self._engine.raw_connection()
            if self._engine.dialect.name != "sqlite":
                # A read must not leave a transaction open (SQLite's connections are in
                # autocommit mode already: see api.storage.database).
                self._connection.driver_connection.autocommit = True
        cursor = self._connection.cursor()
        try:
            cursor.execute(self._sql, params)
            return cursor.fetchone()
        finally:
            cursor.close()
