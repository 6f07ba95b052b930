"""``selaras keys create|revoke|list``: manage API keys directly in the store.

These work with the server stopped or running (it checks keys on every request), so the
first officer key can be made before anyone can call the API. Each change is written to
the audit log as done by key ``cli``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from cli.report import EXIT_INVALID
from cli.store import announce_new_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["keys_app"]

keys_app = typer.Typer(help="Issue, revoke and list API keys.", no_args_is_help=True)

Database = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        help="SQLAlchemy URL of the store (default: as `selaras serve` finds it).",
    ),
]


@contextmanager
def _store(database: str | None) -> Iterator[Session]:
    """A write transaction on the (migrated) store."""
    from api.settings import Settings, SettingsError
    from api.storage.database import connect, migrate, write_session

    try:
        settings = Settings.from_env(database_url=database)
    except SettingsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    engine = connect(settings.database_url)
    try:
        announce_new_store(engine)
        migrate(engine)
        with write_session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _audit(session: Session, action: str, key_id: str, params: dict[str, str | None]) -> None:
    import importlib.metadata

    from api.access.keys import Principal
    from api.audit.log import entry_values, write_entry

    write_entry(
        session,
        entry_values(
            Principal(key_id="cli", role="officer", agency_id=None),
            action,
            target=key_id,
            params=params,
            result_ids=[key_id],
            versions={"code": importlib.metadata.version("selaras")},
        ),
    )


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option(help="officer, agency or auditor.")],
    agency: Annotated[
        str | None, typer.Option(metavar="ID", help="The agency (for role agency).")
    ] = None,
    label: Annotated[str | None, typer.Option(help="Who holds the key.")] = None,
    database: Database = None,
) -> None:
    """Issue a key and print it as JSON: {"id", "key", "role", "agency_id", "label"}.

    The key is shown this once; only its hash is stored.
    """
    from api.access.keys import ROLES, KeyRequestError, issue_key

    if role not in ROLES:
        raise typer.BadParameter(f"must be one of {', '.join(ROLES)}", param_hint="--role")
    try:
        with _store(database) as session:
            issued = issue_key(session, role, agency_id=agency, label=label)
            _audit(session, "key.issue", issued.id, {"role": role, "agency_id": agency})
    except KeyRequestError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    record = {
        "id": issued.id,
        "key": issued.key,
        "role": issued.role,
        "agency_id": issued.agency_id,
        "label": issued.label,
    }
    typer.echo(json.dumps(record, ensure_ascii=False))


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="The key's id (not the key).")],
    database: Database = None,
) -> None:
    """Revoke a key; it stops working at once. Exit 1 if there is no such key."""
    from api.access.keys import revoke_key

    with _store(database) as session:
        found = revoke_key(session, key_id)
        if found:
            _audit(session, "key.revoke", key_id, {})
    if not found:
        typer.echo(f"error: no key {key_id!r}", err=True)
        raise typer.Exit(EXIT_INVALID)


@keys_app.command("list")
def list_(
    agency: Annotated[str | None, typer.Option(metavar="ID", help="Only this agency's.")] = None,
    database: Database = None,
) -> None:
    """List keys as JSON Lines (never their secrets)."""
    from api.access.keys import list_keys

    with _store(database) as session:
        rows = list_keys(session, agency_id=agency)
        for row in rows:
            record = {
                "id": row.id,
                "role": row.role,
                "agency_id": row.agency_id,
                "label": row.label,
                "created_at": row.created_at.isoformat(),
                "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
