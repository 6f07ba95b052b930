"""The vectorized counterpart of :mod:`matcher.reintegration.reference`: opportunities
against a pool of returnees, with numpy, and the top K both ways in one pass.

Per opportunity, the gates only returnees have run first over the whole pool (proximity
tier and ``relocate``, ``interests``, months abroad, capital: a few array operations);
the engine's kernel (:meth:`matcher.scoring.kernel.PoolScorer.score_selected`) then
scores only the returnees still in play, with every gate and component of placement
matching; the score is blended with the proximity credit by the same
:meth:`~matcher.reintegration.params.ReintegrationParams.blend` the reference calls.
Ranking is :mod:`matcher.scoring.publish`'s: eligible first, then the published score
descending, then the other side's id ascending.

The property tests (tests/matcher/reintegration/test_reintegration_kernel.py) hold this equal to the
reference pair for pair: eligibility and gaps exactly, scores bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from matcher.arrays import Bools, Floats, Ints
from matcher.reintegration.facts import ReturneeFacts
from matcher.reintegration.gaps import (
    CAPITAL,
    INTERESTS,
    RELOCATE,
    overseas_label,
    required_capital,
)
from matcher.reintegration.params import ReintegrationParams
from matcher.reintegration.proximity import (
    PlaceCodes,
    encode_places,
    encode_relocate,
    proximity_tiers,
)
from matcher.reintegration.screening import ScreenedOpportunity
from matcher.scoring.encoding import encode_pool
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import eligible_below, id_rank, published_scores, ranking_keys
from models.opportunity import INTEREST_OF_KIND
from models.returnee import INTERESTS as INTEREST_NAMES
from models.returnee import Interest

__all__ = [
    "OpportunityScores",
    "ReintegrationKernel",
    "ReturneeColumns",
    "TopBothWays",
    "encode_returnees",
]

HELD_PER_ROW = 4
HELD_MIN = 1 << 20
"""Pairs :meth:`ReintegrationKernel.top` holds before reducing them to each returnee's
best: ``max(HELD_PER_ROW * returnees * k, HELD_MIN)`` (memory against sorting often)."""

_A = TypeVar("_A", bound=np.ndarray[Any, Any])
_UNKNOWN = "??"  # the country column of work abroad whose country is not known


@dataclass(frozen=True)
class ReturneeColumns:
    """The returnee fields of a pool as arrays, one row per returnee.

    Attributes
    ----------
    home : PlaceCodes
    reach : ndarray of int8
        ``relocate`` as a tier code: the farthest tier it reaches.
    interests : ndarray of uint8
        Bit ``i`` set when ``INTERESTS[i]`` is named.
    capital : ndarray of float64
        The stated capital in its own currency (NaN when none).
    capital_currency : ndarray of int64
        Index into ``currencies`` (-1 when no capital).
    currencies : tuple of str
    countries : tuple of str
        The countries of work abroad in the pool (``"??"`` for unknown ones).
    abroad : ndarray of int64, shape (n, len(countries))
        Months abroad per country.
    """

    home: PlaceCodes
    reach: np.ndarray[tuple[int], np.dtype[np.int8]]
    interests: np.ndarray[tuple[int], np.dtype[np.uint8]]
    capital: Floats
    capital_currency: Ints
    currencies: tuple[str, ...]
    countries: tuple[str, ...]
    abroad: Ints


def encode_returnees(returnees: Sequence[ReturneeFacts]) -> ReturneeColumns:
    """Encode the returnee fields of a pool once per run.

    Parameters
    ----------
    returnees : Sequence[ReturneeFacts]

    Returns
    -------
    ReturneeColumns
    """
    n = len(returnees)
    bit = {name: 1 << i for i, name in enumerate(INTEREST_NAMES)}
    interests = np.fromiter(
        (sum(bit[i] for i in r.interests) for r in returnees), np.uint8, count=n
    )
    currencies = tuple(sorted({r.capital[1] for r in returnees if r.capital is not None}))
    where = {c: i for i, c in enumerate(currencies)}
    capital = np.array([r.capital[0] if r.capital else np.nan for r in returnees], np.float64)
    capital_currency = np.array(
        [where[r.capital[1]] if r.capital else -1 for r in returnees], np.int64
    )
    entries = [(i, c or _UNKNOWN, m) for i, r in enumerate(returnees) for c, m in r.abroad]
    countries = tuple(sorted({c for _, c, _ in entries}))
    column = {c: j for j, c in enumerate(countries)}
    abroad = np.zeros((n, len(countries)), np.int64)
    if entries:
        rows, cols, months = zip(*((i, column[c], m) for i, c, m in entries), strict=True)
        np.add.at(abroad, (np.array(rows), np.array(cols)), np.array(months, np.int64))
    return ReturneeColumns(
        home=encode_places([r.home for r in returnees]),
        reach=encode_relocate([r.relocate for r in returnees]),
        interests=interests,
        capital=capital,
        capital_currency=capital_currency,
        currencies=currencies,
        countries=countries,
        abroad=abroad,
    )


@dataclass(frozen=True)
class OpportunityScores:
    """One opportunity against every returnee of the pool.

    Attributes
    ----------
    eligible : ndarray of bool, shape (n,)
    score : ndarray of float64, shape (n,)
    tier : ndarray of int8, shape (n,)
        Proximity tier codes (0 regency ... 3 elsewhere).
    gaps : ndarray of bool, shape (len(gap_labels), n)
    gap_labels : tuple of (kind, requirement)
    """

    eligible: Bools
    score: Floats
    tier: np.ndarray[tuple[int], np.dtype[np.int8]]
    gaps: Bools
    gap_labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TopBothWays:
    """The best opportunities of every returnee and the best returnees of every opportunity.

    Attributes
    ----------
    opportunities : ndarray of int64, shape (n_returnees, k)
        Positions in the opportunities passed in, best first; -1 pads.
    opportunity_eligible, opportunity_score : ndarrays, shape (n_returnees, k)
    returnees : list of (rows, eligible, score) or None
        Per opportunity (None when refused): pool rows best first, with their eligibility
        and score.
    """

    opportunities: Ints
    opportunity_eligible: Bools
    opportunity_score: Floats
    returnees: list[tuple[Ints, Bools, Floats] | None]


def _frozen(array: _A) -> _A:
    """``array`` made read-only: it is cached and shared between opportunities."""
    array.flags.writeable = False
    return array


def _best_per_row(
    row: Ints, other: Ints, keys: Ints, score: Floats, width: int
) -> tuple[Ints, Ints, Ints, Ints, Floats]:
    """Each row's ``width`` smallest keys: (row, rank in row, other, key, score)."""
    span = int(keys.max()) + 1 if len(keys) else 1
    if len(row) and (int(row.max()) + 1) * span < 1 << 62:
        # (row, key) pairs are distinct: one int64 sort key orders them as the lexsort
        # below does, at a fraction of its cost.
        order = np.argsort(row * span + keys)
    else:
        order = np.lexsort((keys, row))
    row, other, keys, score = row[order], other[order], keys[order], score[order]
    starts = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1]))) if len(row) else row
    lengths = np.diff(np.append(starts, len(row)))
    rank = np.arange(len(row)) - np.repeat(starts, lengths)
    keep = rank < width
    return row[keep], rank[keep], other[keep], keys[keep], score[keep]


class ReintegrationKernel:
    """Opportunities against one pool of returnees, with one run's parameters.

    Parameters
    ----------
    returnees : Sequence[ReturneeFacts]
    params : ScoringParams
    reintegration : ReintegrationParams, optional
        The defaults when omitted.
    """

    def __init__(
        self,
        returnees: Sequence[ReturneeFacts],
        params: ScoringParams,
        reintegration: ReintegrationParams | None = None,
    ) -> None:
        self.params = params
        self.reintegration = reintegration or ReintegrationParams()
        self.columns = encode_returnees(returnees)
        pool = encode_pool([r.worker for r in returnees], params.taxonomy, params.as_of)
        self.engine = PoolScorer(pool, params)
        self.n = len(returnees)
        self.id_rank = id_rank([r.id for r in returnees])
        self._credit = self.reintegration.credit_table
        self._by_site: dict[int, tuple[np.ndarray[tuple[int], np.dtype[np.int8]], Bools]] = {}
        self._by_interest: dict[Interest, Bools] = {}
        self._by_countries: dict[frozenset[str] | None, Ints] = {}

    def own_gates(
        self, opportunity: ScreenedOpportunity
    ) -> tuple[np.ndarray[tuple[int], np.dtype[np.int8]], list[tuple[tuple[str, str], Bools]]]:
        """The proximity tier of every returnee and the failures of each returnee gate.

        Returns
        -------
        tier : ndarray of int8, shape (n,)
        failed : list of ((kind, requirement), ndarray of bool)
            In the reference's order: interests, relocate, months abroad, capital.
        """
        cols, found = self.columns, opportunity.opportunity
        tier, too_far = self._place_gates(int(encode_places([found.location]).place[0]))
        failed: list[tuple[tuple[str, str], Bools]] = [
            (INTERESTS, self._uninterested(INTEREST_OF_KIND[found.kind])),
            (RELOCATE, too_far),
        ]
        abroad = found.requirements.overseas_experience
        if abroad is not None:
            months = self._months_abroad(
                None if abroad.countries is None else frozenset(abroad.countries)
            )
            failed.append((("experience", overseas_label(abroad)), months < abroad.min_months))
        capital = found.requirements.capital
        if capital is not None:
            need = np.array(
                [*(required_capital(capital, c, self.params) for c in cols.currencies), np.nan]
            )
            # Index -1 (no capital) reads the NaN slot; NaN compares False: the gate fails.
            failed.append((CAPITAL, ~(cols.capital >= need[cols.capital_currency])))
        return tier, failed

    # The returnee gates depend on a few things of an opportunity only (its site, kind and
    # the countries it counts work abroad in), shared by many opportunities: each array is
    # computed once per distinct value, so the per-opportunity cost does not grow with the
    # pool. At most one int8 and one bool array of n per distinct site (a few hundred).

    def _place_gates(self, site: int) -> tuple[np.ndarray[tuple[int], np.dtype[np.int8]], Bools]:
        """Proximity tier codes and the ``relocate`` failures for one site code."""
        found = self._by_site.get(site)
        if found is None:
            cols = self.columns
            tier = proximity_tiers(cols.home, PlaceCodes(np.array([site], np.int16)))[:, 0]
            found = self._by_site[site] = (_frozen(tier), _frozen(tier > cols.reach))
        return found

    def _uninterested(self, interest: Interest) -> Bools:
        """Which returnees did not name ``interest``."""
        found = self._by_interest.get(interest)
        if found is None:
            wanted = np.uint8(1 << INTEREST_NAMES.index(interest))
            found = self._by_interest[interest] = _frozen((self.columns.interests & wanted) == 0)
        return found

    def _months_abroad(self, countries: frozenset[str] | None) -> Ints:
        """Months abroad of every returnee, in ``countries`` (anywhere when None)."""
        found = self._by_countries.get(countries)
        if found is None:
            cols = self.columns
            picked = [
                j for j, c in enumerate(cols.countries) if countries is None or c in countries
            ]
            found = self._by_countries[countries] = _frozen(cols.abroad[:, picked].sum(axis=1))
        return found

    def score_opportunity(self, opportunity: ScreenedOpportunity) -> OpportunityScores:
        """Score one opportunity against every returnee, with the gaps.

        Parameters
        ----------
        opportunity : ScreenedOpportunity
            Not refused.

        Returns
        -------
        OpportunityScores
        """
        plan = self.engine.plan(opportunity.screened)
        rows = np.arange(self.n, dtype=np.int64)
        _, ok, base, engine_gaps = self.engine.score_selected(
            plan, rows, prune=False, with_gaps=True
        )
        assert engine_gaps is not None
        tier, failed = self.own_gates(opportunity)
        labels = tuple(plan.labels)
        gaps = [engine_gaps[i] for i in range(len(labels))]
        for label, mask in failed:
            labels += (label,)
            gaps.append(mask)
            ok = ok & ~mask
        return OpportunityScores(
            eligible=ok,
            score=self.reintegration.blend(base, self._credit[tier]),
            tier=tier,
            gaps=np.array(gaps, np.bool_).reshape(len(labels), self.n),
            gap_labels=labels,
        )

    def top(
        self,
        opportunities: Sequence[ScreenedOpportunity],
        *,
        k: int | None = 10,
        include_ineligible: bool = False,
    ) -> TopBothWays:
        """The best ``k`` of each side for the other, in one pass over the opportunities.

        Parameters
        ----------
        opportunities : Sequence[ScreenedOpportunity]
            Refused ones are never selected.
        k : int or None
            How many per returnee and per opportunity (None: all).
        include_ineligible : bool
            Also rank ineligible pairs (after the eligible ones): scores every pair.

        Returns
        -------
        TopBothWays
        """
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise ValueError(f"k must be an int >= 1 or None, got {k!r}")
        open_ = np.array([j for j, o in enumerate(opportunities) if not o.refused], np.int64)
        n_open, n = len(open_), self.n
        width = n_open if k is None else min(k, n_open)
        ranks = id_rank([opportunities[j].id for j in open_])
        kept: list[tuple[Ints, Ints, Ints, Floats]] = []
        size, cap = 0, max(HELD_PER_ROW * n * max(width, 1), HELD_MIN)
        per_opportunity: list[tuple[Ints, Bools, Floats] | None] = [None] * len(opportunities)
        everyone = np.arange(n, dtype=np.int64)
        # Each returnee's ``width``-th best key so far (after a reduction): a pair whose key
        # is not below it can never enter that returnee's top (keys are unique per row, the
        # opportunity's id rank being part of them), so it is dropped on arrival.
        threshold = np.full(n, np.iinfo(np.int64).max, np.int64)
        for position, j in enumerate(open_):
            found = opportunities[j]
            plan = self.engine.plan(found.screened)
            tier, failed = self.own_gates(found)
            if include_ineligible:
                rows, ok, base, _ = self.engine.score_selected(
                    plan, everyone, prune=False, with_gaps=False
                )
                for _, mask in failed:
                    ok = ok & ~mask
            else:
                passed = np.ones(n, np.bool_)
                for _, mask in failed:
                    passed &= ~mask
                rows, ok, base, _ = self.engine.score_selected(
                    plan, np.flatnonzero(passed).astype(np.int64), prune=True, with_gaps=False
                )
            score = self.reintegration.blend(base, self._credit[tier[rows]])
            published = published_scores(score)
            keys = ranking_keys(ok, published, self.id_rank[rows], n)
            best = np.argsort(keys, kind="stable")
            if k is not None:
                best = best[:k]
            per_opportunity[j] = (rows[best], ok[best], score[best])
            if width:
                theirs = ranking_keys(ok, published, np.full(len(rows), ranks[position]), n_open)
                new = theirs < threshold[rows]
                arrived = rows[new]
                kept.append((arrived, np.full(len(arrived), position), theirs[new], score[new]))
                size += len(arrived)
                if size > cap:
                    kept = [self._reduce(kept, width, threshold)]
                    size = len(kept[0][0])
        positions = np.full((n, width), -1, np.int64)
        eligible = np.zeros((n, width), np.bool_)
        scores = np.full((n, width), np.nan)
        if width and kept:
            row, rank, other, keys, score = _best_per_row(*self._concat(kept), width)
            positions[row, rank] = open_[other]
            eligible[row, rank] = keys < eligible_below(n_open)
            scores[row, rank] = score
        return TopBothWays(positions, eligible, scores, per_opportunity)

    @staticmethod
    def _concat(kept: list[tuple[Ints, Ints, Ints, Floats]]) -> tuple[Ints, Ints, Ints, Floats]:
        row, other, keys, score = (np.concatenate(c) for c in zip(*kept, strict=True))
        return row, other, keys, score

    def _reduce(
        self, kept: list[tuple[Ints, Ints, Ints, Floats]], width: int, threshold: Ints
    ) -> tuple[Ints, Ints, Ints, Floats]:
        """Keep each row's ``width`` best pairs; lower ``threshold`` of the full rows."""
        row, rank, other, keys, score = _best_per_row(*self._concat(kept), width)
        last = rank == width - 1
        threshold[row[last]] = keys[last]
        return row, other, keys, score
