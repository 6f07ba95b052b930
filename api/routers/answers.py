"""What the ranking routes (rankings, reintegration) share: the audit entry of an answer,
written before the answer is sent, and the answer as JSON.

A ranking nobody could trace afterwards is never shown: each route awaits
:func:`audited` (the group commit of :class:`api.audit.batch.AuditBatcher`) and only then
returns :func:`json_answer`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import Response

from api.access.keys import Principal
from api.audit.log import entry_values
from api.deps import Server
from api.records import json_response

__all__ = ["audited", "json_answer"]


async def audited(
    server: Server,
    principal: Principal,
    action: str,
    *,
    target: str | None,
    params: Mapping[str, Any],
    result_ids: Sequence[Any],
) -> None:
    """Commit the audit entry of an answer (with the engine's versions) before it is sent.

    Parameters
    ----------
    server : Server
        The running server (its audit batcher and live pool).
    principal : Principal
        The caller.
    action : str
        The entry's action (``candidates``, ``returnee_opportunities``...).
    target : str or None
        ``agency/id`` of what was asked about, if one record.
    params : mapping
        The request's parameters as the entry records them.
    result_ids : sequence
        What the answer names, in its order.
    """
    await server.audit.write(
        entry_values(
            principal,
            action,
            target=target,
            params=params,
            result_ids=result_ids,
            versions=server.ranking.versions,
        )
    )


def json_answer(body: Mapping[str, Any]) -> Response:
    """``body`` as a JSON response; dates come out as ISO 8601, text as UTF-8.

    orjson: a ranking's fifty results take the stdlib encoder ~0.5 ms, a tenth of the
    request.
    """
    return json_response(orjson.dumps(body, default=str))
