"""Group commit for the audit entries of reads (rankings, explanations, refusals).

Every ranking is audited before its answer is sent, and a commit on a durable store costs
a disk flush. Requests that arrive together therefore share one transaction: each waits
until the transaction holding its entry has committed, so the guarantee is unchanged
(no answer leaves without its entry on disk) while 32 concurrent clients pay for one
flush instead of 32. Data changes keep their entry in their own transaction.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from api.audit import write_entry
from api.database import write_session
from api.keys import Principal

__all__ = ["AuditBatcher"]

_MAX_BATCH = 512


@dataclass
class _Pending:
    principal: Principal
    action: str
    target: str | None
    params: Mapping[str, Any]
    result_ids: Sequence[Any]
    versions: Mapping[str, str]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class AuditBatcher:
    """Writes audit entries from many threads in shared transactions.

    Parameters
    ----------
    engine : Engine
        The store.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="audit-writer", daemon=True)
        self._thread.start()

    def write(
        self,
        principal: Principal,
        action: str,
        *,
        target: str | None,
        params: Mapping[str, Any],
        result_ids: Sequence[Any],
        versions: Mapping[str, str],
    ) -> None:
        """Add one entry and return once it is committed (see :func:`api.audit.write_entry`).

        Raises
        ------
        Exception
            Whatever the commit raised (the caller must not answer then).
        """
        pending = _Pending(principal, action, target, params, result_ids, versions)
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        """Write what is queued, then stop the writer thread."""
        self._queue.put(None)
        self._thread.join()

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
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

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            with write_session(self._engine) as session:
                for p in batch:
                    write_entry(
                        session, p.principal, p.action, target=p.target, params=p.params,
                        result_ids=p.result_ids, versions=p.versions,
                    )  # fmt: skip
        except Exception as error:  # every waiting request learns its entry was not written
            for p in batch:
                p.error = error
        for p in batch:
            p.done.set()
