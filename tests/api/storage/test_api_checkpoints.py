"""SQLite checkpoints off the commit path: the server's connections never checkpoint."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from sqlalchemy import text

from api.storage.checkpoints import WalCheckpointer
from api.storage.database import connect, migrate, write_connection

_PAGE = 4096


def _log_after_writes(
    database: Path, mode: Literal["auto", "background"]
) -> tuple[int, int, tuple[int, int, int]]:
    """Write well over the 1,000 pages at which SQLite checkpoints on its own.

    Returns the log's size in bytes after the writes, after the checkpointer's pass, and
    that pass's (busy, frames in the log, frames checkpointed).
    """
    engine = connect(f"sqlite:///{database}", wal_checkpoints=mode)
    migrate(engine)
    checkpointer = WalCheckpointer(engine, interval=3600)
    wal = database.with_name(database.name + "-wal")
    try:
        for batch in range(30):
            with write_connection(engine) as connection:
                connection.execute(text("CREATE TABLE IF NOT EXISTS filler (body TEXT)"))
                connection.execute(
                    text("INSERT INTO filler VALUES (:body)"),
                    [{"body": f"{batch}-{i}" * 400} for i in range(100)],
                )
        written = wal.stat().st_size
        checkpointer.checkpoint()
        with sqlite3.connect(database) as probe:
            assert probe.execute("SELECT count(*) FROM filler").fetchone()[0] == 3000
            state = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return written, wal.stat().st_size, state
    finally:
        checkpointer.close()
        engine.dispose()


def test_background_mode_leaves_the_log_to_the_checkpointer(tmp_path: Path) -> None:
    written, _, (busy, frames, done) = _log_after_writes(tmp_path / "store.db", "background")
    assert written > 1500 * _PAGE  # the commits never checkpointed: every page is in the log
    assert (busy, frames) == (0, done)  # the checkpointer moved every frame


def test_auto_mode_checkpoints_in_the_commits(tmp_path: Path) -> None:
    written, _, _ = _log_after_writes(tmp_path / "store.db", "auto")
    assert written < 1200 * _PAGE  # SQLite's own checkpoints kept restarting the log


def test_checkpointer_is_idle_for_other_databases() -> None:
    engine = connect("postgresql://nobody@localhost:1/none")
    checkpointer = WalCheckpointer(engine)
    checkpointer.close()  # no thread was started, nothing was connected
    engine.dispose()
