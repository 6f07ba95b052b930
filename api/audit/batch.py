"""Group commit for the audit entries of reads (rankings, explanations, refusals).

Every ranking is audited before its answer is sent, and a commit on a durable store costs
a disk flush. Requests that arrive together therefore share one transaction: each waits
until the transaction holding its entry has committed, so the guarantee is unchanged
(no answer leaves without its entry on disk) while 32 concurrent clients pay for one
flush instead of 32. The entries of a batch go in with one Core multi-row insert (the ORM's
unit of work would cost more than the flush), on one connection the writer thread holds
(a checkout from the pool per batch cost a third of the batch's CPU); a connection the
database dropped is replaced and the batch tried once more on the new one. Data changes
keep their entry in their own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert
from sqlalchemy.exc import DBAPIError

from api.storage.database import writing
from api.storage.tables import AuditRow

__all__ = ["AuditBatcher"]

_MAX_BATCH = 512


@dataclass(frozen=True)
class _Pending:
    values: dict[str, Any]
    notify: Callable[[BaseException | None], None]
    """Called from the writer thread once the entry is committed (None) or failed."""


class AuditBatcher:
    """Writes the audit entries of many requests in shared transactions.

    Parameters
    ----------
    engine : Engine
        The store.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None  # the writer thread's only
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="audit-writer", daemon=True)
        self._thread.start()

    async def write(self, values: dict[str, Any]) -> None:
        """Add one entry and return once it is committed.

        Awaited on the event loop: a waiting request holds no thread.

        Parameters
        ----------
        values : dict
            The entry, from :func:`api.audit.log.entry_values`.

        Raises
        ------
        Exception
            Whatever the commit raised (the caller must not answer then).
        """
        loop = asyncio.get_running_loop()
        committed: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            if committed.done():  # the request went away meanwhile
                return
            if error is None:
                committed.set_result(None)
            else:
                committed.set_exception(error)

        def notify(error: BaseException | None) -> None:
            # RuntimeError: the loop has closed, nobody waits any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, error)

        self._queue.put(_Pending(values, notify))
        await committed

    def close(self) -> None:
        """Write what is queued, then stop the writer thread."""
        self._queue.put(None)
        self._thread.join()

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < _MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self._commit(batch)
        self._drop()

    def _commit(self, batch: list[_Pending]) -> None:
        rows = [p.values for p in batch]
        try:
            try:
                self._insert(rows)
            except DBAPIError as error:
                if not error.connection_invalidated:
                    raise
                # The database dropped the connection (a restart): once more on a new one.
                self._insert(rows)
        except Exception as error:  # every waiting request learns its entry was not written
            self._drop()
            for p in batch:
                p.notify(error)
            return
        for p in batch:
            p.notify(None)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        if self._connection is None or self._connection.invalidated:
            self._drop()
            self._connection = writing(self._engine).connect()
        with self._connection.begin():
            self._connection.execute(insert(AuditRow), rows)

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
