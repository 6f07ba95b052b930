"""Every returnee's best opportunities, selected once, kept current write by write, and
answered one returnee at a time.

A returnee's opportunities do not depend on the other returnees, but the kernel's cost is
per opportunity (each one a pass of the engine's gates), so one returnee against
thousands of opportunities costs about as much as a whole pool. An
:class:`OpportunityBook` runs the kernel once over a pool and keeps, for every returnee,
its best eligible opportunities (``depth`` answered, ``reserve`` more kept); it then
answers one returnee's top ``k`` (``k <= depth``): the selected pairs are evaluated again
by the reference and ranked exactly as
:meth:`~matcher.reintegration.run.ReintegrationRun.rank` does (the same records).

Writes update the book without a whole pass (each update returns a new book; the old one
stays valid for readers that hold it):

- :meth:`OpportunityBook.with_returnees` runs the kernel for the written returnees only
  (their own pool against every opportunity): a returnee's answer depends on no other;
- :meth:`OpportunityBook.with_opportunities` scores the written opportunities against
  every returnee (one kernel pass each, over the pools the book was built and updated
  from) and merges them into every returnee's list; a replaced or deleted opportunity
  (:meth:`OpportunityBook.without_opportunities`) leaves each list it was in.

A returnee's kept list is exact up to a known length: the ``count`` first entries are
its best ``count`` eligible opportunities (all of them when ``complete``). A new
opportunity enters a list only ahead of its last entry, a removed one shortens it, so the
list stays exact; a returnee whose list falls below ``depth`` without being complete is
selected again against every opportunity. The evaluation date, the tables and the
parameters stay those of the build: a change of any of them needs a new build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from matcher.arrays import Bools, Floats, Ints
from matcher.reintegration.facts import ReturneeFacts
from matcher.reintegration.kernel import ReintegrationKernel
from matcher.reintegration.reference import ReintegrationScorer
from matcher.reintegration.run import ReintegrationRun, records_for
from matcher.reintegration.screening import ScreenedOpportunity
from matcher.scoring.publish import id_rank, published_scores, ranking_keys
from matcher.text.messages import Lang
from models.reintegration_results import ReintegrationResult

__all__ = ["OpportunityBook"]

MAX_SEGMENTS = 8
"""Pools kept for scoring new opportunities (the build's and those of the returnee
writes since): beyond it the written returnees' pools are encoded again as one."""

_NONE = np.iinfo(np.int64).max  # the key of an empty entry: after every real one


@dataclass(frozen=True)
class _Segment:
    """A kernel over some of the book's returnees: ``rows[i]`` is its pool row ``i``."""

    kernel: ReintegrationKernel
    rows: Ints


@dataclass(frozen=True)
class _Lists:
    """Every row's kept opportunities, best first: slots (-1 pads), scores, the length
    known exact and whether the list holds all of the row's eligible opportunities."""

    slots: Ints
    score: Floats
    count: Ints
    complete: Bools


@dataclass(frozen=True)
class OpportunityBook:
    """Every returnee's best eligible opportunities (build with :meth:`build`).

    Attributes
    ----------
    scorer : ReintegrationScorer
        The reference of the run the book was built from (its parameters score updates).
    depth : int
        The most opportunities per returnee the book answers.
    width : int
        Opportunities kept per returnee (``depth`` and a reserve that absorbs removals).
    returnees : tuple of ReturneeFacts
        By row; a row whose returnee was written again or deleted is no longer in ``rows``.
    rows : Mapping of str to int
        Returnee id -> its row.
    opportunities : tuple of ScreenedOpportunity or None
        By slot; None once replaced or deleted.
    slots : Mapping of str to int
        Opportunity key -> its slot.
    names : tuple of str
        By slot, what ties break on: the opportunity's id, then its key.
    lists : _Lists
        The kept opportunities of every row.
    segments : tuple of _Segment
        The pools new opportunities are scored against; together every live row.
    """

    scorer: ReintegrationScorer
    depth: int
    width: int
    returnees: tuple[ReturneeFacts, ...]
    rows: Mapping[str, int]
    opportunities: tuple[ScreenedOpportunity | None, ...]
    slots: Mapping[str, int]
    names: tuple[str, ...]
    lists: _Lists
    segments: tuple[_Segment, ...]

    @classmethod
    def build(
        cls,
        run: ReintegrationRun,
        depth: int,
        *,
        keys: Sequence[str] | None = None,
        reserve: int | None = None,
    ) -> OpportunityBook:
        """Select every returnee's best opportunities (one kernel pass).

        Parameters
        ----------
        run : ReintegrationRun
            Returnee ids unique within it.
        depth : int
            At least 1.
        keys : sequence of str, optional
            One unique key per opportunity of the run, which later writes name it by
            (its id when omitted). Opportunities sharing an id rank in key order.
        reserve : int, optional
            Opportunities kept beyond ``depth`` per returnee (``depth`` when omitted).

        Returns
        -------
        OpportunityBook

        Raises
        ------
        ValueError
            If ``depth`` is below 1, ``reserve`` below 0, or two returnees share an id, or
            two opportunities a key.
        """
        if depth < 1 or (reserve is not None and reserve < 0):
            raise ValueError(f"depth must be >= 1 and reserve >= 0, got {depth}, {reserve}")
        rows = _unique([r.id for r in run.returnees], "returnee ids")
        names = [o.id for o in run.opportunities] if keys is None else list(keys)
        if len(names) != len(run.opportunities):
            raise ValueError("one key per opportunity")
        slots = _unique(names, "opportunity keys")
        book = cls(
            scorer=run.scorer,
            depth=depth,
            width=depth + (depth if reserve is None else reserve),
            returnees=run.returnees,
            rows=rows,
            opportunities=run.opportunities,
            slots=slots,
            names=tuple(_tie_name(o, key) for o, key in zip(run.opportunities, names, strict=True)),
            lists=_empty(0, 0),
            segments=(_Segment(run.kernel, np.arange(len(run.returnees), dtype=np.int64)),),
        )
        return replace(book, lists=book._selected(run.kernel))

    # ------------------------------------------------------------------ answers
    def opportunities_for(
        self, returnee_id: str, k: int, lang: Lang = "en"
    ) -> list[ReintegrationResult] | None:
        """One returnee's top ``k`` eligible opportunities, as ``rank`` gives them.

        Parameters
        ----------
        returnee_id : str
        k : int
            1 to ``depth``.
        lang : {"en", "id"}

        Returns
        -------
        list of ReintegrationResult or None
            None when the book cannot answer: an unknown returnee, or ``k`` outside 1 to
            ``depth``.
        """
        row = self.rows.get(returnee_id)
        if row is None or not 1 <= k <= self.depth:
            return None
        lists = self.lists
        known = int(lists.count[row])
        if k > known and not lists.complete[row]:
            return None
        chosen = [
            (self._live(int(slot)), True, float(score))
            for slot, score in zip(lists.slots[row, :known], lists.score[row, :known], strict=True)
        ]
        return list(records_for(self.scorer, self.returnees[row], chosen, k, False, lang))

    def changed(self, before: OpportunityBook) -> set[str]:
        """The returnees whose answers may differ between ``before`` and this book.

        A returnee left out answers exactly as in ``before``, for every ``k`` and
        language: what the caller kept of its answers stays valid.

        Parameters
        ----------
        before : OpportunityBook
            An earlier state of this book (this one made from it by writes); any other
            book makes every returnee of either changed.

        Returns
        -------
        set of str
            Returnee ids: those added, replaced or removed since ``before``, and those
            whose kept list changed (an opportunity entered or left it, it was selected
            again).
        """
        n = len(before.returnees)
        if self.scorer is not before.scorer or self.depth != before.depth:
            return set(self.rows) | set(before.rows)
        if n > len(self.returnees):
            return set(self.rows) | set(before.rows)
        # A row's answer depends on its returnee and its list only (records_for), and
        # neither rows nor slots are reused: a written returnee takes a new row, a
        # written opportunity a new slot. So equal rows with equal lists answer alike.
        old, new = before.lists, self.lists
        found: set[str] = set()
        if new is not old:
            slots, score = new.slots[:n], new.score[:n]
            same = (
                (old.count == new.count[:n])
                & (old.complete == new.complete[:n])
                & (old.slots == slots).all(axis=1)
                # Empty entries (-1) hold NaN scores, which never compare equal.
                & ((old.score == score) | (slots < 0)).all(axis=1)
            )
            found.update(before.returnees[int(row)].id for row in np.flatnonzero(~same))
        added = {r.id for r in self.returnees[n:]}
        found |= added
        # Removed ones (without_returnees keeps their rows) are in ``before`` only; the
        # sizes say whether there are any (a name is added, kept or removed).
        new_names = sum(name not in before.rows for name in added)
        if len(before.rows) + new_names != len(self.rows):
            found.update(before.rows.keys() - self.rows.keys())
        return found

    def _live(self, slot: int) -> ScreenedOpportunity:
        found = self.opportunities[slot]
        assert found is not None, "a kept list names a removed opportunity"
        return found

    # ------------------------------------------------------------------- writes
    def with_returnees(self, returnees: Sequence[ReturneeFacts]) -> OpportunityBook:
        """The book with ``returnees`` added or replaced (by id).

        Their own pool is scored against every opportunity (one kernel pass); no other
        returnee's list changes.

        Parameters
        ----------
        returnees : sequence of ReturneeFacts
            Read on the book's date with its tables; ids unique.

        Returns
        -------
        OpportunityBook
        """
        if not returnees:
            return self
        _unique([r.id for r in returnees], "returnee ids")
        first = len(self.returnees)
        rows = np.arange(first, first + len(returnees), dtype=np.int64)
        kernel = ReintegrationKernel(returnees, self.scorer.params, self.scorer.reintegration)
        added = self._selected(kernel)
        lists = _Lists(
            np.concatenate([self.lists.slots, added.slots]),
            np.concatenate([self.lists.score, added.score]),
            np.concatenate([self.lists.count, added.count]),
            np.concatenate([self.lists.complete, added.complete]),
        )
        where = dict(self.rows)
        where.update((r.id, int(row)) for r, row in zip(returnees, rows, strict=True))
        book = replace(
            self,
            returnees=self.returnees + tuple(returnees),
            rows=where,
            lists=lists,
            segments=(*self.segments, _Segment(kernel, rows)),
        )
        return book._compacted()

    def without_returnees(self, returnee_ids: Sequence[str]) -> OpportunityBook:
        """The book without ``returnee_ids`` (unknown ids are ignored)."""
        gone = [i for i in returnee_ids if i in self.rows]
        if not gone:
            return self
        dropped = set(gone)
        return replace(self, rows={i: r for i, r in self.rows.items() if i not in dropped})

    def with_opportunities(
        self, opportunities: Sequence[tuple[str, ScreenedOpportunity]]
    ) -> OpportunityBook:
        """The book with ``(key, opportunity)`` added or replaced (by key).

        Each is scored against every returnee (one kernel pass over each pool of the
        book) and enters the lists it ranks in.

        Parameters
        ----------
        opportunities : sequence of (str, ScreenedOpportunity)
            Screened on the book's date with its tables; keys unique.

        Returns
        -------
        OpportunityBook
        """
        if not opportunities:
            return self
        _unique([key for key, _ in opportunities], "opportunity keys")
        book = self.without_opportunities([key for key, _ in opportunities], refill=False)
        first = len(book.opportunities)
        slots = dict(book.slots)
        slots.update((key, first + i) for i, (key, _) in enumerate(opportunities))
        book = replace(
            book,
            opportunities=book.opportunities + tuple(o for _, o in opportunities),
            slots=slots,
            names=book.names + tuple(_tie_name(o, key) for key, o in opportunities),
        )
        added = np.arange(first, len(book.opportunities), dtype=np.int64)
        found = [book._selected(s.kernel, added) for s in book.segments]
        n, width = len(book.returnees), book.width
        new = _empty(n, width)
        for segment, lists in zip(book.segments, found, strict=True):
            new.slots[segment.rows] = lists.slots
            new.score[segment.rows] = lists.score
            new.count[segment.rows] = lists.count
            new.complete[segment.rows] = lists.complete
        return replace(book, lists=book._merged(book.lists, new))._refilled()

    def without_opportunities(self, keys: Sequence[str], *, refill: bool = True) -> OpportunityBook:
        """The book without the opportunities of ``keys`` (unknown keys are ignored).

        Parameters
        ----------
        keys : sequence of str
        refill : bool
            Select again every returnee whose exact list fell below ``depth`` (default);
            False leaves it to the caller (who adds opportunities next).

        Returns
        -------
        OpportunityBook
        """
        gone = np.array(sorted({self.slots[k] for k in keys if k in self.slots}), np.int64)
        if not len(gone):
            return self
        dropped = set(keys)
        slots = {k: s for k, s in self.slots.items() if k not in dropped}
        opportunities = list(self.opportunities)
        for slot in gone:
            opportunities[slot] = None
        lists = self.lists
        kept = _Lists(
            np.where(np.isin(lists.slots, gone), -1, lists.slots),
            lists.score,
            lists.count,
            lists.complete,
        )
        book = replace(
            self,
            opportunities=tuple(opportunities),
            slots=slots,
            lists=self._merged(kept, _empty(len(self.returnees), self.width)),
        )
        return book._refilled() if refill else book

    # ---------------------------------------------------------------- internals
    def _order(self) -> Ints:
        """Every slot's position in tie order (id, then key)."""
        return id_rank(list(self.names))

    def _selected(self, kernel: ReintegrationKernel, among: Ints | None = None) -> _Lists:
        """The best ``width`` of the live opportunities (``among`` these slots) for every
        returnee of ``kernel``'s pool."""
        live = np.array(
            [s for s, o in enumerate(self.opportunities) if o is not None and not o.refused],
            np.int64,
        )
        if among is not None:
            live = live[np.isin(live, among)]
        # In tie order: the kernel breaks ties by position among equal ids.
        live = live[np.argsort(self._order()[live], kind="stable")] if len(live) else live
        best = kernel.top([self._live(int(s)) for s in live], k=self.width)
        found = best.opportunities
        chosen = np.where(found >= 0, live[np.maximum(found, 0)] if len(live) else -1, -1)
        # Ineligible pairs rank after every eligible one: a list that reaches one holds
        # all the eligible ones.
        ineligible = (found >= 0) & ~best.opportunity_eligible
        eligible = (found >= 0) & best.opportunity_eligible
        lists = _empty(kernel.n, self.width)
        columns = found.shape[1]
        lists.slots[:, :columns] = np.where(eligible, chosen, -1)
        lists.score[:, :columns] = np.where(eligible, best.opportunity_score, np.nan)
        lists.count[:] = eligible.sum(axis=1)
        lists.complete[:] = (lists.count < self.width) | ineligible.any(axis=1)
        return lists

    def _merged(self, first: _Lists, second: _Lists) -> _Lists:
        """Each row's best ``width`` of two exact lists, and how far the result is exact.

        A list that is not complete is exact up to its last entry: anything it lacks ranks
        after that, so the merged list is exact up to the earlier of the two bounds. Only
        the rows ``second`` holds something for, or ``first`` lost entries in, change.
        """
        touched = np.flatnonzero(
            (second.slots >= 0).any(axis=1)
            | ~second.complete
            | ((first.slots >= 0).sum(axis=1) < first.count)
        )
        merged = _Lists(
            first.slots.copy(), first.score.copy(), first.count.copy(), first.complete.copy()
        )
        if not len(touched):
            return merged
        width, order = self.width, self._order()
        parts = [
            _Lists(p.slots[touched], p.score[touched], p.count[touched], p.complete[touched])
            for p in (first, second)
        ]
        keys = [_keys(p, order, len(order)) for p in parts]
        bound = np.full(len(touched), _NONE, np.int64)
        for part, key in zip(parts, keys, strict=True):
            last = np.where(key < _NONE, key, -1).max(axis=1, initial=-1)
            bound = np.minimum(bound, np.where(part.complete, _NONE, last))
        key = np.concatenate(keys, axis=1)
        best = np.argsort(key, axis=1, kind="stable")[:, :width]
        key = np.take_along_axis(key, best, axis=1)
        exact = (key < _NONE) & (key <= bound[:, None])
        slots = np.take_along_axis(np.concatenate([p.slots for p in parts], axis=1), best, 1)
        score = np.take_along_axis(np.concatenate([p.score for p in parts], axis=1), best, 1)
        merged.slots[touched] = np.where(exact, slots, -1)
        merged.score[touched] = np.where(exact, score, np.nan)
        merged.count[touched] = exact.sum(axis=1)
        held = sum((p.slots >= 0).sum(axis=1) for p in parts)
        merged.complete[touched] = parts[0].complete & parts[1].complete & (held <= width)
        return merged

    def _refilled(self) -> OpportunityBook:
        """The book with every live returnee whose exact list fell below ``depth`` (and
        is not complete) selected again against every opportunity."""
        lists = self.lists
        short = (lists.count < self.depth) & ~lists.complete
        alive = np.zeros(len(self.returnees), np.bool_)
        alive[np.fromiter(self.rows.values(), np.int64, count=len(self.rows))] = True
        rows = np.flatnonzero(short & alive)
        if not len(rows):
            return self
        kernel = ReintegrationKernel(
            [self.returnees[r] for r in rows], self.scorer.params, self.scorer.reintegration
        )
        found = self._selected(kernel)
        fresh = _Lists(lists.slots.copy(), lists.score.copy(), lists.count.copy(),
                       lists.complete.copy())  # fmt: skip
        fresh.slots[rows], fresh.score[rows] = found.slots, found.score
        fresh.count[rows], fresh.complete[rows] = found.count, found.complete
        return replace(self, lists=fresh)

    def _compacted(self) -> OpportunityBook:
        """Past :data:`MAX_SEGMENTS`, the written returnees' pools encoded again as one
        (live rows only), so that an opportunity costs a bounded number of passes."""
        if len(self.segments) <= MAX_SEGMENTS:
            return self
        base, *written = self.segments
        rows = np.concatenate([s.rows for s in written])
        alive = np.isin(rows, np.fromiter(self.rows.values(), np.int64, count=len(self.rows)))
        rows = rows[alive]
        kernel = ReintegrationKernel(
            [self.returnees[r] for r in rows], self.scorer.params, self.scorer.reintegration
        )
        return replace(self, segments=(base, _Segment(kernel, rows)))


def _unique(names: Sequence[str], what: str) -> dict[str, int]:
    where = {name: i for i, name in enumerate(names)}
    if len(where) != len(names):
        raise ValueError(f"{what} must be unique in a book")
    return where


def _tie_name(found: ScreenedOpportunity, key: str) -> str:
    # "\0" sorts before every character of an id: equal ids order by key, as a run over
    # opportunities listed in key order breaks their ties.
    return f"{found.id}\0{key}"


def _empty(n: int, width: int) -> _Lists:
    return _Lists(
        np.full((n, width), -1, np.int64),
        np.full((n, width), np.nan),
        np.zeros(n, np.int64),
        np.ones(n, np.bool_),
    )


def _keys(lists: _Lists, order: Ints, n_order: int) -> Ints:
    """The ranking key of every kept entry (:data:`_NONE` for empty ones)."""
    held = lists.slots >= 0
    score = published_scores(np.where(held, lists.score, 0.0))
    keys = ranking_keys(True, score, order[np.maximum(lists.slots, 0)], n_order)
    return np.where(held, keys, _NONE)
