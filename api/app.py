"""The FastAPI application: ``create_app(settings)`` builds it, its lifespan starts it.

On start the store is migrated to the latest schema, ``SELARAS_ADMIN_KEY`` (if set) is
registered as an officer key, and the live pool is filled from the stored records; the
server then keeps it current on every write. One server process owns one store: the
pool and the register live in its memory.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.audit_batch import AuditBatcher
from api.batch_runs import BatchRunner
from api.checkpoints import WalCheckpointer
from api.database import connect, migrate, read_session, write_session
from api.deps import Server
from api.errors import install_handlers
from api.keys import KeyChecker, ensure_admin_key
from api.live_pool import LivePool
from api.memory import freeze_long_lived
from api.ranking import Ranking
from api.routers import (
    agencies,
    audit,
    batch_runs,
    health,
    job_orders,
    rankings,
    reports,
    workers,
)
from api.settings import Settings, get_settings
from api.store import JOB_ORDERS, WORKERS, all_agencies, iter_records

__all__ = ["create_app", "start_server"]

_log = logging.getLogger("selaras.api")


def start_server(settings: Settings) -> Server:
    """Migrate the store, register the admin key and load the live pool.

    Parameters
    ----------
    settings : Settings

    Returns
    -------
    Server
        The state every request shares.

    Raises
    ------
    api.keys.KeyRequestError
        If ``SELARAS_ADMIN_KEY`` is too short to be safe.
    """
    engine = connect(settings.database_url, wal_checkpoints="background")
    migrate(engine)
    if settings.admin_key is not None:
        with write_session(engine) as session:
            ensure_admin_key(session, settings.admin_key)
    ranking = Ranking(LivePool(cached_results=settings.cached_rankings))
    with read_session(engine) as session:
        register = tuple(all_agencies(session))
        ranking.load(iter_records(session, WORKERS), iter_records(session, JOB_ORDERS))
    freeze_long_lived()
    _log.info("store %s ready", engine.url.render_as_string(hide_password=True))
    return Server(
        settings=settings,
        engine=engine,
        checkpoints=WalCheckpointer(engine),
        keys=KeyChecker(engine),
        ranking=ranking,
        agencies=register,
        batches=BatchRunner(engine),
        audit=AuditBatcher(engine),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app (started by its lifespan: see :func:`start_server`).

    Parameters
    ----------
    settings : Settings, optional
        Default: from the environment (:func:`api.settings.get_settings`).

    Returns
    -------
    FastAPI
    """
    chosen = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        server = start_server(chosen)
        app.state.server = server
        try:
            yield
        finally:
            server.batches.shutdown()
            server.audit.close()
            server.keys.close()
            server.checkpoints.close()
            server.engine.dispose()

    app = FastAPI(
        title="Selaras",
        summary="Rank Indonesian migrant-worker candidates against overseas job orders.",
        version="1",
        lifespan=lifespan,
        max_body_size=chosen.max_upload_bytes,
    )
    install_handlers(app)
    for module in (workers, job_orders):
        app.include_router(module.upload_router)
        app.include_router(module.router)
    app.include_router(rankings.router)
    app.include_router(agencies.router)
    app.include_router(agencies.keys_router)
    app.include_router(audit.router)
    app.include_router(reports.router)
    app.include_router(batch_runs.router)
    app.include_router(health.router)
    return app
