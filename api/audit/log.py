"""The audit log: who asked for which ranking, explanation or data change, and what came out.

An entry holds the key and role that acted, the action, its target and parameters, the
ids of the records it returned or changed, and the versions (code, taxonomy, rule packs,
weights) that produced it. Entries are only ever added (the migration installs triggers
that refuse UPDATE and DELETE). Entries name records by id, never by personal data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.keys import Principal
from api.storage.tables import AuditRow

__all__ = ["entry_record", "entry_values", "list_entries", "write_entry"]


def entry_values(
    principal: Principal,
    action: str,
    *,
    target: str | None,
    params: Mapping[str, Any],
    result_ids: Sequence[Any],
    versions: Mapping[str, str],
) -> dict[str, Any]:
    """The column values of one entry, stamped now.

    Parameters
    ----------
    principal : Principal
        Who acted.
    action : str
        What was done, e.g. ``candidates``, ``worker.create``, ``workers.bulk``.
    target : str or None
        The record acted on, as ``agency_id/id`` (or an agency or key id).
    params : mapping
        The request's parameters (JSON-serialisable).
    result_ids : sequence
        Ids of the records returned or changed, in order.
    versions : mapping
        Versions of the code and data that produced the result.

    Returns
    -------
    dict
        Values of the ``audit_log`` columns but ``seq``.

    Notes
    -----
    The ids are written by orjson (a ranking's fifty pairs took the stdlib encoder a
    sizeable share of the request): compact JSON, UTF-8 as is, where older entries have
    the stdlib's spaces. Readers parse the column (:func:`entry_record`), so both read the
    same. Ids are strings (or pairs of them); anything else orjson cannot write exactly as
    the stdlib would (a number beyond 64 bits, a non-string key) goes to the stdlib.
    """
    return {
        "at": dt.datetime.now(dt.UTC),
        "key_id": principal.key_id,
        "role": principal.role,
        "agency_id": principal.agency_id,
        "action": action,
        "target": target,
        "params": json.dumps(params, default=str, ensure_ascii=False),
        "result_ids": _ids_json(result_ids),
        "versions": json.dumps(dict(versions)),
    }


def _ids_json(result_ids: Sequence[Any]) -> str:
    """``result_ids`` as JSON text (see :func:`entry_values`)."""
    try:
        return orjson.dumps(list(result_ids)).decode()
    except TypeError:  # orjson.JSONEncodeError: a value it would write differently, or not
        return json.dumps(list(result_ids), ensure_ascii=False)


def write_entry(session: Session, values: Mapping[str, Any]) -> None:
    """Add one entry to the caller's transaction (it lands with the change it records).

    Parameters
    ----------
    session : Session
        The transaction of the change.
    values : mapping
        The entry, from :func:`entry_values`.
    """
    session.add(AuditRow(**values))


def list_entries(
    session: Session,
    *,
    after: int,
    limit: int,
    action: str | None = None,
    agency_id: str | None = None,
    key_id: str | None = None,
) -> list[AuditRow]:
    """Entries with ``seq > after``, oldest first, optionally of one action, agency or key."""
    query = select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(limit)
    if action is not None:
        query = query.where(AuditRow.action == action)
    if agency_id is not None:
        query = query.where(AuditRow.agency_id == agency_id)
    if key_id is not None:
        query = query.where(AuditRow.key_id == key_id)
    return list(session.scalars(query))


def entry_record(row: AuditRow) -> dict[str, Any]:
    """The JSON form of an entry (``GET /audit``)."""
    return {
        "seq": row.seq,
        "at": row.at.isoformat(),
        "key_id": row.key_id,
        "role": row.role,
        "agency_id": row.agency_id,
        "action": row.action,
        "target": row.target,
        "params": json.loads(row.params),
        "result_ids": json.loads(row.result_ids),
        "versions": json.loads(row.versions),
    }
