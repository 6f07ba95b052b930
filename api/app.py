"""The FastAPI application: ``create_app(settings)`` builds it, its lifespan starts it.

On start the store is migrated to the latest schema, ``SELARAS_ADMIN_KEY`` (if set) is
registered as an officer key, and the live pool is filled from the stored records (a
record this version cannot read is quarantined, not fatal: ``api.storage.quarantine``),
or restored from the pool saved beside the store when that holds the store as it is
(``api.live_pool.saved``); the server then keeps it current on every write. One server
process owns one store: the pool and the register live in its memory.

Around the routes: CORS for the origins of ``SELARAS_CORS_ORIGINS`` (none by default),
a body limit on every route (1 MiB; uploads ``SELARAS_MAX_UPLOAD_MB``: ``api.http.body_limits``
answers a declared length over it at once), a logged 500 for anything no handler took
(``api.http.internal_errors``), and strict JSON bodies (``api.http.json_bodies``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.formparsers import MultiPartParser

from api.access.keys import KeyChecker, KeyRequestError, ensure_admin_key
from api.access.rate_limits import RateLimiter
from api.audit.batch import AuditBatcher
from api.batch_runs import BatchRunner
from api.deps import Server
from api.http.body_limits import BodyLimits
from api.http.cursors import CursorSigner, cursor_key
from api.http.errors import install_handlers, responses
from api.http.idempotency import Idempotency
from api.http.internal_errors import InternalErrors
from api.http.json_bodies import StrictJsonBodies
from api.http.preconditions import Preconditions
from api.http.safe_logging import redacted_traceback
from api.live_pool.pool import LivePool
from api.live_pool.ranking import Ranking
from api.live_pool.saved import PoolKeeper
from api.routers import (
    agencies,
    audit,
    batch_runs,
    feeds,
    health,
    insights,
    job_orders,
    quarantined,
    rankings,
    reintegration,
    reports,
    training,
    webhooks,
    workers,
)
from api.settings import MAX_JSON_BODY_BYTES, Settings, get_settings
from api.storage.checkpoints import WalCheckpointer
from api.storage.database import connect, migrate, read_session, write_session
from api.storage.quarantine import Unreadable, quarantine, readable_agencies, readable_records
from api.storage.store import (
    JOB_ORDERS,
    WORKERS,
    AmbiguousIdError,
    RecordExistsError,
    RecordNotFoundError,
)
from api.training_runs import TRAINING_PLAN, training_plan_kind
from api.webhooks.delivery import Dispatcher
from api.webhooks.events import WebhookEvents, refused_job_orders, top_rankings
from matcher.memory import building_long_lived
from matcher.taxonomy.occupations import load_default_normalizers

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
    api.access.keys.KeyRequestError
        If ``SELARAS_ADMIN_KEY`` is too short to be safe.
    """
    engine = connect(settings.database_url, wal_checkpoints="background")
    migrate(engine)
    if settings.admin_key is not None:
        with write_session(engine) as session:
            ensure_admin_key(session, settings.admin_key)
    # Loaded now, not by the first upload or answer that reads a text (about 0.4 s).
    load_default_normalizers()
    ranking = Ranking(LivePool(cached_results=settings.cached_rankings))
    keeper = None if settings.pool_snapshot is None else PoolKeeper(settings.pool_snapshot)
    unreadable: list[Unreadable] = []
    with read_session(engine) as session:
        agencies_read, unreadable_agencies = readable_agencies(session)
        saved = None if keeper is None else keeper.read(session)
        orders = readable_records(session, JOB_ORDERS, unreadable)
        # The pool's millions of objects are built with the collector paused, then
        # frozen; a restored pool holds no garbage to collect first.
        with building_long_lived(collect=saved is None):
            if saved is None:
                ranking.load(readable_records(session, WORKERS, unreadable), orders)
            else:
                ranking.restore(saved.workers(), saved.encoded, orders)
    quarantine(engine, unreadable_agencies + unreadable)
    if keeper is not None:
        keeper.keep(engine, ranking)  # after the quarantine: the state the pool holds
    _log.info("store %s ready", engine.url.render_as_string(hide_password=True))
    batches = BatchRunner(engine)
    batches.add_kind(TRAINING_PLAN, training_plan_kind(engine))
    return Server(
        settings=settings,
        engine=engine,
        checkpoints=WalCheckpointer(engine),
        keys=KeyChecker(engine),
        ranking=ranking,
        agencies=tuple(agencies_read),
        batches=batches,
        audit=AuditBatcher(engine),
        limits=RateLimiter(settings.rate_limits, settings.auth_failures),
        cursors=CursorSigner(cursor_key(settings)),
        pool_keeper=keeper,
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
        try:
            server = start_server(chosen)
        except KeyRequestError:
            raise  # a message for the operator, about the admin key: nothing personal
        except Exception as error:
            # The server would print the traceback with its message: it may quote a value.
            _log.error("the server could not start\n%s", redacted_traceback(error))
            raise RuntimeError(f"start-up failed ({type(error).__name__}); see the log") from None
        app.state.server = server
        app.state.webhooks = Dispatcher(
            server.engine, partial(refused_job_orders, server), partial(top_rankings, server)
        )
        try:
            yield
        finally:
            app.state.webhooks.close()
            server.batches.shutdown()
            if server.pool_keeper is not None:
                # After the batch runs (they write) and before the store closes.
                server.pool_keeper.close(server.engine, server.ranking, server.write_lock)
            server.audit.close()
            server.keys.close()
            server.checkpoints.close()
            server.engine.dispose()

    # An upload is kept in memory up to the upload limit, not written to a temporary file
    # past its first MiB: Starlette's parser wrote a file's every 64 KiB chunk from a
    # worker thread (0.2 s of a 73 MiB upload), which the upload then reads back whole.
    # The records read from it take several times its size in memory anyway. The
    # attribute is the parser's (one per process): the largest limit of any app wins.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, chosen.max_upload_bytes)
    app = FastAPI(
        title="Selaras",
        summary="Rank Indonesian migrant-worker candidates against overseas job orders.",
        version="1",
        lifespan=lifespan,
        # The outer limit; every route has its own below.
        max_body_size=chosen.max_upload_bytes,
    )
    install_handlers(
        app,
        not_found=[RecordNotFoundError],
        conflict=[AmbiguousIdError, RecordExistsError],
        invalid_body=[KeyRequestError],
    )
    keyed = {"responses": responses(429), "max_body_size": MAX_JSON_BODY_BYTES}
    for module in (workers, job_orders):
        upload_limit = {**keyed, "max_body_size": chosen.max_upload_bytes}
        app.include_router(module.upload_router, **upload_limit)  # type: ignore[arg-type]
        app.include_router(module.router, **keyed)  # type: ignore[arg-type]
    for router in (
        rankings.router,
        agencies.router,
        agencies.keys_router,
        audit.router,
        reports.router,
        insights.router,
        batch_runs.router,
        quarantined.router,
        reintegration.router,
        training.courses_router,
        training.router,
        feeds.promotion_router,
        webhooks.router,
    ):
        app.include_router(router, **keyed)  # type: ignore[arg-type]
    app.include_router(health.router, max_body_size=MAX_JSON_BODY_BYTES)
    app.include_router(feeds.router, max_body_size=MAX_JSON_BODY_BYTES)
    # Added innermost first: CORS answers outermost, so every answer (429, 413, 500)
    # carries its headers and a browser page of an allowed origin can read it.
    app.add_middleware(WebhookEvents)
    app.add_middleware(StrictJsonBodies, max_bytes=MAX_JSON_BODY_BYTES)
    app.add_middleware(Preconditions)
    app.add_middleware(Idempotency)
    app.add_middleware(InternalErrors)
    uploads = [
        getattr(route, "path", "")
        for m in (workers, job_orders)
        for route in m.upload_router.routes
    ]
    app.add_middleware(
        BodyLimits,
        max_bytes=MAX_JSON_BODY_BYTES,
        upload_paths=uploads,
        max_upload_bytes=chosen.max_upload_bytes,
    )
    if chosen.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(chosen.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Retry-After"],
            allow_credentials=False,
            max_age=600,
        )
    return app
