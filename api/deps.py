"""FastAPI dependencies: the running server's state, the caller, and role checks.

Routes declare who may call them with one of the ``Annotated`` aliases below, so the
allowed roles read in the signature (``principal: Officer``).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from api.access.keys import KeyChecker, Principal, Role
from api.access.rate_limits import RateLimiter
from api.audit.batch import AuditBatcher
from api.batch_runs import BatchRunner
from api.http.cursors import CursorSigner
from api.http.errors import ForbiddenError, UnauthorizedError
from api.live_pool.opportunities import OpportunityBooks
from api.live_pool.ranking import Ranking
from api.live_pool.saved import PoolKeeper
from api.settings import Settings
from api.storage.checkpoints import WalCheckpointer
from models.agency import Agency

__all__ = [
    "AnyRole",
    "AuditReader",
    "Officer",
    "Ranker",
    "Server",
    "ServerDep",
    "Writer",
    "get_server",
]


@dataclass
class Server:
    """What every request shares: settings, the store (and its checkpointer), the key
    check and the rate limits, the cursor signer, the live pool, the register, the
    background batch runs and the kept book of returnees' best opportunities.

    ``write_lock`` orders every write's commit with its update of the live pool, so the
    pool always ends in the state of the last commit. ``pool_keeper`` saves the pool
    between starts (None: not saved). ``agencies`` is the register as
    last committed (the server is its only writer).
    """

    settings: Settings
    engine: Engine
    checkpoints: WalCheckpointer
    keys: KeyChecker
    ranking: Ranking
    agencies: tuple[Agency, ...]
    batches: BatchRunner
    audit: AuditBatcher
    limits: RateLimiter
    cursors: CursorSigner
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    pool_keeper: PoolKeeper | None = None
    opportunity_books: OpportunityBooks = field(default_factory=OpportunityBooks)


# The dependencies are coroutines: FastAPI runs a plain function in a worker thread, and
# every hop to a thread costs more than these do (the key check takes microseconds).
async def get_server(request: Request) -> Server:
    """The state the app's lifespan set up."""
    server: Server = request.app.state.server
    return server


ServerDep = Annotated[Server, Depends(get_server)]

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key: `Authorization: Bearer slr_...` (see `selaras keys create`).",
)


async def _principal(
    request: Request,
    server: ServerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # An address that spent its failed authentications is refused before its key is
    # checked; a valid key then spends a token of its own bucket (api.access.rate_limits).
    address = request.client.host if request.client else "unknown"
    server.limits.check_address(address)
    if credentials is None:
        server.limits.failed(address)
        raise UnauthorizedError("missing API key: send 'Authorization: Bearer <key>'")
    principal = server.keys.authenticate(credentials.credentials)
    if principal is None:
        server.limits.failed(address)
        raise UnauthorizedError("unknown or revoked API key")
    server.limits.check_key(principal)
    return principal


def _require(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    # Every role (officer, agency, auditor) takes "an".
    allowed = " or ".join(roles)

    async def check(principal: Annotated[Principal, Depends(_principal)]) -> Principal:
        if principal.role not in roles:
            raise ForbiddenError(f"this needs an {allowed} key; yours is an {principal.role} key")
        return principal

    return check


AnyRole = Annotated[Principal, Depends(_require("officer", "agency", "auditor"))]
"""Officers, agencies (their own records) and auditors (cards without personal data)."""
Writer = Annotated[Principal, Depends(_require("officer", "agency"))]
"""Officers (any agency) and agencies (their own records)."""
Ranker = Annotated[Principal, Depends(_require("officer", "agency"))]
"""Rankings and explanations hold personal data (health and document gaps): no auditors."""
Officer = Annotated[Principal, Depends(_require("officer"))]
AuditReader = Annotated[Principal, Depends(_require("officer", "auditor"))]
