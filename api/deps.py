"""FastAPI dependencies: the running server's state, the caller, and role checks.

Routes declare who may call them with one of the ``Annotated`` aliases below, so the
allowed roles read in the signature (``principal: Officer``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
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

_BEARER_DESCRIPTION = "An API key: `Authorization: Bearer slr_...` (see `selaras keys create`)."


class _KeyCheck(HTTPBearer):
    """The caller, from the bearer key, if one of ``roles`` (401 without a valid key,
    403 for another role, 429 past a rate limit).

    One dependency does what took four (the server's state, the bearer header, the key
    check, the role check): FastAPI resolves each dependency of each request with a
    good deal of Python, and the ranking routes are the API's busiest. As an
    ``HTTPBearer`` it still declares the bearer scheme in the OpenAPI document, under
    the scheme's usual name. A route declares one of the aliases below, never two: each
    alias checks the key (and spends a rate-limit token) on its own.
    """

    def __init__(self, *roles: Role) -> None:
        super().__init__(
            auto_error=False, scheme_name="HTTPBearer", description=_BEARER_DESCRIPTION
        )
        self._roles = roles
        # Every role (officer, agency, auditor) takes "an".
        self._allowed = " or ".join(roles)

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        credentials = await super().__call__(request)
        server: Server = request.app.state.server
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
        if principal.role not in self._roles:
            raise ForbiddenError(
                f"this needs an {self._allowed} key; yours is an {principal.role} key"
            )
        return principal


_officer_or_agency = _KeyCheck("officer", "agency")

AnyRole = Annotated[Principal, Depends(_KeyCheck("officer", "agency", "auditor"))]
"""Officers, agencies (their own records) and auditors (cards without personal data)."""
Writer = Annotated[Principal, Depends(_officer_or_agency)]
"""Officers (any agency) and agencies (their own records)."""
Ranker = Annotated[Principal, Depends(_officer_or_agency)]
"""Rankings and explanations hold personal data (health and document gaps): no auditors."""
Officer = Annotated[Principal, Depends(_KeyCheck("officer"))]
AuditReader = Annotated[Principal, Depends(_KeyCheck("officer", "auditor"))]
