"""``selaras serve``: run the HTTP API (FastAPI on uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.report import EXIT_INVALID
from cli.store import announce_new_store

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="SQLAlchemy URL of the store (default: SELARAS_DATABASE_URL, else a SQLite "
            "file under SELARAS_DATA_DIR).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API; OpenAPI docs at /docs.

    The store is created or migrated on start and the live pool loaded from it. The
    first officer key comes from SELARAS_ADMIN_KEY or `selaras keys create --role officer`.
    """
    # Imported here so that the other commands start without loading the web stack.
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from api.access.keys import MIN_ADMIN_KEY_LENGTH
    from api.app import create_app
    from api.http.safe_logging import log_config
    from api.settings import Settings, SettingsError
    from api.storage.database import connect

    try:
        settings = Settings.from_env(database_url=database)
    except SettingsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if settings.admin_key is not None and len(settings.admin_key) < MIN_ADMIN_KEY_LENGTH:
        typer.echo(
            f"error: SELARAS_ADMIN_KEY must be at least {MIN_ADMIN_KEY_LENGTH} characters",
            err=True,
        )
        raise typer.Exit(EXIT_INVALID)
    engine = connect(settings.database_url)
    try:
        announce_new_store(engine)  # the app creates it when it starts
    finally:
        engine.dispose()
    # Every log handler withholds exception messages (they can quote a name or a NIK).
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        log_config=log_config(LOGGING_CONFIG),
    )
