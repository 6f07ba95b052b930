"""Why a worker was not placed and why a job order kept open slots.

Two sources feed the reasons. The eligible graph and the allocation give, for a worker
who was eligible somewhere, her best rank (``outcompeted``). A gap pass gives the rest:
the gates of each job order it covers are run over the whole pool
(:meth:`matcher.scoring.kernel.PoolScorer.count_gaps`) and :class:`GapTally` keeps, per job
order, how many workers each gate blocked (and for how many it was the only gap), and,
per worker eligible nowhere, how many job orders each gate blocked and how many would
have taken her but for her stated preferences.

Every function takes arrays, so a gap pass can be fed job order by job order or from
chunks of job orders run elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.allocation.graph import EligibleGraph
from matcher.arrays import Bools, Ints
from matcher.scoring.kernel import GateCounts, VacancyScores, counts_from_gaps
from matcher.text.messages import Lang, number_text, requirement_text
from models.results import GAP_KINDS, Reason

__all__ = [
    "TOP_GAPS",
    "GapTally",
    "JobGaps",
    "best_ranks",
    "ineligible_reason",
    "outcompeted_reason",
    "preference_reason",
    "unfilled_reasons",
    "worker_gate_reasons",
]

TOP_GAPS = 3
"""Gates named per reason: enough to act on, short enough to read in a table."""

# Tracked workers whose top gates are found together: a few k x 8 bytes per key row,
# which stays in the core's cache across the pass over every gate's counts.
_TOP_BLOCK = 4096

Label = tuple[str, str]


@dataclass(frozen=True)
class JobGaps:
    """How the gates of one job order split the pool.

    Attributes
    ----------
    labels : tuple of (kind, requirement)
        The job order's gates, most blocking first (ties in the job order's own order).
    blocked : ndarray of int64, shape (n_labels,)
        Workers each gate blocks.
    only : ndarray of int64, shape (n_labels,)
        Workers for whom it is the only gap (one training or document away).
    """

    labels: tuple[Label, ...]
    blocked: Ints
    only: Ints


def best_ranks(graph: EligibleGraph, chosen: Bools) -> tuple[Ints, Ints]:
    """Each unplaced worker's best rank among the candidates of a job order.

    Parameters
    ----------
    graph : EligibleGraph
    chosen : ndarray of bool, shape (n_edges,)
        The allocation.

    Returns
    -------
    job : ndarray of int64, shape (n_workers,)
        The job order where the worker ranked best (lowest id on a tie); -1 for a worker
        who is placed or has no eligible pair.
    rank : ndarray of int64, shape (n_workers,)
        Her rank there (1-based); 0 where ``job`` is -1.
    """
    job = np.full(graph.n_workers, -1, np.int64)
    rank = np.zeros(graph.n_workers, np.int64)
    placed = np.zeros(graph.n_workers, np.bool_)
    placed[graph.worker[chosen]] = True
    edges = np.flatnonzero(~placed[graph.worker])
    if not edges.size:
        return job, rank
    jobs, ranks, workers = graph.job()[edges], graph.rank()[edges], graph.worker[edges]
    order = np.lexsort((graph.job_rank[jobs], ranks, workers))
    workers, jobs, ranks = workers[order], jobs[order], ranks[order]
    first = np.concatenate(([True], workers[1:] != workers[:-1]))
    job[workers[first]] = jobs[first]
    rank[workers[first]] = ranks[first]
    return job, rank


class GapTally:
    """Gap counts over a gap pass: per job order, and per tracked (ineligible) worker.

    Parameters
    ----------
    tracked : ndarray of int64, shape (n_tracked,)
        Pool indices of the workers whose gaps are counted across job orders.
    """

    def __init__(self, tracked: Ints) -> None:
        self.tracked = np.asarray(tracked, dtype=np.int64)
        self.n_jobs = 0
        self.outside_preferences = np.zeros(len(self.tracked), np.int64)
        self._index: dict[Label, int] = {}
        self._counts: list[NDArray[np.int32]] = []
        # Job orders added since a gate's row was last brought up to date, as bytes: a
        # job order's gaps add to them without widening (at 100,000 workers, a sixth of
        # the memory traffic of adding to the int32 row), carried over before a byte
        # could overflow and whenever the counts are read.
        self._recent: list[NDArray[np.uint8] | None] = []
        self._pending: list[int] = []

    def add(self, scores: GateCounts | VacancyScores) -> JobGaps:
        """Count one job order's gaps over the whole pool.

        Parameters
        ----------
        scores : GateCounts or VacancyScores
            :meth:`PoolScorer.count_gaps` of the job order with these tracked workers, or
            its :meth:`PoolScorer.score_vacancy`.

        Returns
        -------
        JobGaps
            The job order's gates, most blocking first.

        Raises
        ------
        ValueError
            If the counts track another number of workers.
        """
        if isinstance(scores, VacancyScores):
            scores = counts_from_gaps(scores.gaps, scores.gap_labels, self.tracked)
        if scores.tracked.shape[1:] != self.tracked.shape:
            raise ValueError(
                f"the counts track {scores.tracked.shape[1]} workers; the tally tracks "
                f"{len(self.tracked)}"
            )
        self.n_jobs += 1
        gaps, labels = scores.tracked, scores.labels
        preference = np.array([kind == "preference" for kind, _ in labels], np.bool_)
        if preference.any():
            # Some gap, and every gap a preference: eligible there but for them.
            self.outside_preferences += gaps[preference].any(axis=0) & ~gaps[~preference].any(
                axis=0
            )
        mine = gaps.view(np.uint8)
        for row, label in enumerate(labels):
            self._add_recent(label, mine[row])
        order = np.argsort(-scores.blocked, kind="stable")
        return JobGaps(tuple(labels[i] for i in order), scores.blocked[order], scores.only[order])

    def merge(self, other: GapTally) -> None:
        """Add the counts of a tally over other job orders (same tracked workers).

        Counts are integers, so merging chunks in any order gives the same tally.

        Raises
        ------
        ValueError
            If ``other`` tracks other workers.
        """
        if not np.array_equal(self.tracked, other.tracked):
            raise ValueError("can only merge tallies over the same tracked workers")
        self.n_jobs += other.n_jobs
        self.outside_preferences += other.outside_preferences
        # Row by row: stacking the other's counts first would copy them all once more.
        other._carry()
        for label, at in other._index.items():
            self._row(label)[...] += other._counts[at]

    def counts(self) -> tuple[tuple[Label, ...], NDArray[np.int32]]:
        """The gates seen so far and, per gate, the job orders it blocked each tracked worker.

        Returns
        -------
        labels : tuple of (kind, requirement)
            In the order first seen.
        counts : ndarray of int32, shape (n_labels, n_tracked)
        """
        self._carry()
        labels = tuple(self._index)
        if not labels:
            return labels, np.zeros((0, len(self.tracked)), np.int32)
        return labels, np.stack(self._counts)

    @classmethod
    def from_counts(
        cls,
        tracked: Ints,
        *,
        n_jobs: int,
        outside_preferences: Ints,
        labels: Sequence[Label],
        counts: NDArray[np.int32],
    ) -> GapTally:
        """Rebuild a tally from :meth:`counts` and its other attributes (e.g. a checkpoint)."""
        tally = cls(tracked)
        tally.n_jobs = n_jobs
        tally.outside_preferences = np.asarray(outside_preferences, np.int64).copy()
        for label, row in zip(labels, counts, strict=True):
            tally._row(label)[...] += row
        return tally

    def __reduce__(self) -> tuple[Callable[..., GapTally], tuple[Any, ...]]:
        # A tally crosses between processes once per chunk of a forked gap pass: its
        # counts go in the narrowest unsigned type that holds them (a chunk's counts are
        # at most its job orders: bytes), not as int32 rows beside their recent bytes.
        labels, counts = self.counts()
        narrow = counts.astype(np.min_scalar_type(int(counts.max(initial=0))))
        state = (self.tracked, self.n_jobs, self.outside_preferences, labels, narrow)
        return GapTally._received, state

    @classmethod
    def _received(
        cls,
        tracked: Ints,
        n_jobs: int,
        outside_preferences: Ints,
        labels: tuple[Label, ...],
        counts: NDArray[np.integer[Any]],
    ) -> GapTally:
        """A tally unpickled: to be merged into another. Its rows stay the narrow rows it
        came in (widening them cost more than the merge), read-only, so that adding to
        them fails instead of overflowing."""
        tally = cls(tracked)
        tally.n_jobs = n_jobs
        tally.outside_preferences = outside_preferences
        counts.setflags(write=False)
        tally._index = {label: at for at, label in enumerate(labels)}
        tally._counts = list(counts)
        tally._recent = [None] * len(labels)
        tally._pending = [0] * len(labels)
        return tally

    def _row(self, label: Label) -> NDArray[np.int32]:
        """The count row of a gate, added on first use (without its recent adds)."""
        if label not in self._index:
            self._index[label] = len(self._counts)
            self._counts.append(np.zeros(len(self.tracked), np.int32))
            self._recent.append(None)
            self._pending.append(0)
        return self._counts[self._index[label]]

    def _add_recent(self, label: Label, gaps: NDArray[np.uint8]) -> None:
        """Add one job order's gaps of a gate (0 or 1 per tracked worker)."""
        self._row(label)
        at = self._index[label]
        recent = self._recent[at]
        if recent is None:
            recent = self._recent[at] = np.zeros(len(self.tracked), np.uint8)
        recent += gaps
        self._pending[at] += 1
        if self._pending[at] == np.iinfo(np.uint8).max:
            self._carry_row(at)

    def _carry_row(self, at: int) -> None:
        recent = self._recent[at]
        if recent is not None and self._pending[at]:
            self._counts[at] += recent
            recent[...] = 0
            self._pending[at] = 0

    def _carry(self) -> None:
        """Bring every count row up to date."""
        for at in range(len(self._counts)):
            self._carry_row(at)

    def top(self, k: int = TOP_GAPS) -> tuple[tuple[Label, ...], Ints, Ints]:
        """The gates that blocked each tracked worker at the most job orders.

        Parameters
        ----------
        k : int
            How many gates per worker.

        Returns
        -------
        labels : tuple of (kind, requirement)
            The gates ``label_index`` refers to.
        label_index : ndarray of int64, shape (n_tracked, k)
            Indices into ``labels``, most blocking first (ties by kind as docs/format.md lists
            them, then requirement); -1 pads.
        count : ndarray of int64, shape (n_tracked, k)
            Job orders each blocked; 0 pads.
        """
        self._carry()
        labels = sorted(self._index, key=lambda lb: (GAP_KINDS.index(lb[0]), lb[1]))
        n_labels, n_tracked = len(labels), len(self.tracked)
        index = np.full((n_tracked, k), -1, np.int64)
        count = np.zeros((n_tracked, k), np.int64)
        if not n_labels or not n_tracked:
            return tuple(labels), index, count
        # One key per (label, worker), unique within a worker: the count first, then the
        # canonical label order. A running top k of the keys, row by row over blocks of
        # workers that stay in cache: no labels x workers matrix is built (at 100,000
        # workers it was 200 MB, stacked, keyed and copied for each strided argmax).
        order = {label: n_labels - 1 - rank for rank, label in enumerate(labels)}
        tie = [order[label] for label in self._index]
        depth = min(k, n_labels)
        for lo in range(0, n_tracked, _TOP_BLOCK):
            hi = min(lo + _TOP_BLOCK, n_tracked)
            best = np.full((depth, hi - lo), -1, np.int64)
            for row, extra in zip(self._counts, tie, strict=True):
                key = row[lo:hi].astype(np.int64)
                key *= n_labels
                key += extra
                for rank in range(depth):  # insert into the sorted best keys
                    higher = np.maximum(best[rank], key)
                    np.minimum(best[rank], key, out=key)
                    best[rank] = higher
            found = best.T // n_labels
            index[lo:hi, :depth] = np.where(found > 0, n_labels - 1 - best.T % n_labels, -1)
            count[lo:hi, :depth] = found
        return tuple(labels), index, count


# What the blocked candidates have in common: in English for one candidate and for several
# ({req} is the gate's requirement), in Indonesian (which does not inflect for number).
_WHAT: Mapping[str, tuple[str, str, str]] = {
    "skill": ("lacks {req}", "lack {req}", "belum memiliki keahlian {req}"),
    "certificate": (
        "lacks a valid certificate for {req}",
        "lack a valid certificate for {req}",
        "belum memiliki sertifikat {req} yang berlaku",
    ),
    "language": ("lacks {req}", "lack {req}", "belum memenuhi syarat bahasa {req}"),
    "experience": (
        "lacks {req} of experience",
        "lack {req} of experience",
        "belum memiliki pengalaman {req}",
    ),
    "age": ("does not meet {req}", "do not meet {req}", "tidak memenuhi syarat {req}"),
    "health": (
        "does not meet health: {req}",
        "do not meet health: {req}",
        "tidak memenuhi syarat kesehatan: {req}",
    ),
    "programme_rule": (
        "is barred by the programme rule: {req}",
        "are barred by the programme rule: {req}",
        "terhalang aturan program: {req}",
    ),
    "document": (
        "lacks a {req} valid on the start date",
        "lack a {req} valid on the start date",
        "tidak memiliki {req} yang berlaku pada tanggal mulai kerja",
    ),
}
_OTHER_GATE = ("does not meet {req}", "do not meet {req}", "tidak memenuhi {req}")
_PREFERENCE: Mapping[str, tuple[str, str, str]] = {
    "countries": (
        "listed only other countries",
        "listed only other countries",
        "hanya memilih negara lain",
    ),
    "min_monthly_wage": (
        "asked for a higher wage",
        "asked for a higher wage",
        "meminta upah lebih tinggi",
    ),
}
_OTHER_PREFERENCE = (
    "has another preference: {req}",
    "have another preference: {req}",
    "memiliki preferensi lain: {req}",
)


def _count(n: int, noun: str) -> str:
    """``"1 job order"``, ``"2,000 job orders"``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _gate(label: Label) -> str:
    kind, requirement = label
    return f"{kind}: {requirement}"


def _what(label: Label, n: int, lang: Lang) -> str:
    """What ``n`` workers blocked by the gate ``label`` lack (``n`` 1: one worker)."""
    kind, requirement = label
    if kind == "preference":
        forms = _PREFERENCE.get(requirement, _OTHER_PREFERENCE)
    else:
        forms = _WHAT.get(kind, _OTHER_GATE)
    form = forms[2] if lang == "id" else forms[n != 1]
    return form.format(req=requirement_text(requirement, lang))


def _blocked_text(label: Label, n: int, lang: Lang) -> str:
    if lang == "id":
        return f"{number_text(n)[1]} kandidat {_what(label, n, lang)}"
    return f"{_count(n, 'candidate')} {_what(label, n, lang)}"


def unfilled_reasons(
    gaps: JobGaps | None,
    *,
    eligible: int,
    placed_elsewhere: int,
    k: int = TOP_GAPS,
    lang: Lang = "en",
) -> list[Reason]:
    """Reasons a job order kept open slots (or, from ``selaras match``, has no candidate).

    Parameters
    ----------
    gaps : JobGaps or None
        The job order's gap counts (None when it was not in the gap pass).
    eligible : int
        Its eligible candidates.
    placed_elsewhere : int
        How many of them were placed in (or shortlisted for) other job orders.
    k : int
        Gates to name.
    lang : {"en", "id"}
        Language of the details.

    Returns
    -------
    list of Reason
        ``placed_elsewhere`` first when any candidate was, then the ``k`` most blocking
        gates with the gap kind as the reason kind ("412 candidates lack JLPT N4 ...").
    """
    reasons = []
    if placed_elsewhere:
        if lang == "id":
            detail = (
                f"{number_text(placed_elsewhere)[1]} dari {number_text(eligible)[1]} kandidat "
                "yang memenuhi syarat ditempatkan di job order lain"
            )
        else:
            detail = (
                f"{placed_elsewhere:,} of {_count(eligible, 'eligible candidate')} "
                f"{'was' if placed_elsewhere == 1 else 'were'} placed in other job orders"
            )
        reasons.append(Reason(kind="placed_elsewhere", detail=detail))
    if gaps is not None:
        for label, blocked, only in zip(gaps.labels[:k], gaps.blocked, gaps.only, strict=False):
            if not blocked:
                break
            extra = ""
            if only:
                extra = (
                    f" (satu-satunya kekurangan bagi {number_text(int(only))[1]})"
                    if lang == "id"
                    else f" (the only gap for {only:,})"
                )
            reasons.append(
                Reason(kind=label[0], detail=_blocked_text(label, int(blocked), lang) + extra)
            )
    return reasons


def worker_gate_reasons(gates: Sequence[tuple[Label, int]], lang: Lang = "en") -> list[Reason]:
    """Why a worker is eligible for no job order: the gates that blocked her most often.

    Parameters
    ----------
    gates : sequence of ((kind, requirement), count)
        Gates and how many job orders each blocked her at, most first
        (:meth:`GapTally.top`).
    lang : {"en", "id"}
        Language of the details.

    Returns
    -------
    list of Reason
        One per gate, the gap kind as the reason kind ("lacks JLPT N4 or JFT-Basic A2 for
        5 job orders").
    """
    if lang == "id":
        return [
            Reason(
                kind=label[0], detail=f"{_what(label, 1, lang)} di {number_text(n)[1]} job order"
            )
            for label, n in gates
        ]
    return [
        Reason(kind=label[0], detail=f"{_what(label, 1, lang)} for {_count(n, 'job order')}")
        for label, n in gates
    ]


def outcompeted_reason(job_id: str, rank: int, slots: int, shortlist: int | None) -> Reason:
    """``best rank 14 for JO-2026-0001 (10 slots)`` (and the shortlist length, if any)."""
    places = _count(slots, "slot")
    if shortlist is not None:
        places += f", shortlist of {shortlist}"
    return _worker_reason("outcompeted", f"best rank {rank} for {job_id} ({places})")


def preference_reason(n_jobs: int, scanned: str, preferences: str) -> Reason:
    """The worker is eligible only outside her stated preferences.

    Parameters
    ----------
    n_jobs : int
        Job orders that would take her but for her preferences.
    scanned : str
        Which job orders were looked at ("with open slots").
    preferences : str
        Her preferences as text ("countries JP, KR").
    """
    return _worker_reason(
        "no_job_order_in_preferences",
        f"eligible only outside the stated preferences ({preferences}): "
        f"{_count(n_jobs, 'job order')} {scanned} would take this worker otherwise",
    )


def ineligible_reason(
    n_open: int, scanned: str, n_scanned: int, gates: Sequence[tuple[Label, int]]
) -> Reason:
    """Not eligible for any open job order, with the gates that blocked the most.

    Parameters
    ----------
    n_open : int
        Open (not refused) job orders.
    scanned : str
        Which job orders the gap counts cover ("with open slots").
    n_scanned : int
        How many those are.
    gates : sequence of ((kind, requirement), count)
        The most blocking gates among them and how many job orders each blocked.
    """
    if n_open == 1:
        detail = "not eligible for the one open job order"
    else:
        detail = f"not eligible for any of the {n_open:,} open job orders"
    if gates:
        listed = "; ".join(f"{_gate(label)} ({count:,})" for label, count in gates)
        among = f"the {n_scanned:,} job orders" if n_scanned != 1 else "the one job order"
        detail += f"; gates that blocked the most of {among} {scanned}: {listed}"
    elif not n_scanned and n_open:
        detail += "; every job order was filled"
    return _worker_reason("ineligible_everywhere", detail)


def _worker_reason(kind: str, detail: str) -> Reason:
    """A worker's reason, built without validation: there is one per unplaced worker (the
    validator cost more than the rest of the records), and its kind is a constant and its
    text made here, with no surrounding whitespace to strip."""
    return Reason.model_construct(kind=kind, detail=detail)
