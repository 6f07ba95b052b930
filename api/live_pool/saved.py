"""Keeping the live pool between server starts: a pool snapshot beside the store.

Filling the live pool from the store validates every stored worker, reads her facts
(normalizing her skills and titles) and encodes the pool: minutes for a million workers.
The server therefore saves its pool (facts, owning agencies, encoded rows) as a pool
snapshot (:mod:`matcher.pool.snapshot`, the file ``selaras pool build`` writes) and the
next start maps it and decodes the facts instead.

When it is written: once a start has loaded every stored worker (in a background thread,
from the rows as loaded: the server answers meanwhile), and when the server stops, if the
stored workers changed since the file was written. A server that is killed leaves the
file of the last clean stop or load: the next start finds it stale and loads the store.

When it is used: only when it holds the store as it is now. The file keeps the *state* of
the store it was saved from (:func:`store_state`): the database, its schema revision, the
count of stored workers and a SHA-256 over every worker's key and last-update time. Any
write, deletion or quarantine since changes it. A file that is stale (other versions of
the engine or its data, or another state of the store), damaged or not there is not
used: the start loads every stored worker, says why in the log, and saves a new file.
Job orders and the agency register are always read from the store (there are few of
them).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from api.live_pool.ranking import Ranking
from api.storage.database import read_session
from matcher.pool.snapshot import PoolSnapshot, SnapshotError, read_snapshot, write_snapshot
from matcher.scoring.encoding import EncodedPool
from matcher.scoring.facts import WorkerFacts

__all__ = ["PoolKeeper", "SavedPool", "store_state"]

_log = logging.getLogger("selaras.api")
# Rows of the state's query fetched, and hashed, at a time.
_CHUNK = 20_000


@dataclass(frozen=True)
class SavedPool:
    """A saved live pool, checked and mapped."""

    snapshot: PoolSnapshot

    @property
    def encoded(self) -> EncodedPool:
        """The workers' encoded rows (mapped from the file)."""
        return self.snapshot.encoded

    def workers(self) -> list[tuple[WorkerFacts, str]]:
        """Each worker's facts (under her pool key) and owning agency, in the rows' order:
        decoded now (call it with the collector paused: a million objects)."""
        names: list[str] = self.snapshot.extra["agency_ids"]
        owners = [names[code] for code in self.snapshot.columns["agency"].tolist()]
        return list(zip(self.snapshot.all_facts(), owners, strict=True))


def store_state(session: Session) -> dict[str, Any]:
    """What a saved pool must have been saved from to be used now.

    The database (its URL without password), the schema revision, the count of stored
    workers and a SHA-256 over every worker's ``(agency_id, id, updated_at)`` in the
    order the database scans them: any write, deletion or quarantine changes it (a write
    sets ``updated_at``). A database that reorders its rows (a ``VACUUM``) changes it too:
    the next start then loads the store, slower but never wrong. Reads the keys only,
    through the driver: about a second a million.
    """
    # The driver's own cursor: SQLAlchemy's rows cost more than the hashing.
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    digest = hashlib.sha256()
    count = 0
    try:
        cursor.execute("SELECT agency_id, id, updated_at FROM workers")
        while chunk := cursor.fetchmany(_CHUNK):
            keys = "".join(f"{a}\x1f{i}\x1f{u}\x1e" for a, i, u in chunk)
            digest.update(keys.encode("utf-8", "surrogatepass"))
            count += len(chunk)
    finally:
        cursor.close()
    bind = session.get_bind()
    assert isinstance(bind, Engine)  # sessions are bound to the store's engine
    return {
        "database": bind.url.render_as_string(hide_password=True),
        "schema": session.execute(text("SELECT version_num FROM alembic_version")).scalar(),
        "workers": count,
        "sha256": digest.hexdigest(),
    }


class PoolKeeper:
    """Reads and writes the saved live pool of one store (see the module docstring).

    Parameters
    ----------
    path : Path
        The file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved: dict[str, Any] | None = None  # the state the file holds, once known
        self._writer: threading.Thread | None = None

    def read(self, session: Session) -> SavedPool | None:
        """The saved pool, if the file holds the store's current state; else None, with
        the reason logged (the caller loads every stored worker)."""
        if not self.path.exists():
            _log.info("no saved live pool at %s: loading every stored worker", self.path)
            return None
        try:
            snapshot = read_snapshot(self.path)
        except SnapshotError as error:
            _log.warning("saved live pool not used, loading every stored worker: %s", error)
            return None
        state = store_state(session)
        saved = snapshot.manifest.get("store")
        if saved != state:
            then = "?" if not isinstance(saved, dict) else saved.get("workers", "?")
            _log.warning(
                "saved live pool %s not used, loading every stored worker: the store "
                "changed since it was saved (%s workers then, %s now)",
                self.path,
                then,
                state["workers"],
            )
            return None
        self._saved = state
        _log.info("live pool restored from %s (%d workers)", self.path, len(snapshot.facts))
        return SavedPool(snapshot)

    def keep(self, engine: Engine, ranking: Ranking) -> None:
        """After a start: save the pool just loaded unless the file holds it already
        (written in a background thread, from the rows as they are now)."""
        if self._saved is not None:
            return
        with read_session(engine) as session:
            state = store_state(session)
        rows = ranking.pool.saved_rows()
        self._writer = threading.Thread(
            target=self._write, args=(state, *rows), name="live-pool-save"
        )
        self._writer.start()

    def wait(self) -> bool:
        """Wait for the saving :meth:`keep` started; whether it started one."""
        if self._writer is None:
            return False
        self._writer.join()
        return True

    def close(self, engine: Engine, ranking: Ranking, lock: threading.Lock) -> None:
        """When the server stops: save the pool if the stored workers changed since the
        file was written (``lock`` orders the store's commits with the pool's updates)."""
        self.wait()
        with lock:
            with read_session(engine) as session:
                state = store_state(session)
            if state == self._saved:
                return
            rows = ranking.pool.saved_rows()
        self._write(state, *rows)

    def _write(
        self,
        state: dict[str, Any],
        facts: Sequence[WorkerFacts],
        owners: Sequence[str],
        encoded: EncodedPool,
    ) -> None:
        names, codes = np.unique(np.array(owners, dtype=object), return_inverse=True)
        try:
            write_snapshot(
                self.path,
                facts,
                encoded,
                {"store": state},
                columns={"agency": codes.reshape(-1).astype(np.int32)},
                extra={"agency_ids": [str(n) for n in names]},
            )
        except OSError as error:
            # The next start loads the store instead: slower, never wrong.
            _log.warning("the live pool could not be saved to %s: %s", self.path, error)
            return
        self._saved = state
        _log.info("live pool saved to %s (%d workers)", self.path, len(facts))
