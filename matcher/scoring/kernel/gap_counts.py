"""Gap counts: which gates of a job order block whom, job order after job order, from
per-requirement masks kept across job orders.

A gap count asks of each job order only who fails which gate: how many workers each gate
blocks, who has exactly one gap and which, and the gates of a few tracked workers. Most
job orders of a pool ask the same few hundred requirements (a skill concept on a start
date, a language test's minimum, a programme's skills test, a destination), so each
gate's mask over the pool is computed once, by the same gate functions as scoring
(:func:`~matcher.scoring.kernel.gates.stages`), and kept under the gate's key
(:mod:`~matcher.scoring.kernel.plan`) as a bitset of the pool: 1 bit a worker. A job order
then combines its gates' bitsets word by word: "at least one gap" and "at least two",
whose difference is "exactly one", and population counts. No gates x pool matrix of
bools is built; the result equals counting the gaps of
:meth:`~matcher.scoring.kernel.PoolScorer.score_vacancy` (:func:`counts_from_gaps`
counts those the same way).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Ints
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.gates import stages
from matcher.scoring.kernel.plan import Plan
from matcher.scoring.kernel.rows import ChunkState, Key, Rows

__all__ = ["MASK_CACHE_BYTES", "GateCounts", "MaskCache", "count_plan", "counts_from_gaps"]

Label = tuple[str, str]
Bits = NDArray[np.uint64]

MASK_CACHE_BYTES = 128 * 2**20
"""Bytes of gate bitsets a :class:`MaskCache` keeps (n_workers / 8 each): about 10,000
requirements at 100,000 workers, 1,000 at 1,000,000; the least recently used go first."""


@dataclass(frozen=True)
class GateCounts:
    """How the gates of one job order split the pool.

    Attributes
    ----------
    labels : tuple of (kind, requirement)
        The job order's gates, in the kernel's order (``VacancyScores.gap_labels``).
    blocked : ndarray of int64, shape (n_labels,)
        Workers each gate blocks.
    only : ndarray of int64, shape (n_labels,)
        Workers for whom it is the only gap.
    alone : ndarray of int64, shape (n_alone,)
        The workers with exactly one gap, ascending.
    alone_label : ndarray of int64, shape (n_alone,)
        Their gap, an index into ``labels``.
    tracked : ndarray of bool, shape (n_labels, n_tracked)
        The gaps of the workers asked for (``tracked[g, t]``: tracked worker ``t`` has the
        gap ``labels[g]``).
    """

    labels: tuple[Label, ...]
    blocked: Ints
    only: Ints
    alone: Ints
    alone_label: Ints
    tracked: Bools


class MaskCache:
    """Gate bitsets over one pool by gate key, least recently used evicted beyond
    ``max_bytes``; safe to share between threads.

    Parameters
    ----------
    max_bytes : int
        Bytes of bitsets kept at most.
    """

    def __init__(self, max_bytes: int = MASK_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._bits: OrderedDict[Key, Bits] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._bits)

    def get(self, key: Key) -> Bits | None:
        with self._lock:
            found = self._bits.get(key)
            if found is not None:
                self._bits.move_to_end(key)
            return found

    def put(self, key: Key, bits: Bits) -> None:
        with self._lock:
            if key in self._bits:
                return
            self._bits[key] = bits
            self._size += bits.nbytes
            while self._size > self.max_bytes and len(self._bits) > 1:
                _, dropped = self._bits.popitem(last=False)
                self._size -= dropped.nbytes


class _Collect(ChunkState):
    """A job order's gates over one chunk: records each gate's label and key, and computes
    the masks of the keys in ``compute`` (every key whose bitset is not in ``found``, when
    None: then ``found`` is filled from the cache)."""

    def __init__(
        self, rows: Rows, cache: MaskCache, found: dict[Key, Bits], compute: set[Key] | None
    ) -> None:
        super().__init__(rows, 0, prune=False, with_gaps=False)
        self.cache = cache
        self.found = found
        self.compute = compute
        self.gates: list[tuple[int, Key]] = []
        self.masks: dict[Key, Bools] = {}

    def gate(self, label: int, key: Key, mask: Callable[[], Bools | bool]) -> None:
        self.gates.append((label, key))
        if key in self.masks or key in self.found:
            return
        if self.compute is None:
            kept = self.cache.get(key)
            if kept is not None:
                self.found[key] = kept
                return
        elif key not in self.compute:
            return
        self.masks[key] = np.broadcast_to(np.asarray(mask(), np.bool_), (len(self.rows),))

    def carry(self, name: str, value: Callable[[], NDArray[Any]]) -> None:
        """Nothing is scored: the score's inputs are not computed."""


def _pack(mask: Bools) -> Bits:
    """A bool mask as 64-bit words, worker ``i`` at bit ``i % 64`` of word ``i // 64``."""
    packed = np.packbits(mask, bitorder="little")
    words = np.zeros(-(-len(packed) // 8) * 8, np.uint8)
    words[: len(packed)] = packed
    return words.view(np.uint64)


def _unpack(bits: Bits, n: int) -> Bools:
    return np.unpackbits(bits.view(np.uint8), count=n, bitorder="little").view(np.bool_)


def count_plan(
    ctx: Context, plan: Plan, cache: MaskCache, step: int, tracked: Ints, tag: Hashable
) -> GateCounts:
    """The gap counts of one compiled job order over the whole pool.

    Parameters
    ----------
    ctx : Context
    plan : Plan
    cache : MaskCache
        Bitsets of gates already computed, by key; the missing ones are added.
    step : int
        Workers per chunk when a gate's mask must be computed.
    tracked : ndarray of int64, shape (n_tracked,)
        Pool indices whose gaps are returned.
    tag : hashable
        Names ``tracked`` (equal tags, equal workers): each gate's bits at those workers
        are kept in ``cache`` under it, for the next job orders with the same tracked.

    Returns
    -------
    GateCounts
    """
    n = ctx.pool.n_workers
    labels = tuple(plan.labels)
    if not n:
        return counts_from_gaps(np.zeros((len(labels), 0), np.bool_), labels, tracked)
    found: dict[Key, Bits] = {}
    computed: dict[Key, list[Bools]] = {}
    compute: set[Key] | None = None
    gates: list[tuple[int, Key]] = []
    for lo in range(0, n, step):
        state = _Collect(Rows(lo, min(lo + step, n)), cache, found, compute)
        for stage in stages(ctx, plan, state):
            stage()
        gates = state.gates
        # The first chunk decides which masks to compute: every later chunk computes
        # the same ones, whatever other threads add to the cache meanwhile.
        compute = set(state.masks)
        for key, mask in state.masks.items():
            computed.setdefault(key, []).append(mask)
        if not compute:
            break
    for key, parts in computed.items():
        mask = np.concatenate(parts)
        found[key] = _pack(mask)
        cache.put(key, found[key])
        # The tracked workers' bits, read while the mask is at hand: a gather of bytes
        # instead of bits from the bitset (the fallback of _at_tracked).
        cache.put(_tracked_key(key, tag), _pack(mask[tracked]))
    by_label: list[Bits | None] = [None] * len(labels)
    at_tracked: list[Bits | None] = [None] * len(labels)
    for label, key in gates:
        bits, at = found[key], _at_tracked(cache, key, found[key], tracked, tag)
        mine, mine_at = by_label[label], at_tracked[label]
        by_label[label] = bits if mine is None else mine | bits
        at_tracked[label] = at if mine_at is None else mine_at | at
    gaps_at = np.zeros((len(labels), len(tracked)), np.bool_)
    for label, packed in enumerate(at_tracked):
        if packed is not None:
            gaps_at[label] = _unpack(packed, len(tracked))
    return _count(labels, by_label, n, gaps_at)


def _at_tracked(cache: MaskCache, key: Key, bits: Bits, tracked: Ints, tag: Hashable) -> Bits:
    """A gate's bits at the tracked workers, as a bitset over them (kept in ``cache``):
    the gather over the tracked workers is done once per gate and tracked set."""
    where = _tracked_key(key, tag)
    found = cache.get(where)
    if found is None:
        found = _pack(_bits_at([bits], tracked)[0])
        cache.put(where, found)
    return found


def _tracked_key(key: Key, tag: Hashable) -> Key:
    """The cache key of a gate's bits at the tracked workers named by ``tag``."""
    return (*key, "at tracked", tag)


def counts_from_gaps(gaps: Bools, labels: Sequence[Label], tracked: Ints) -> GateCounts:
    """The gap counts of a gap matrix (``VacancyScores.gaps`` and ``gap_labels``).

    Parameters
    ----------
    gaps : ndarray of bool, shape (n_labels, n_workers)
    labels : sequence of (kind, requirement)
    tracked : ndarray of int64, shape (n_tracked,)

    Returns
    -------
    GateCounts
    """
    n = gaps.shape[1]
    return _count(tuple(labels), [_pack(row) for row in gaps], n, gaps[:, tracked])


def _count(
    labels: tuple[Label, ...], masks: Sequence[Bits | None], n: int, gaps_at: Bools
) -> GateCounts:
    """Count the gates' bitsets (None: a gate that blocks no one); ``gaps_at`` are the
    tracked workers' gaps."""
    words = -(-n // 64)
    some = np.zeros(words, np.uint64)  # at least one gap
    more = np.zeros(words, np.uint64)  # at least two
    for bits in masks:
        if bits is not None:
            more |= some & bits
            some |= bits
    alone = np.flatnonzero(_unpack(some & ~more, n)).astype(np.int64)
    # Only the gates' bits at the one-gap and the tracked workers are read out.
    at_alone = _bits_at(masks, alone)
    blocked = np.array([0 if b is None else int(np.bitwise_count(b).sum()) for b in masks])
    return GateCounts(
        labels,
        blocked.astype(np.int64),
        at_alone.sum(axis=1, dtype=np.int64),
        alone,
        np.argmax(at_alone, axis=0).astype(np.int64) if len(alone) else alone.copy(),
        gaps_at,
    )


def _bits_at(masks: Sequence[Bits | None], workers: Ints) -> Bools:
    """``out[g, t]``: bit ``workers[t]`` of ``masks[g]``."""
    out = np.zeros((len(masks), len(workers)), np.bool_)
    byte, shift = workers >> 3, (workers & 7).astype(np.uint8)
    for g, bits in enumerate(masks):
        if bits is not None and len(workers):
            out[g] = (bits.view(np.uint8)[byte] >> shift) & 1
    return out
