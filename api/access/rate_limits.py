"""Rate limits: per key by role, failed authentication per client address, one upload per key.

Every request with a valid key takes a token from its key's bucket (:class:`RateLimit`
of the key's role); an empty bucket answers 429 with ``Retry-After``. Each failed
authentication (no key, an unknown or revoked one) takes a token from the client
address's bucket; while that bucket is empty the address is answered 429 at once, before
its key is checked, so guessing keys goes no faster than the bucket refills. A key runs
one bulk upload at a time (a second one is 429): uploads are the heaviest requests, and
one key must not be able to fill the server's memory with parallel ones.

The per-request checks run on the event loop (the dependencies are coroutines) and need
no lock; the upload slots are taken on worker threads and have one. Addresses are
remembered in a bounded table (least recently used forgotten first).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from api.access.keys import Principal
from api.http.errors import TooManyRequestsError
from api.settings import RateLimit

__all__ = ["MAX_ADDRESSES", "RateLimiter", "TokenBucket"]

MAX_ADDRESSES = 65_536
"""Client addresses whose failed authentications are remembered."""


class TokenBucket:
    """Tokens refilled at ``limit.per_second`` up to ``limit.burst``; starts full."""

    __slots__ = ("stamp", "tokens")

    def __init__(self, limit: RateLimit, now: float) -> None:
        self.tokens = float(limit.burst)
        self.stamp = now

    def refill(self, limit: RateLimit, now: float) -> None:
        """Add the tokens earned since the last call."""
        self.tokens = min(float(limit.burst), self.tokens + (now - self.stamp) * limit.per_second)
        self.stamp = now

    def take(self, limit: RateLimit, now: float) -> float:
        """Take one token: 0 when taken, else the seconds until one is there."""
        self.refill(limit, now)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / limit.per_second

    def wait(self, limit: RateLimit, now: float) -> float:
        """The seconds until a token is there (0: one is), without taking it."""
        self.refill(limit, now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / limit.per_second


class RateLimiter:
    """The server's limits (see the module docstring).

    Parameters
    ----------
    per_role : mapping of role to RateLimit
    auth_failures : RateLimit
        Failed authentications per client address.
    clock : callable, optional
        Seconds, monotonic (tests pass their own).
    """

    def __init__(
        self,
        per_role: Mapping[str, RateLimit],
        auth_failures: RateLimit,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_role = per_role
        self.auth_failures = auth_failures
        self.clock = clock
        self._keys: dict[str, TokenBucket] = {}
        self._addresses: OrderedDict[str, TokenBucket] = OrderedDict()
        self._uploads: set[str] = set()
        self._upload_lock = threading.Lock()

    def check_address(self, address: str) -> None:
        """Refuse an address whose failed authentications are spent.

        Raises
        ------
        TooManyRequestsError
        """
        bucket = self._addresses.get(address)
        if bucket is None:
            return
        wait = bucket.wait(self.auth_failures, self.clock())
        if wait > 0:
            raise TooManyRequestsError(
                "too many failed authentications from this address; try again later", wait
            )

    def failed(self, address: str) -> None:
        """Count one failed authentication of ``address``."""
        now = self.clock()
        bucket = self._addresses.get(address)
        if bucket is None:
            bucket = self._addresses[address] = TokenBucket(self.auth_failures, now)
            if len(self._addresses) > MAX_ADDRESSES:
                self._addresses.popitem(last=False)
        else:
            self._addresses.move_to_end(address)
        bucket.take(self.auth_failures, now)

    def check_key(self, principal: Principal) -> None:
        """Take a token of the key's bucket.

        Raises
        ------
        TooManyRequestsError
            When the bucket is empty (``Retry-After``: until a token is back).
        """
        limit = self.per_role.get(principal.role)
        if limit is None or limit.unlimited:
            return
        now = self.clock()
        bucket = self._keys.get(principal.key_id)
        if bucket is None:
            bucket = self._keys[principal.key_id] = TokenBucket(limit, now)
        wait = bucket.take(limit, now)
        if wait > 0:
            raise TooManyRequestsError(
                f"rate limit of this key reached ({limit.per_second:g} requests a second, "
                f"bursts of {limit.burst})",
                wait,
            )

    @contextmanager
    def upload_slot(self, key_id: str) -> Iterator[None]:
        """Hold the key's one upload slot for the block.

        Raises
        ------
        TooManyRequestsError
            When the key has an upload running already.
        """
        with self._upload_lock:
            if key_id in self._uploads:
                raise TooManyRequestsError(
                    "this key has a bulk upload running; send the next when it is answered", 5
                )
            self._uploads.add(key_id)
        try:
            yield
        finally:
            with self._upload_lock:
                self._uploads.discard(key_id)
