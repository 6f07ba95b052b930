"""Thread-safe helpers of the live pool: a least-recently-used memo and a fair lock."""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Generic, TypeVar

__all__ = ["FairLock", "Lru"]

_V = TypeVar("_V")


class Lru(Generic[_V]):
    """At most ``capacity`` values by key; the least recently used goes first.

    Values are built outside the lock: two threads missing the same key at once both
    build it and the last one is kept, which is harmless for the pure values cached here.

    Parameters
    ----------
    capacity : int
        Most values kept (at least 1).
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"The 'capacity' parameter of Lru must be at least 1. Got {capacity}.")
        self.capacity = capacity
        self._values: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> _V | None:
        """The value of ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def get_many(self, keys: Sequence[Hashable]) -> list[_V | None]:
        """The value of each key (those found now the most recently used), None where
        missing: one lock for a whole answer's records instead of one per record."""
        with self._lock:
            values = self._values
            found = [values.get(key) for key in keys]
            for key, value in zip(keys, found, strict=True):
                if value is not None:
                    values.move_to_end(key)
            return found

    def put(self, key: Hashable, value: _V) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond capacity."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)

    def put_many(self, values: Mapping[Hashable, _V]) -> None:
        """:meth:`put` of each item, under one lock."""
        with self._lock:
            for key, value in values.items():
                self._values[key] = value
                self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)

    def get_or_build(self, key: Hashable, build: Callable[[], _V]) -> _V:
        """The value of ``key``, built with ``build()`` and kept when missing."""
        found = self.get(key)
        if found is None:
            found = build()
            self.put(key, found)
        return found

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)


class FairLock:
    """A lock granted in the order it was asked for.

    ``threading.Lock`` lets the thread that releases it take it again before a waiting
    thread wakes up, so under load some waiters starve for seconds; here the releasing
    thread hands the lock to the longest waiter.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def __enter__(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # released by the holder, who hands the lock over still held

    def __exit__(self, *exc_info: object) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False
