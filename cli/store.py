"""Opening the store from the command line: a command that creates a new one says so.

Without ``SELARAS_DATA_DIR`` (or ``SELARAS_DATABASE_URL``, or ``--database``) the commands
use a SQLite file under the user's data directory; a mistyped or forgotten variable would
otherwise give a new, empty store in silence (``selaras keys create`` issuing a key that
the real server never sees).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["announce_new_store"]


def announce_new_store(engine: Engine) -> bool:
    """Warn on stderr, naming the store, when ``engine`` holds no Selaras store yet.

    Call it before migrating: a store is new when no migration has ever run on it.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store about to be migrated (from :func:`api.storage.database.connect`).

    Returns
    -------
    bool
        Whether the store is new.
    """
    from pathlib import Path

    from sqlalchemy import inspect

    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database).resolve()
        if path.exists() and inspect(engine).has_table("alembic_version"):
            return False
        where = f"at {path}"
    elif inspect(engine).has_table("alembic_version"):
        return False
    else:
        where = f"in {url.render_as_string(hide_password=True)}"
    typer.echo(
        f"warning: creating a new, empty Selaras store {where} (to use another, set "
        "SELARAS_DATA_DIR or SELARAS_DATABASE_URL, or pass --database)",
        err=True,
    )
    return True
