"""Moving SQLite's write-ahead log into the database file off the request path.

SQLite in WAL mode copies the log into the database file (a *checkpoint*) when the log
passes 1,000 pages, in the connection whose commit crossed the line, before that commit
returns. On the server that commit is usually the audit group commit every ranking
waits for, and the copy (with its flush of the database file) took over a second on the
benchmark machine: every request in flight stalled with it. The server therefore turns
automatic checkpoints off on its connections (``connect(..., wal_checkpoints="background")``)
and runs a passive checkpoint every second on a connection of its own: a passive
checkpoint never blocks readers or writers, and the next commits go on appending to the
log meanwhile.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

__all__ = ["WalCheckpointer"]

_log = logging.getLogger("selaras.api")


class WalCheckpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` every ``interval`` seconds (SQLite only).

    Parameters
    ----------
    engine : Engine
        A SQLite store connected with ``wal_checkpoints="background"``; for other
        databases the checkpointer does nothing.
    interval : float
        Seconds between checkpoints.
    """

    def __init__(self, engine: Engine, interval: float = 1.0) -> None:
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if engine.dialect.name == "sqlite":
            self._thread = threading.Thread(target=self._loop, name="wal-checkpoint", daemon=True)
            self._thread.start()

    def checkpoint(self) -> None:
        """One passive checkpoint now."""
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.close()
        finally:
            connection.close()

    def close(self) -> None:
        """Stop, after a last checkpoint."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while True:
            stopping = self._stop.wait(self._interval)
            try:
                self.checkpoint()
            except Exception:  # a failed checkpoint is retried; the log only grows meanwhile
                _log.exception("WAL checkpoint failed")
            if stopping:
                return
