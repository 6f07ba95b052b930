"""The live pool's workers: encoded segments, tombstones and compaction.

Workers are held encoded (:class:`matcher.scoring.encoding.EncodedPool`) in a few *segments*: a
large base, sealed segments of later writes, and an open *tail* that single writes join
(re-encoding only the tail, at most :data:`TAIL_ROWS` rows). Every stored version of a
worker gets a *serial*; replacing or deleting a worker marks its old serial dead, and a
query masks dead rows out instead of re-encoding anything. Compaction merges the base
and the sealed segments into a new base (joining their arrays, or re-encoding the live
workers when many rows are dead), in the background, while writes go on into the tail.

Readers take a :class:`Snapshot`: immutable segments with the live-row masks of one
moment, so a query sees every write before it and none after it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from api.live_pool.cache import Lru
from matcher.scoring.encoding import (
    EncodedPool,
    ages_on,
    concat_pools,
    encode_pool,
    join_encoded,
    on_day,
    select_workers,
)
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.kernel import KeptColumns, PoolScorer, kept_columns
from matcher.scoring.params import ScoringParams
from matcher.taxonomy.skills import SkillTaxonomy

__all__ = ["MAX_SEALED", "TAIL_ROWS", "PreparedWorkers", "Segment", "Snapshot", "WorkerStore"]

TAIL_ROWS = 256
"""Rows the open tail takes before it is sealed (each single write re-encodes it)."""
MAX_SEALED = 8
"""Sealed segments after the base that trigger a compaction (each costs a kernel call)."""
DEAD_SHARE = 0.25
"""Share of dead rows that makes a compaction re-encode the live workers."""
_MIN_ROWS_TO_PURGE = 1024
# Segments are encoded for one fixed day so that they concatenate; a query derives the
# ages of its own evaluation date (``ages_on``), nothing else in a pool depends on the day.
_ENCODED_ON = dt.date(1970, 1, 1)
# Evaluation dates kept per segment, each with the kernel's per-pool caches.
_DATES_PER_SEGMENT = 4


@dataclass(frozen=True, eq=False)
class Segment:
    """Encoded workers with, per row, the facts, serial and owning agency's code.

    Attributes
    ----------
    pool : EncodedPool
        The rows, encoded for a fixed day.
    facts : tuple of WorkerFacts
        The facts of each row (the reference scorer evaluates selected pairs on them).
    serials : ndarray of int64, shape (n_rows,)
    agencies : ndarray of int32, shape (n_rows,)
        Codes of the owning agencies (:meth:`WorkerStore.agency_code`).
    """

    pool: EncodedPool
    facts: tuple[WorkerFacts, ...]
    serials: NDArray[np.int64]
    agencies: NDArray[np.int32]
    _scorers: Lru[PoolScorer] = field(default_factory=lambda: Lru(_DATES_PER_SEGMENT))

    @property
    def n_rows(self) -> int:
        """Number of rows, dead ones included."""
        return self.pool.n_workers

    def scorer(self, params: ScoringParams) -> PoolScorer:
        """The kernel over these rows for ``params``' evaluation date, kept for reuse."""

        def build() -> PoolScorer:
            pool, day = self.pool, params.as_of
            age = ages_on(pool.birth_year, pool.birth_monthday, day)
            return PoolScorer(replace(pool, as_of=day, age=age), params, kept=self._kept)

        return self._scorers.get_or_build(params.as_of, build)

    @cached_property
    def _kept(self) -> KeptColumns:
        # The dates' scorers read the same rows: one budget of kept columns for them all.
        return kept_columns(self.pool.n_workers)

    @cached_property
    def _sorted_ids(self) -> NDArray[np.str_]:
        return np.sort(np.asarray(self.pool.ids, dtype=str))

    def ids_before(self, worker_id: str) -> int:
        """How many rows have an id that sorts before ``worker_id`` (code point order)."""
        return int(np.searchsorted(self._sorted_ids, worker_id, side="left"))


def encode_segment(
    facts: Sequence[WorkerFacts],
    serials: NDArray[np.int64],
    agencies: NDArray[np.int32],
    taxonomy: SkillTaxonomy,
) -> Segment:
    """Encode workers into a segment."""
    return Segment(encode_pool(facts, taxonomy, _ENCODED_ON), tuple(facts), serials, agencies)


def join_segments(parts: Sequence[Segment]) -> Segment:
    """One segment with the rows of ``parts`` in order (arrays joined, nothing re-encoded)."""
    if len(parts) == 1:
        return parts[0]
    return Segment(
        concat_pools([p.pool for p in parts]),
        tuple(f for p in parts for f in p.facts),
        np.concatenate([p.serials for p in parts]),
        np.concatenate([p.agencies for p in parts]),
    )


@dataclass(frozen=True, eq=False)
class PreparedWorkers:
    """Workers encoded ahead of their write (:meth:`WorkerStore.prepare`).

    Attributes
    ----------
    workers : sequence of (WorkerFacts, str)
        Each worker's facts and owning agency's id.
    encoded : EncodedPool
        Their rows, in the same order.
    """

    workers: Sequence[tuple[WorkerFacts, str]]
    encoded: EncodedPool

    @classmethod
    def join(cls, parts: Sequence[PreparedWorkers]) -> PreparedWorkers:
        """Consecutive parts of one batch, prepared apart, as preparing it at once gives
        them (the same rows and code tables: :func:`~matcher.scoring.encoding.join_encoded`).

        Parameters
        ----------
        parts : Sequence[PreparedWorkers]
            In the batch's order, at least one.

        Returns
        -------
        PreparedWorkers
        """
        if len(parts) == 1:
            return parts[0]
        workers = [worker for part in parts for worker in part.workers]
        return cls(workers, join_encoded([part.encoded for part in parts]))


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The segments and their live rows at one moment (immutable).

    ``version`` counts the writes before it: snapshots of one version hold the same
    workers (a compaction changes the layout only).
    """

    version: int
    segments: tuple[Segment, ...]
    alive: tuple[NDArray[np.bool_], ...]
    _scopes: dict[int, tuple[NDArray[np.bool_], ...]] = field(default_factory=dict)

    def scope(self, agency: int | None) -> tuple[NDArray[np.bool_], ...]:
        """Per segment, the live rows of agency code ``agency`` (None: every live row)."""
        if agency is None:
            return self.alive
        found = self._scopes.get(agency)
        if found is None:
            found = tuple(
                live & (s.agencies == agency)
                for s, live in zip(self.segments, self.alive, strict=True)
            )
            self._scopes[agency] = found
        return found


@dataclass(frozen=True)
class StoredWorker:
    """The current version of a stored worker."""

    facts: WorkerFacts
    agency_id: str
    serial: int


class WorkerStore:
    """Encoded workers, written incrementally; see the module docstring.

    Parameters
    ----------
    taxonomy : SkillTaxonomy
        The skill taxonomy the workers' facts use.
    background : bool
        Compact in a background thread (default); False compacts in the writing thread,
        which makes the segment layout after each write deterministic (tests).
    """

    def __init__(self, taxonomy: SkillTaxonomy, *, background: bool = True) -> None:
        self.taxonomy = taxonomy
        self.background = background
        # Writers queue on _write_lock and encode under it; _lock only guards the swap of
        # the state, so readers wait for a pointer swap at most, never for an encoding.
        self._write_lock = threading.Lock()
        self._lock = threading.Lock()
        self._compact_lock = threading.Lock()
        self._entries: dict[str, StoredWorker] = {}
        self._agency_codes: dict[str, int] = {}
        self._dead = np.zeros(0, np.bool_)
        self._n_serials = 0
        self._segments: tuple[Segment, ...] = ()
        self._tail_open = False
        self._version = 0
        self._snapshot: Snapshot | None = None

    # ------------------------------------------------------------------ reading
    def snapshot(self) -> Snapshot:
        """The current segments and live rows (built once per write, then shared)."""
        with self._lock:
            if self._snapshot is None:
                alive = tuple(~self._dead[s.serials] for s in self._segments)
                self._snapshot = Snapshot(self._version, self._segments, alive)
            return self._snapshot

    def get(self, worker_id: str) -> StoredWorker:
        """The stored worker ``worker_id``.

        Raises
        ------
        KeyError
            If there is none.
        """
        with self._lock:
            found = self._entries.get(worker_id)
        if found is None:
            raise KeyError(f"no worker {worker_id!r}")
        return found

    def agency_code(self, agency_id: str) -> int:
        """The code of ``agency_id`` in :attr:`Segment.agencies` (-1: no worker ever)."""
        with self._lock:
            return self._agency_codes.get(agency_id, -1)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def n_segments(self) -> int:
        """Number of segments (each costs one kernel call per query)."""
        with self._lock:
            return len(self._segments)

    # ------------------------------------------------------------------ writing
    def live_rows(self) -> tuple[list[WorkerFacts], list[str], EncodedPool]:
        """Every stored worker now: facts, owning agency and encoded rows (row order).

        What :meth:`load` takes back (with ``encoded``) to rebuild this pool without
        encoding it again: a saved live pool (``api.live_pool.saved``).
        """
        snapshot = self.snapshot()
        with self._lock:
            names = {code: agency for agency, code in self._agency_codes.items()}
        parts: list[EncodedPool] = []
        facts: list[WorkerFacts] = []
        owners: list[str] = []
        for segment, alive in zip(snapshot.segments, snapshot.alive, strict=True):
            rows = np.flatnonzero(alive)
            whole = len(rows) == segment.n_rows
            parts.append(segment.pool if whole else select_workers(segment.pool, rows))
            facts.extend(segment.facts if whole else [segment.facts[i] for i in rows.tolist()])
            owners.extend(names[c] for c in segment.agencies[rows].tolist())
        if not parts:
            return [], [], encode_pool([], self.taxonomy, _ENCODED_ON)
        return facts, owners, parts[0] if len(parts) == 1 else concat_pools(parts)

    def load(
        self, workers: Sequence[tuple[WorkerFacts, str]], *, encoded: EncodedPool | None = None
    ) -> None:
        """Replace every worker with ``workers`` (encoded as one base segment).

        ``encoded``: their rows already encoded, in order and on any date (from
        :meth:`live_rows`); then the ids must be distinct (ValueError otherwise).
        """
        with self._write_lock:
            # Serials go on from the previous pool's: memos keyed by serial stay valid.
            first = self._n_serials
            serials = np.arange(first, first + len(workers), dtype=np.int64)
            entries: dict[str, StoredWorker] = {}
            codes: dict[str, int] = {}
            for serial, (facts, agency_id) in zip(serials.tolist(), workers, strict=True):
                codes.setdefault(agency_id, len(codes))
                entries[facts.id] = StoredWorker(facts, agency_id, serial)
            dead = np.ones(first + len(workers), np.bool_)
            dead[[e.serial for e in entries.values()]] = False
            if encoded is None:
                base = self._encode(workers, serials, codes, dead)
            elif dead[first:].any() or encoded.n_workers != len(workers):
                raise ValueError("the encoded rows are not one per worker, ids distinct")
            else:
                agencies = np.array([codes[agency_id] for _, agency_id in workers], np.int32)
                rows = on_day(encoded, _ENCODED_ON)
                base = Segment(rows, tuple(f for f, _ in workers), serials, agencies)
            with self._lock:
                self._entries, self._agency_codes = entries, codes
                self._dead, self._n_serials = dead, first + len(workers)
                self._segments = (base,) if base.n_rows else ()
                self._tail_open, self._snapshot = False, None
                self._version += 1

    def prepare(self, workers: Sequence[tuple[WorkerFacts, str]]) -> PreparedWorkers:
        """Encode workers for a later :meth:`put`, outside the store's locks (a bulk upload
        encodes them while it stores their records)."""
        facts = [f for f, _ in workers]
        return PreparedWorkers(workers, encode_pool(facts, self.taxonomy, _ENCODED_ON))

    def put(self, workers: Sequence[tuple[WorkerFacts, str]] | PreparedWorkers) -> None:
        """Add or replace workers (later ones win over earlier ones with the same id),
        encoded here or beforehand (:meth:`prepare`)."""
        encoded = workers.encoded if isinstance(workers, PreparedWorkers) else None
        workers = workers.workers if isinstance(workers, PreparedWorkers) else workers
        if not workers:
            return
        with self._write_lock:
            first = self._n_serials
            serials = np.arange(first, first + len(workers), dtype=np.int64)
            with self._lock:
                for _, agency_id in workers:
                    self._agency_codes.setdefault(agency_id, len(self._agency_codes))
                codes = dict(self._agency_codes)
            if encoded is None:
                new = self._encode(workers, serials, codes, None)
            else:
                agencies = np.array([codes[agency_id] for _, agency_id in workers], np.int32)
                new = Segment(encoded, tuple(f for f, _ in workers), serials, agencies)
            segments = list(self._segments)
            tail_open = self._tail_open
            if tail_open and segments[-1].n_rows + new.n_rows <= TAIL_ROWS:
                segments[-1] = join_segments([segments[-1], new])
            else:
                segments.append(new)
                tail_open = new.n_rows < TAIL_ROWS
            with self._lock:
                dead = self._grown_dead(first + len(workers))
                for serial, (facts, agency_id) in zip(serials.tolist(), workers, strict=True):
                    old = self._entries.get(facts.id)
                    if old is not None:
                        dead[old.serial] = True
                    self._entries[facts.id] = StoredWorker(facts, agency_id, serial)
                self._dead, self._n_serials = dead, first + len(workers)
                self._segments, self._tail_open = tuple(segments), tail_open
                self._snapshot = None
                self._version += 1
        self._compact_if_due()

    def delete(self, worker_id: str) -> bool:
        """Remove a worker; returns whether there was one."""
        with self._write_lock, self._lock:
            old = self._entries.pop(worker_id, None)
            if old is None:
                return False
            # Marked in place: snapshots hold masks gathered from it, not the array.
            self._dead[old.serial] = True
            self._snapshot = None
            self._version += 1
        self._compact_if_due()
        return True

    def _grown_dead(self, size: int) -> NDArray[np.bool_]:
        """The dead marks, with room for ``size`` serials (doubling: amortized O(1))."""
        if size <= len(self._dead):
            return self._dead
        dead = np.zeros(max(size, 2 * len(self._dead)), np.bool_)
        dead[: len(self._dead)] = self._dead
        return dead

    def _encode(
        self,
        workers: Sequence[tuple[WorkerFacts, str]],
        serials: NDArray[np.int64],
        codes: dict[str, int],
        dead: NDArray[np.bool_] | None,
    ) -> Segment:
        """A segment of ``workers``, without those ``dead`` marks (by serial)."""
        keep = np.arange(len(workers)) if dead is None else np.flatnonzero(~dead[serials])
        facts = [workers[i][0] for i in keep.tolist()]
        agencies = np.array([codes[workers[i][1]] for i in keep.tolist()], np.int32)
        return encode_segment(facts, serials[keep], agencies, self.taxonomy)

    # --------------------------------------------------------------- compaction
    def _compact_if_due(self) -> None:
        with self._lock:
            due = self._due()
        if not due:
            return
        if not self.background:
            self.compact()
        elif self._compact_lock.acquire(blocking=False):  # else one is running already
            threading.Thread(
                target=self._compact_held, name="live-pool-compact", daemon=True
            ).start()

    def _due(self) -> bool:
        sealed = len(self._segments) - 1 - int(self._tail_open)
        rows = sum(s.n_rows for s in self._segments)
        tail = self._segments[-1].n_rows if self._tail_open else 0
        # Dead rows outside the tail, counting every tail row as dead: a lower bound, so a
        # compaction it starts does find enough dead rows to re-encode.
        dead = rows - len(self._entries) - tail
        merged = rows - tail
        return sealed >= MAX_SEALED or (merged >= _MIN_ROWS_TO_PURGE and dead > DEAD_SHARE * merged)

    def compact(self) -> None:
        """Merge the base and every sealed segment into one base segment now.

        Rows dead before the merge are dropped when they are more than
        :data:`DEAD_SHARE` of the merged rows (the live workers are re-encoded); otherwise
        the arrays are joined and dead rows stay masked. Writes may go on meanwhile.
        """
        with self._compact_lock:
            self._compact()

    def _compact_held(self) -> None:
        try:
            self._compact()
        finally:
            self._compact_lock.release()

    def _compact(self) -> None:
        with self._lock:
            segments = self._segments
            job = segments[: len(segments) - int(self._tail_open)]
            serials = np.concatenate([s.serials for s in job]) if job else np.zeros(0, np.int64)
            dead = self._dead[serials]
        n_dead = int(np.count_nonzero(dead))
        if len(job) <= 1 and not n_dead:
            return
        if n_dead > DEAD_SHARE * len(serials):
            facts = [f for s in job for f in s.facts]
            keep = np.flatnonzero(~dead)
            agencies = np.concatenate([s.agencies for s in job])[keep]
            merged = encode_segment(
                [facts[i] for i in keep.tolist()], serials[keep], agencies, self.taxonomy
            )
        else:
            merged = join_segments(job)
        with self._write_lock, self._lock:
            # Only compaction replaces segments other than the tail, and one runs at a time.
            assert self._segments[: len(job)] == job
            rest = self._segments[len(job) :]
            self._segments = (merged, *rest) if merged.n_rows else rest
            self._snapshot = None
