"""Pool-wide arrays a scorer keeps for the keys its job orders ask for most.

A job order reads per-row values (months listed for a set of concepts, experience totals
for a set of ISCO targets) either from its candidates' own entries or, far cheaper per row,
from a pool-wide array built once. Building costs a pass over the pool's entries, so an
array is built from the second time its key is asked for, and kept in a bounded cache that
admits it only in place of a key asked for less often: a stream of keys asked once or
twice (an allocation round's job orders, each scored once) does not rebuild arrays in turn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Ints

__all__ = ["KeptByUse", "KeptColumns"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class KeptByUse(Generic[_K, _V]):
    """Values kept for the keys asked for most, at most ``room`` of them.

    Safe to use from several threads (a server's queries); a value is built under the
    lock, so two threads never build the same one.

    Parameters
    ----------
    room : int
        How many values are kept (at least 1).
    """

    def __init__(self, room: int) -> None:
        self.room = max(1, room)
        self._kept: dict[_K, _V] = {}  # least recently used first
        self._asked: dict[_K, int] = {}
        self._lock = threading.Lock()

    def get(self, key: _K, build: Callable[[], _V], *, now: bool = False) -> _V | None:
        """The value of ``key``: kept, or built and kept when it is worth it, else None
        (the caller reads its rows instead).

        Parameters
        ----------
        key : hashable
        build : callable
            Gives the value.
        now : bool
            Build and keep it whatever the counts (the caller would read most of the pool
            anyway), in place of the least recently used value if there is no room.
        """
        with self._lock:
            asked = self._asked[key] = self._asked.get(key, 0) + 1
            found = self._kept.pop(key, None)
            if found is None:
                if not now and asked < 2:
                    return None
                if len(self._kept) >= self.room:
                    oldest = next(iter(self._kept))
                    if not now and self._asked[oldest] >= asked:
                        return None
                    del self._kept[oldest]
                found = build()
            self._kept[key] = found
            return found

    def keys(self) -> list[_K]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._kept)


@dataclass(frozen=True, eq=False)
class KeptColumns:
    """The pool-wide columns kept for one set of encoded rows, shared by every scorer over
    them: a live pool keeps a scorer per evaluation date over the same rows, and the columns
    do not depend on the date, so the dates share one budget instead of one each.

    Attributes
    ----------
    months : KeptByUse
        Concept set (bytes of its indices) -> the most months listed per worker.
    experience : KeptByUse
        (ISCO targets, ISCO closeness credits) -> the experience totals per worker.
    """

    months: KeptByUse[bytes, NDArray[np.uint16]]
    experience: KeptByUse[tuple[Hashable, ...], tuple[Ints, Ints]]
