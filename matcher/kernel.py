"""The vectorized kernel: job orders against an encoded pool, in chunks, and top-k both ways.

Every gate and score component is the reference scorer's (:mod:`matcher.reference`), pair
for pair: eligibility and gaps exactly, and the score computed with the same floating-point
operations in the same order, so it equals the reference's bit for bit. Functions of a
single value that numpy and Python might round differently (``exp``, powers) are
tabulated once in Python over the finitely many values they can take (experience months
come in quarters; language margins come from the pool's distinct results).

A job order is compiled once (requirements resolved to concept, test and code indices,
with per-value tables); it is then scored over the workers in chunks whose size follows a
memory budget. When ineligible pairs are not asked for, the kernel prunes exactly: only
workers in the inverted index of every required skill concept (holding it, a more specific
concept, or a certificate for one) are scored, and a worker is dropped as soon as one gate
fails, before the costlier gates and the score.

Ranking follows FORMAT.md: eligible first, then the score as published (Python's
``round(score, 4)``, reproduced exactly) descending, then the other side's id ascending.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.encoding import (
    EDUCATION_LEVELS,
    NO_START,
    EncodedPool,
    ages_on,
    day_number,
    months_of_age_on,
)
from matcher.exchange_rates import ExchangeRateError, convert_currency
from matcher.isco import isco_relation
from matcher.language_scale import cefr_rank, meets_minimum, native_rank
from matcher.reference import (
    EXPERIENCE_SCALE,
    ISCO_CREDIT,
    LANGUAGE_STEP,
    SKILL_MONTHS_FULL,
    Scorer,
    language_result_valid,
)
from matcher.rulepack_types import (
    CertificateRequirement,
    ExperienceRequirement,
    RulePack,
    StayCap,
)
from matcher.screening import LanguageGate, ScreenedVacancy

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "PoolScorer",
    "TopVacancies",
    "TopWorkers",
    "VacancyScores",
    "publication_rank",
    "score_vacancy",
    "top_vacancies",
    "top_workers",
]

DEFAULT_MEMORY_BUDGET = 256 * 2**20
"""Bytes of working memory a chunk may use (the encoded pool itself not counted)."""

_DECIMALS = 4
_SCALE = 10**_DECIMALS
# Keys sort ascending: (ineligible, 10 001 - rounded score, id rank) in one int64.
_SCORE_SLOTS = _SCALE + 2
# Pool-wide experience totals kept for this many ISCO target sets (see experience_totals).
_EXPERIENCE_CACHE = 32

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
_N = TypeVar("_N", bound=np.generic)
_V = TypeVar("_V")


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class VacancyScores:
    """One job order against every worker of a pool.

    Attributes
    ----------
    eligible : ndarray of bool, shape (n_workers,)
    score : ndarray of float64, shape (n_workers,)
    gaps : ndarray of bool, shape (n_labels, n_workers)
        ``gaps[g, i]``: worker ``i`` has the gap ``gap_labels[g]``.
    gap_labels : tuple of (kind, requirement)
        The distinct gaps the job order can produce, as the reference names them.
    """

    eligible: Bools
    score: Floats
    gaps: Bools
    gap_labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TopWorkers:
    """The best workers of one job order, best first.

    Attributes
    ----------
    workers : ndarray of int64, shape (n_selected,)
        Pool indices.
    eligible : ndarray of bool, shape (n_selected,)
    score : ndarray of float64, shape (n_selected,)
    """

    workers: Ints
    eligible: Bools
    score: Floats


@dataclass(frozen=True)
class TopVacancies:
    """The best job orders of every worker, best first, padded.

    Attributes
    ----------
    vacancies : ndarray of int64, shape (n_workers, k)
        Positions in the job orders passed in; -1 pads a row with fewer than ``k``.
    eligible : ndarray of bool, shape (n_workers, k)
    score : ndarray of float64, shape (n_workers, k)
        NaN where padded.
    """

    vacancies: Ints
    eligible: Bools
    score: Floats


# ----------------------------------------------------------------------- exact helpers
def publication_rank(score: Floats) -> Ints:
    """``round(score, 4) * 10**4`` as Python computes it, for an array.

    Python rounds the exact binary value to four decimals (ties to even); ``np.round``
    multiplies first, which can move a value sitting just below a decimal tie onto it.
    Values far from a tie take the fast path; near ties the sign of ``score * 20000 -
    (2m + 1)`` is decided exactly with a Veltkamp split.

    Parameters
    ----------
    score : ndarray of float64

    Returns
    -------
    ndarray of int64
        Same shape as ``score``.
    """
    scaled = score * float(_SCALE)
    floor = np.floor(scaled)
    rounded = (floor + (scaled - floor >= 0.5)).astype(np.int64)
    near = np.flatnonzero(np.abs(scaled - floor - 0.5) < 1e-6)
    if near.size:
        x = score[near]
        m = floor[near]
        split = 134217729.0 * x  # 2**27 + 1
        high = split - (split - x)
        low = x - high
        # high * 20000 and low * 20000 are exact; the first difference is exact (Sterbenz).
        sign = (high * 20000.0 - (2.0 * m + 1.0)) + low * 20000.0
        up = (sign > 0) | ((sign == 0) & (m % 2 == 1))
        rounded[near] = (m + up).astype(np.int64)
    return rounded


def _credit_table(values: Sequence[float], credit: Callable[[float], float]) -> Floats:
    """``[0.0, credit(v0), credit(v1), ...]``: a lookup by rank + 1 (rank -1: nothing)."""
    return np.array([0.0, *(credit(v) for v in values)])


def _language_credit(margin: float) -> float:
    credit: float = 1.0 - 0.5 * 2.0 ** (-margin)  # as Scorer._components
    return credit


def _experience_table() -> Floats:
    """``1 - exp(-months / 24)`` for months in quarters (4 * months indexes), up to 1.0."""
    values = []
    quarters = 0
    while True:
        value = 1.0 - math.exp(-(quarters / 4) / EXPERIENCE_SCALE)
        values.append(value)
        if value == 1.0:
            return np.array(values)
        quarters += 1


def _depth_tables() -> tuple[Floats, Floats]:
    """Skill credit by stored months (months + 1, capped): within (1.0) and related (0.5)."""
    full = [0.0]
    for months in range(SKILL_MONTHS_FULL + 1):
        full.append(0.5 + 0.5 * min(months, SKILL_MONTHS_FULL) / SKILL_MONTHS_FULL)
    return np.array([1.0 * d for d in full]), np.array([0.5 * d for d in full])


_EXPERIENCE_CREDIT = _experience_table()
_WITHIN_CREDIT, _RELATED_CREDIT = _depth_tables()


class _Runs:
    """Entries grouped by row: where each row's run of entries starts (``local`` sorted)."""

    def __init__(self, local: Ints, n_rows: int) -> None:
        self.n_rows = n_rows
        self.starts = np.flatnonzero(np.concatenate(([True], local[1:] != local[:-1])))
        if not local.size:
            self.starts = self.starts[:0]
        self.rows = local[self.starts]

    def max(self, values: NDArray[np.int16]) -> NDArray[np.int16]:
        """Per-row maximum of entry values (-1 for rows without entries)."""
        out = np.full(self.n_rows, -1, np.int16)
        if self.starts.size:
            out[self.rows] = np.maximum.reduceat(values, self.starts)
        return out


def _any_by_row(local: Ints, mask: Bools, n_rows: int) -> Bools:
    out = np.zeros(n_rows, np.bool_)
    out[local[mask]] = True
    return out


# ------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class _Rows:
    """The workers a chunk is scoring: the range ``lo:hi``, or indices within it."""

    lo: int
    hi: int
    index: Ints | None = None

    def __len__(self) -> int:
        return self.hi - self.lo if self.index is None else len(self.index)

    def take(self, column: NDArray[Any]) -> NDArray[Any]:
        return column[self.lo : self.hi] if self.index is None else column[self.index]

    def take_row(self, matrix: NDArray[Any], row: int) -> NDArray[Any]:
        return matrix[row, self.lo : self.hi] if self.index is None else matrix[row, self.index]

    def positions(self) -> Ints:
        if self.index is None:
            return np.arange(self.lo, self.hi, dtype=np.int64)
        return self.index

    def subset(self, keep: Bools) -> _Rows:
        return _Rows(self.lo, self.hi, self.positions()[keep])

    def spread(
        self, ptr: Ints, worker: NDArray[np.int32]
    ) -> tuple[slice | Ints, Ints, int, Callable[[NDArray[Any]], NDArray[Any]]]:
        """Entries to compute on, each entry's slot, the number of slots, and a function
        taking per-slot results to these rows.

        When the rows are a large share of the range, every entry of the range is used
        (contiguous, no gather) with one slot per worker of the range; otherwise only the
        rows' own entries, with one slot per row.
        """
        if self.index is not None and 4 * len(self.index) < self.hi - self.lo:
            selector, local = self.entries(ptr, worker)
            return selector, local, len(self.index), lambda values: values
        start, stop = int(ptr[self.lo]), int(ptr[self.hi])
        local = worker[start:stop].astype(np.int64) - self.lo
        return slice(start, stop), local, self.hi - self.lo, self.take_local

    def take_local(self, values: NDArray[Any]) -> NDArray[Any]:
        """Per-worker values of the range ``lo:hi``, at these rows."""
        return values if self.index is None else values[self.index - self.lo]

    def entries(self, ptr: Ints, worker: NDArray[np.int32]) -> tuple[slice | Ints, Ints]:
        """Entries of these rows in a CSR table: a selector and each entry's row (sorted)."""
        if self.index is None:
            start, stop = int(ptr[self.lo]), int(ptr[self.hi])
            return slice(start, stop), worker[start:stop].astype(np.int64) - self.lo
        starts = ptr[self.index]
        counts = ptr[self.index + 1] - starts
        local = np.repeat(np.arange(len(self.index)), counts)
        offsets = np.cumsum(counts) - counts
        selector = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
            starts - offsets, counts
        )
        return selector, local


# ---------------------------------------------------------------------------- context
class _Context:
    """What every job order scored by one :class:`PoolScorer` shares: the pool, the
    scorer, concept relations, and per-rule and per-value arrays cached across them."""

    def __init__(self, pool: EncodedPool, scorer: Scorer) -> None:
        taxonomy = scorer.taxonomy
        if pool.concepts != tuple(taxonomy.concepts):
            raise ValueError("the pool was encoded with another skill taxonomy")
        self.pool = pool
        self.scorer = scorer
        concepts = pool.concepts
        index = {c: i for i, c in enumerate(concepts)}
        n = len(concepts)
        # within[k, c]: concept k is c or more specific (SkillTaxonomy.is_within).
        self.within = np.zeros((n, n), np.bool_)
        for k, concept in enumerate(concepts):
            self.within[k, k] = True
            for ancestor in taxonomy.ancestors(concept):
                self.within[k, index[ancestor]] = True
        parent = np.array(
            [-1 if taxonomy[c].parent is None else index[str(taxonomy[c].parent)] for c in concepts]
        )
        # related[h, c]: credit 0.5 (h broader than c, or a sibling), unless within.
        sibling = (parent[:, None] == parent[None, :]) & (parent[None, :] >= 0)
        related_only = (self.within.T | sibling) & ~self.within
        self.descendants = [np.flatnonzero(self.within[:, c]) for c in range(n)]
        self.related = [np.flatnonzero(related_only[:, c]) for c in range(n)]
        self.concept_isco = [set(taxonomy[c].isco) for c in concepts]
        self.index = index
        self.n_words = pool.certificates.concepts.shape[1]
        self._cache: dict[tuple[Hashable, ...], Any] = {}
        self._packs: dict[int, RulePack] = {}
        self._experience: dict[tuple[str, ...], tuple[Ints, Ints]] = {}

    def cached(self, key: tuple[Hashable, ...], build: Callable[[], _V]) -> _V:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]  # type: ignore[no-any-return]

    def bits(self, concepts: Bools) -> NDArray[np.uint64]:
        """A concept mask as certificate concept words."""
        words = np.zeros(self.n_words, np.uint64)
        for c in np.flatnonzero(concepts):
            words[c // 64] |= np.uint64(1) << np.uint64(c % 64)
        return words

    # ----- per-worker arrays over the whole pool, cached
    def age(self, day: dt.date) -> NDArray[np.int16]:
        pool = self.pool
        if day == pool.as_of:
            return pool.age
        return self.cached(("age", day), lambda: ages_on(pool.birth_year, pool.birth_monthday, day))

    def months_of_age(self, day: dt.date) -> NDArray[np.int32]:
        pool = self.pool
        return self.cached(
            ("months", day), lambda: months_of_age_on(pool.birth_year, pool.birth_monthday, day)
        )

    def entered(self, country: str) -> Bools:
        """Per worker: some experience entry is in ``country`` (Scorer._age_gaps)."""

        def build() -> Bools:
            pool = self.pool
            code = pool.countries.index(country) if country in pool.countries else -2
            stints = pool.experience.stint_worker[pool.experience.stint_country == code]
            found: Bools = np.bincount(stints, minlength=pool.n_workers) > 0
            return found

        return self.cached(("entered", country), build)

    def prior_stay(self, cap: StayCap) -> Ints:
        """Months per worker counted against a stay cap (as in Scorer._pack_gaps)."""

        def build() -> Ints:
            exp, pool = self.pool.experience, self.pool
            programmes = [exp.programmes.index(p) for p in cap.programmes if p in exp.programmes]
            countries = [pool.countries.index(c) for c in cap.countries if c in pool.countries]
            counted = np.isin(exp.stint_programme, programmes) | (
                (exp.stint_programme < 0) & np.isin(exp.stint_country, countries)
            )
            months = np.bincount(
                exp.stint_worker[counted],
                weights=exp.stint_months[counted],
                minlength=pool.n_workers,
            )
            return months.astype(np.int64)

        return self.cached(("stay", cap), build)

    def has_experience(self, need: ExperienceRequirement) -> Bools:
        """Scorer._has_experience for every worker."""

        def build() -> Bools:
            exp, pool = self.pool.experience, self.pool
            mask = np.ones(len(exp.stint_worker), np.bool_)
            if need.country is not None:
                code = pool.countries.index(need.country) if need.country in pool.countries else -2
                mask &= exp.stint_country == code
            if need.programme is not None:
                programmes = exp.programmes
                code = programmes.index(need.programme) if need.programme in programmes else -2
                mask &= exp.stint_programme == code
            months = np.bincount(
                exp.stint_worker[mask], weights=exp.stint_months[mask], minlength=pool.n_workers
            )
            return months >= need.min_months

        return self.cached(("experience", need), build)

    def exempt(self, screened: ScreenedVacancy, ids: tuple[str, ...], gate: str) -> Bools:
        """Scorer._exempt for every worker (certificates valid on the job's day)."""
        pack, day = screened.pack, day_number(screened.day)
        applicable = [
            e
            for e in pack.exemptions
            if e.id in ids
            and e.experience is not None
            and any(x.gate == gate and x.status == "verified" for x in e.exempts)
        ]
        job = any(r.skill_matches_job for e in applicable for r in e.certificates_any)
        job_bits = _job_bits(self, screened) if job else None

        def build() -> Bools:
            certs, n = self.pool.certificates, self.pool.n_workers
            out = np.zeros(n, np.bool_)
            for exemption in applicable:
                assert exemption.experience is not None
                experienced = self.has_experience(exemption.experience)
                if not exemption.certificates_any:
                    out |= experienced
                    continue
                # Only the certificates of workers with the experience can matter.
                rows = np.flatnonzero(experienced[certs.worker])
                valid = (certs.issued[rows] <= day) & (certs.expires[rows] >= day)
                hit = np.zeros(len(rows), np.bool_)
                for need in exemption.certificates_any:
                    code, names, matches_job = _compile_certificate(self, need)
                    ok = valid.copy()
                    if code is not None:
                        ok &= certs.scheme[rows] == code
                    if names is not None:
                        ok &= names[certs.name[rows]]
                    if matches_job:
                        assert job_bits is not None
                        ok &= (certs.concepts[rows] & job_bits).any(axis=1)
                    hit |= ok
                out |= np.bincount(certs.worker[rows[hit]], minlength=n) > 0
            return out

        self._packs[id(pack)] = pack  # keeps the id from being reused while cached
        signature = None if job_bits is None else job_bits.tobytes()
        return self.cached(("exempt", id(pack), ids, gate, day, signature), build)

    def name_match(self, needles: tuple[str, ...]) -> Bools:
        names = self.pool.certificates.names
        folded = [n.casefold() for n in needles]
        return self.cached(
            ("names", needles),
            lambda: np.array([any(f in name.casefold() for f in folded) for name in names], bool),
        )

    # ----- per-value tables, cached
    def option_margins(self, test: str, minimum: str | int | float) -> dict[int, float]:
        """Result index -> margin (steps above ``minimum``) of results meeting it."""

        def build() -> dict[int, float]:
            step = LANGUAGE_STEP.get(test, 1.0)
            out = {}
            for i, (t, result) in enumerate(self.pool.languages.results):
                if t == test and meets_minimum(test, result, minimum):
                    out[i] = (native_rank(test, result) - native_rank(test, minimum)) / step
            return out

        return self.cached(("option", test, type(minimum).__name__, minimum), build)

    def validity(self, test: str, gate: LanguageGate, day: dt.date) -> tuple[int, bool]:
        """(first valid issue day number, whether an undated result is valid) for ``test``.

        The reference's own check (:func:`language_result_valid`) decides; results issued on ``day``
        or before are valid from some issue date on, found by bisection.
        """

        def build() -> tuple[int, bool]:
            months = gate.validity.get(test)

            def valid(issued: dt.date) -> bool:
                return language_result_valid(test, issued, day, months)

            undated = language_result_valid(test, None, day, months)
            if not valid(day):
                return day_number(day) + 1, undated
            step = 1
            while step < 200 * 366 and valid(day - dt.timedelta(days=step)):
                step *= 2
            if step >= 200 * 366:
                return NO_START + 1, undated
            bad, good = step, step // 2  # days before ``day``
            while bad - good > 1:
                middle = (bad + good) // 2
                if valid(day - dt.timedelta(days=middle)):
                    good = middle
                else:
                    bad = middle
            return day_number(day - dt.timedelta(days=good)), undated

        return self.cached(("validity", test, gate.validity.get(test), day), build)

    def prefers_other(self, country: str) -> Bools:
        """Per worker: lists preferred countries and ``country`` is not among them."""

        def build() -> Bools:
            prefs, pool = self.pool.preferences, self.pool
            code = pool.countries.index(country) if country in pool.countries else -2
            listed = np.bincount(prefs.worker[prefs.country == code], minlength=pool.n_workers)
            other: Bools = prefs.any_country & (listed == 0)
            return other

        return self.cached(("prefers", country), build)

    def experience_totals(self, targets: tuple[str, ...]) -> tuple[Ints, Ints]:
        """Per worker: 4 x months weighted by ISCO closeness, and months in the targets.

        Kept for the :data:`_EXPERIENCE_CACHE` most recent target sets (2 x 8 bytes a
        worker each); a query scoring few rows sums its rows' entries instead.
        """
        found = self._experience.pop(targets, None)
        if found is None:
            exp, n = self.pool.experience, self.pool.n_workers
            quarters, exact = self.isco_credit(targets)
            months = exp.months.astype(np.float64)
            found = (
                np.bincount(exp.worker, weights=quarters[exp.isco] * months, minlength=n),
                np.bincount(exp.worker, weights=exact[exp.isco] * months, minlength=n),
            )
            found = (found[0].astype(np.int64), found[1].astype(np.int64))
            while len(self._experience) >= _EXPERIENCE_CACHE:
                self._experience.pop(next(iter(self._experience)))
        self._experience[targets] = found
        return found

    def isco_credit(self, targets: tuple[str, ...]) -> tuple[Ints, Bools]:
        """Per pool ISCO code: 4 x closeness credit, and whether it is a target."""

        def build() -> tuple[Ints, Bools]:
            codes = self.pool.experience.isco_codes
            quarters = np.array(
                [
                    int(4 * max((ISCO_CREDIT.get(isco_relation(c, t), 0.0) for t in targets),
                                default=0.0))
                    for c in codes
                ],
                np.int64,
            )  # fmt: skip
            return quarters, np.array([c in targets for c in codes], np.bool_)

        return self.cached(("isco", targets), build)


# -------------------------------------------------------------------------------- plan
@dataclass
class _Check:
    """One concept of a required skill."""

    concept: int
    skill_label: int
    cert_label: int
    min_level: int | None
    min_months: int | None
    certified: bool


@dataclass
class _AgeCheck:
    age: NDArray[np.int16]  # per pool worker, on the gate's day
    minimum: int | None
    maximum: int | None
    low: int
    high: int
    entered: Bools | None  # per pool worker: already worked in the first-entry country
    months: NDArray[np.int32] | None  # per pool worker: months of age, for raised minima
    raised: list[tuple[int, int, int]]  # (education code, months needed, label)


@dataclass
class _Language:
    label: int | None
    signature: tuple[Hashable, ...]  # equal for gates that decide every result alike
    by_result: NDArray[np.int16] | None  # rank of each pool result under ``tests`` (-1: no)
    language: int  # pool language code for a ``min_cefr`` gate (-2: none)
    min_cefr: int
    start: Ints  # per pool test: first valid issue day number
    undated: Bools  # per pool test: an undated result is valid
    credit: Floats  # by rank + 1
    exempt: Bools | None = None  # per pool worker: an exemption waives the gate


@dataclass
class _Route:
    requirements: list[tuple[int | None, Bools | None, bool]]  # scheme, names, job
    experience: Bools | None


@dataclass
class _SkillGate:
    label: int
    exempt: Bools
    routes: list[_Route]


@dataclass
class _Plan:
    screened: ScreenedVacancy
    day: int
    labels: dict[tuple[str, str], int] = field(default_factory=dict)
    closed: int | None = None
    ages: list[_AgeCheck] = field(default_factory=list)
    health: list[tuple[NDArray[np.int8], int]] = field(default_factory=list)
    stay: tuple[Ints, int, int] | None = None
    other_country: Bools | None = None  # per worker: lists countries, not the job's
    pays: Floats | None = None  # offered monthly wage per worker currency (+ NaN slot)
    checks: list[_Check] = field(default_factory=list)
    needs: list[tuple[float, list[int]]] = field(default_factory=list)
    needs_weight: float = 0.0
    isco_targets: tuple[str, ...] = ()
    isco_quarters: Ints | None = None
    isco_exact: Bools | None = None
    experience_measured: bool = False
    experience_min: int = 0
    experience_label: int = -1
    languages: list[_Language] = field(default_factory=list)
    skill_gates: list[_SkillGate] = field(default_factory=list)
    job_bits: NDArray[np.uint64] | None = None
    weights: list[tuple[str, float]] = field(default_factory=list)
    weight_total: float = 0.0

    def label(self, kind: str, requirement: str) -> int:
        return self.labels.setdefault((kind, requirement), len(self.labels))


def _compile(ctx: _Context, screened: ScreenedVacancy) -> _Plan:
    pool, scorer = ctx.pool, ctx.scorer
    vacancy, pack, day = screened.vacancy, screened.pack, screened.day
    plan = _Plan(screened, day_number(day))
    for gate in screened.ages:
        low = plan.label("age", f"age >= {gate.minimum}") if gate.minimum is not None else -1
        high = plan.label("age", f"age <= {gate.maximum}") if gate.maximum is not None else -1
        raised = [
            (
                EDUCATION_LEVELS.index(level),
                12 * years + months,
                plan.label("age", f"age >= {years} years {months} months ({level})"),
            )
            for level, (years, months) in gate.min_by_education.items()
        ]
        plan.ages.append(
            _AgeCheck(
                ctx.age(gate.day),
                gate.minimum,
                gate.maximum,
                low,
                high,
                None if gate.first_entry is None else ctx.entered(gate.first_entry),
                ctx.months_of_age(gate.day) if raised else None,
                raised,
            )
        )
    for need in screened.skills:
        concepts = [ctx.index[c] for c in need.concepts]
        plan.needs.append((need.weight, concepts))
        if need.required:
            for concept in concepts:
                plan.checks.append(
                    _Check(
                        concept,
                        plan.label("skill", need.name),
                        plan.label("certificate", need.name),
                        need.min_level,
                        need.min_months,
                        need.certified,
                    )
                )
    plan.needs_weight = sum(n.weight for n in screened.skills)
    for language in screened.languages:
        compiled = _compile_language(ctx, language, day, plan)
        if language.required and language.exemptions:
            compiled.exempt = ctx.exempt(screened, language.exemptions, "language")
        plan.languages.append(compiled)
    targets = screened.experience_isco or ((vacancy.isco,) if vacancy.isco else ())
    plan.isco_targets = tuple(targets)
    if targets:
        plan.isco_quarters, plan.isco_exact = ctx.isco_credit(tuple(targets))
        plan.experience_measured = True
    if screened.experience_min_months:
        plan.experience_min = screened.experience_min_months
        plan.experience_label = plan.label("experience", f"{screened.experience_min_months} months")
        if plan.isco_exact is None:
            plan.isco_quarters, plan.isco_exact = ctx.isco_credit(())
    plan.label("health", "fit to work")
    for health in pack.health:
        column = {"fit_to_work": pool.fit_to_work,
                  "colour_vision_normal": pool.colour_vision_normal}[health.gate]  # fmt: skip
        plan.health.append((column, plan.label("health", health.gate)))
    cap = pack.stay_cap_months
    if cap is not None:
        contract = vacancy.contract_months or (pack.contract.max_months if pack.contract else 0)
        prior = ctx.prior_stay(cap)
        allowed = cap.months - (contract if cap.includes_contract else 0)
        plan.stay = (prior, allowed, plan.label("programme_rule", "stay cap"))
    if pack.availability is not None and day > pack.availability.last_start_date:
        plan.closed = plan.label("programme_rule", "programme dates")
    for skill_gate in pack.skill_gates:
        if skill_gate.mode != "gate":
            continue
        routes = [
            _Route(
                [_compile_certificate(ctx, r) for r in route.certificates],
                None if route.experience is None else ctx.has_experience(route.experience),
            )
            for route in skill_gate.routes
        ]
        plan.skill_gates.append(
            _SkillGate(
                plan.label(skill_gate.gap_kind, skill_gate.id),
                ctx.exempt(screened, skill_gate.exemptions, skill_gate.id),
                routes,
            )
        )
    if any(job for route in plan.skill_gates for r in route.routes for *_, job in r.requirements):
        plan.job_bits = _job_bits(ctx, screened)
    plan.label("preference", "countries")
    plan.other_country = ctx.prefers_other(vacancy.country)
    if screened.monthly_wage is not None:
        plan.label("preference", "min_monthly_wage")
        plan.pays = np.array(
            [*(_pays(screened, c, scorer) for c in pool.preferences.currencies), math.nan]
        )
    plan.label("document", "passport")
    weights = screened.weights or scorer.weights
    measured = []
    if screened.skills:
        measured += ["skills", "certification"]
    if screened.languages:
        measured.append("language")
    if targets:
        measured.append("experience")
    plan.weights = [(c, weights[c]) for c in measured]
    plan.weight_total = sum(weights[c] for c in measured)
    return plan


def _pays(screened: ScreenedVacancy, currency: str, scorer: Scorer) -> float:
    assert screened.monthly_wage is not None
    try:
        return convert_currency(
            screened.monthly_wage,
            screened.vacancy.wage.currency,
            currency,
            scorer.as_of,
            table=scorer.rates,
        ).amount
    except ExchangeRateError:
        return math.nan  # the reference skips the comparison


def _compile_certificate(
    ctx: _Context, need: CertificateRequirement
) -> tuple[int | None, Bools | None, bool]:
    schemes = ctx.pool.certificates.schemes
    scheme = None
    if need.scheme is not None:
        scheme = schemes.index(need.scheme) if need.scheme in schemes else -2
    names = ctx.name_match(need.name_contains_any) if need.name_contains_any else None
    return scheme, names, need.skill_matches_job


def _job_bits(ctx: _Context, screened: ScreenedVacancy) -> NDArray[np.uint64]:
    """Concepts a skills test may name to count for the job (Scorer._matches_job)."""
    job = [ctx.index[c] for need in screened.skills for c in need.concepts]
    hit = np.asarray(ctx.within[:, job].any(axis=1) | ctx.within[job, :].any(axis=0), np.bool_)
    isco = screened.vacancy.isco
    if isco is not None:
        hit |= np.array([isco in codes for codes in ctx.concept_isco], np.bool_)
    return ctx.bits(hit)


def _compile_language(ctx: _Context, gate: LanguageGate, day: dt.date, plan: _Plan) -> _Language:
    pool = ctx.pool.languages
    bounds = [ctx.validity(test, gate, day) for test in pool.tests]
    start = np.array([b[0] for b in bounds], np.int64)
    undated = np.array([b[1] for b in bounds], np.bool_)
    label = None
    if gate.required:
        if gate.tests:
            need = " or ".join(f"{t} {m}" for t, m in gate.tests)
        else:
            need = f"{gate.language} {gate.min_cefr} (CEFR)"
        label = plan.label("language", need)
    if gate.tests:
        options = [ctx.option_margins(test, minimum) for test, minimum in gate.tests]
        margins = sorted({m for option in options for m in option.values()})
        if len(margins) >= np.iinfo(np.int16).max:  # ranks are int16; results are far fewer
            raise ValueError(f"too many distinct language results ({len(margins)})")
        rank = {m: r for r, m in enumerate(margins)}
        by_result = np.full(len(pool.results), -1, np.int16)
        for option in options:
            for result, margin in option.items():
                by_result[result] = max(by_result[result], rank[margin])
        credit = _credit_table(margins, _language_credit)
        # 4 == 4.0, but a TOEFL-iBT legacy score 4 is not the band 4.0: keep the types apart.
        minima = tuple((t, type(m).__name__, m) for t, m in gate.tests)
        signature: tuple[Hashable, ...] = ("tests", minima, *bounds)
        return _Language(label, signature, by_result, -2, 0, start, undated, credit)
    language, minimum = -2, 0
    if gate.language is not None and gate.min_cefr is not None:
        languages = pool.languages
        language = languages.index(gate.language) if gate.language in languages else -2
        minimum = cefr_rank(gate.min_cefr)
    credit = _credit_table([float(m) for m in range(7)], _language_credit)
    signature = ("cefr", language, minimum, *bounds)
    return _Language(label, signature, None, language, minimum, start, undated, credit)


# ---------------------------------------------------------------------------- scoring
class _Pass:
    """One job order over one chunk: the rows still in play, their failures and gaps."""

    def __init__(self, rows: _Rows, n_labels: int, *, prune: bool, with_gaps: bool) -> None:
        self.rows = rows
        self.prune = prune
        self.bad = np.zeros(len(rows), np.bool_)
        self.gaps = np.zeros((n_labels, len(rows)), np.bool_) if with_gaps else None
        self.carried: dict[str, NDArray[Any]] = {}

    def fail(self, label: int, mask: Bools | bool) -> None:
        self.bad |= mask
        if self.gaps is not None:
            self.gaps[label] |= mask

    def settle(self, *, force: bool = False) -> bool:
        """Drop rows that failed a gate, when pruning: always with ``force``, otherwise
        only once they are a quarter of the rows (each drop copies every carried array).

        Returns False when pruning and no row can still be eligible, or no row is left.
        """
        if not self.prune:
            return len(self.rows) > 0
        failed = int(np.count_nonzero(self.bad))
        if failed and (force or 4 * failed >= len(self.rows)):
            keep = ~self.bad
            self.rows = self.rows.subset(keep)
            self.carried = {k: v[keep] for k, v in self.carried.items()}
            self.bad = np.zeros(len(self.rows), np.bool_)
            failed = 0
        return len(self.rows) > failed


def _candidates(ctx: _Context, plan: _Plan, lo: int, hi: int) -> _Rows:
    """Rows that can pass every required skill: in the inverted index of each concept."""
    concepts = {check.concept for check in plan.checks}
    if not concepts:
        return _Rows(lo, hi)
    skills = ctx.pool.skills
    mask: Bools | None = None
    for concept in concepts:
        found = np.zeros(hi - lo, np.bool_)
        for postings in (skills.held, skills.certified):
            workers = postings.of(concept)
            a, b = np.searchsorted(workers, (lo, hi))
            found[workers[a:b] - lo] = True
        mask = found if mask is None else mask & found
    assert mask is not None
    return _Rows(lo, hi, lo + np.flatnonzero(mask).astype(np.int64))


def _score_rows(
    ctx: _Context, plan: _Plan, lo: int, hi: int, *, prune: bool, with_gaps: bool
) -> tuple[Ints, Bools, Floats, Bools | None]:
    """Score workers ``lo:hi`` (only those that can be eligible, when ``prune``).

    Returns
    -------
    rows : ndarray of int64
        Pool indices scored (all of ``lo:hi`` unless pruning).
    eligible, score : ndarrays aligned with ``rows``
    gaps : ndarray of bool, shape (n_labels, len(rows)), or None
    """
    pool = ctx.pool
    rows = _candidates(ctx, plan, lo, hi) if prune else _Rows(lo, hi)
    state = _Pass(rows, len(plan.labels), prune=prune, with_gaps=with_gaps)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.bool_), np.zeros(0), None)
    if plan.closed is not None:
        state.fail(plan.closed, True)
    if not state.settle():
        return empty
    # Cheapest gates first; after each, drop the rows that can no longer be eligible.
    stages: tuple[Callable[[], None], ...] = (
        lambda: _cheap_gates(plan, state, pool),
        lambda: _skill_gates(ctx, plan, state),
        lambda: _experience(ctx, plan, state),
        lambda: _languages(plan, state, pool),
        lambda: _programme_skill_tests(plan, state, pool),
    )
    for last, stage in enumerate(stages, start=1 - len(stages)):
        stage()
        if not state.settle(force=last == 0):
            return empty
    score = _score(ctx, plan, state)
    scored, eligible = state.rows.positions(), ~state.bad
    if prune:  # only eligible rows were asked for (settled above; kept explicit)
        return scored[eligible], eligible[eligible], score[eligible], None
    return scored, eligible, score, state.gaps


def _cheap_gates(plan: _Plan, state: _Pass, pool: EncodedPool) -> None:
    rows, day = state.rows, plan.day
    for check in plan.ages:
        age = rows.take(check.age)
        held = np.ones(len(rows), np.bool_) if check.entered is None else ~rows.take(check.entered)
        raised = np.zeros(len(rows), np.bool_)
        if check.raised:
            assert check.months is not None
            education, months = rows.take(pool.education), rows.take(check.months)
            for code, need, label in check.raised:
                mine = education == code
                raised |= mine
                state.fail(label, held & mine & (months < need))
        if check.minimum is not None:
            state.fail(check.low, held & ~raised & (age < check.minimum))
        if check.maximum is not None:
            state.fail(check.high, held & (age > check.maximum))
    fit = rows.take(pool.fit_to_work)
    state.fail(plan.labels[("health", "fit to work")], fit == 0)
    for column, label in plan.health:
        state.fail(label, rows.take(column) != 1)
    if plan.stay is not None:
        prior, allowed, label = plan.stay
        state.fail(label, rows.take(prior) > allowed)
    prefs = pool.preferences
    assert plan.other_country is not None
    state.fail(plan.labels[("preference", "countries")], rows.take(plan.other_country))
    if plan.pays is not None:
        offered = plan.pays[rows.take(prefs.wage_currency)]
        state.fail(
            plan.labels[("preference", "min_monthly_wage")], offered < rows.take(prefs.wage_min)
        )
    state.fail(plan.labels[("document", "passport")], rows.take(pool.passport_expires) < day)


def _certified(ctx: _Context, state: _Pass, concepts: Sequence[int], day: int) -> dict[int, Bools]:
    """Whether each row holds a certificate valid on ``day`` for each concept (or within)."""
    certs = ctx.pool.certificates
    selector, local, n_slots, pick = state.rows.spread(certs.ptr, certs.worker)
    valid = (certs.issued[selector] <= day) & (certs.expires[selector] >= day)
    words = certs.concepts[selector][valid]
    local = local[valid]
    out = {}
    for concept in concepts:
        wanted = ctx.bits(ctx.within[:, concept])
        hit = np.asarray((words & wanted).any(axis=1), np.bool_)
        out[concept] = pick(_any_by_row(local, hit, n_slots))
    return out


def _stored_months(ctx: _Context, rows: _Rows, concepts: NDArray[np.intp]) -> NDArray[np.uint16]:
    """Most months (+ 1) listed for any of ``concepts``, per row (0: none listed)."""
    return _row_max(ctx.pool.skills.months, rows, concepts)


def _row_max(matrix: NDArray[_N], rows: _Rows, concepts: NDArray[np.intp]) -> NDArray[_N]:
    """Per row, the maximum of ``matrix`` over the rows ``concepts`` (0 when empty)."""
    if rows.index is not None and 4 * len(rows.index) < rows.hi - rows.lo:
        best = np.zeros(len(rows), matrix.dtype)
        for concept in concepts:
            np.maximum(best, rows.take_row(matrix, int(concept)), out=best)
        return best
    # Most of the range is in play: contiguous maxima, then one gather.
    spread = np.zeros(rows.hi - rows.lo, matrix.dtype)
    for concept in concepts:
        np.maximum(spread, matrix[int(concept), rows.lo : rows.hi], out=spread)
    return rows.take_local(spread)


def _skill_gates(ctx: _Context, plan: _Plan, state: _Pass) -> None:
    """Required skills; their certificate checks are carried on (through later pruning) for
    the score, which checks the other concepts on the rows left at the end."""
    concepts = sorted({check.concept for check in plan.checks})
    if not concepts:
        return
    certified = _certified(ctx, state, concepts, plan.day)
    levels = ctx.pool.skills.level
    for check in plan.checks:
        descendants = ctx.descendants[check.concept]
        months = _stored_months(ctx, state.rows, descendants)
        cert = certified[check.concept]
        missing = (months == 0) & ~cert
        short = missing.copy()
        if check.min_level is not None:
            short |= _row_max(levels, state.rows, descendants) < check.min_level
        if check.min_months is not None:
            short |= months <= check.min_months  # stored months are months + 1
        state.fail(check.skill_label, short)
        if check.certified:
            state.fail(check.cert_label, ~cert & ~missing)
    for concept, column in certified.items():
        state.carried[f"certified:{concept}"] = column


def _experience(ctx: _Context, plan: _Plan, state: _Pass) -> None:
    """Months in the target ISCO groups (the gate) and weighted by closeness (the score).

    Sums of whole months times 1, 1/2 or 1/4 are exact in float64 in any order, so the
    pool-wide totals and the per-row sums are the reference's numbers either way.
    """
    if plan.isco_quarters is None or plan.isco_exact is None:
        return
    rows, n_rows = state.rows, len(state.rows)
    if n_rows * 8 >= ctx.pool.n_workers:
        all_quarters, all_exact = ctx.experience_totals(plan.isco_targets)
        quarters, exact = rows.take(all_quarters), rows.take(all_exact)
    else:
        exp = ctx.pool.experience
        selector, local = rows.entries(exp.ptr, exp.worker)
        codes = exp.isco[selector]
        months = exp.months[selector].astype(np.float64)
        weighted = plan.isco_quarters[codes] * months
        quarters = np.bincount(local, weights=weighted, minlength=n_rows).astype(np.int64)
        in_targets = plan.isco_exact[codes] * months
        exact = np.bincount(local, weights=in_targets, minlength=n_rows).astype(np.int64)
    state.carried["experience"] = quarters
    if plan.experience_min:
        state.fail(plan.experience_label, exact < plan.experience_min)


def _languages(plan: _Plan, state: _Pass, pool: EncodedPool) -> None:
    if not plan.languages:
        return
    langs = pool.languages
    selector, local, n_slots, pick = state.rows.spread(langs.ptr, langs.worker)
    runs = _Runs(local, n_slots)
    test = langs.test[selector]
    date = langs.date[selector]
    day = plan.day
    dated = date != NO_START
    # The job order often repeats its rule pack's requirement: decide each one once.
    decided: dict[tuple[Hashable, ...], NDArray[np.int16]] = {}
    for number, gate in enumerate(plan.languages):
        best = decided.get(gate.signature)
        if best is None:
            valid = np.where(dated, (date >= gate.start[test]) & (date <= day), gate.undated[test])
            if gate.by_result is not None:
                rank = gate.by_result[langs.result[selector]]
            else:
                cefr = langs.cefr[selector].astype(np.int16)
                meets = (langs.language[selector] == gate.language) & (cefr > 0)
                meets &= cefr >= gate.min_cefr
                rank = np.where(meets, cefr - gate.min_cefr, -1).astype(np.int16)
            best = decided[gate.signature] = pick(runs.max(np.where(valid, rank, -1)))
        if gate.label is not None:
            missing = best < 0
            if gate.exempt is not None:
                missing &= ~state.rows.take(gate.exempt)
            state.fail(gate.label, missing)
        state.carried[f"language:{number}"] = gate.credit[best + 1]


def _programme_skill_tests(plan: _Plan, state: _Pass, pool: EncodedPool) -> None:
    if not plan.skill_gates:
        return
    certs = pool.certificates
    rows = state.rows
    selector, local, n_slots, pick = rows.spread(certs.ptr, certs.worker)
    valid = (certs.issued[selector] <= plan.day) & (certs.expires[selector] >= plan.day)
    scheme = certs.scheme[selector]
    name = certs.name[selector]
    job = None
    if plan.job_bits is not None:
        job = (certs.concepts[selector] & plan.job_bits).any(axis=1)
    for gate in plan.skill_gates:
        met = np.zeros(len(rows), np.bool_)
        for route in gate.routes:
            ok = np.ones(len(rows), np.bool_)
            for code, names, matches_job in route.requirements:
                hit = valid.copy()
                if code is not None:
                    hit &= scheme == code
                if names is not None:
                    hit &= names[name]
                if matches_job:
                    assert job is not None
                    hit &= job
                ok &= pick(_any_by_row(local, hit, n_slots))
            if route.experience is not None:
                ok &= rows.take(route.experience)
            met |= ok
        state.fail(gate.label, ~met & ~rows.take(gate.exempt))


def _score(ctx: _Context, plan: _Plan, state: _Pass) -> Floats:
    """The weighted mean of the measured components, with the reference's operations."""
    rows, n_rows = state.rows, len(state.rows)
    components: dict[str, Floats] = {}
    unchecked = sorted(
        {c for _, cs in plan.needs for c in cs} - {check.concept for check in plan.checks}
    )
    if unchecked:
        for concept, column in _certified(ctx, state, unchecked, plan.day).items():
            state.carried[f"certified:{concept}"] = column
    if plan.needs:
        skills = np.zeros(n_rows)
        shares = np.zeros(n_rows)
        credit_of: dict[int, Floats] = {}
        for weight, concepts in plan.needs:
            credits = np.zeros(n_rows)
            count = np.zeros(n_rows)
            for concept in concepts:
                cert = state.carried[f"certified:{concept}"]
                if concept not in credit_of:
                    within = _stored_months(ctx, rows, ctx.descendants[concept])
                    related = _stored_months(ctx, rows, ctx.related[concept])
                    cap = SKILL_MONTHS_FULL + 1
                    best = np.maximum(
                        _WITHIN_CREDIT[np.minimum(within, cap)],
                        _RELATED_CREDIT[np.minimum(related, cap)],
                    )
                    credit_of[concept] = np.where((best < 0.5) & cert, 0.5, best)
                credits = credits + credit_of[concept]
                count = count + cert
            skills = skills + weight * credits / len(concepts)
            shares = shares + weight * count / len(concepts)
        components["skills"] = skills / plan.needs_weight
        components["certification"] = shares / plan.needs_weight
    if plan.languages:
        total = np.zeros(n_rows)
        for number in range(len(plan.languages)):
            total = total + state.carried[f"language:{number}"]
        components["language"] = total / len(plan.languages)
    if plan.experience_measured:
        quarters = state.carried["experience"]
        table = _EXPERIENCE_CREDIT
        components["experience"] = table[np.minimum(quarters, len(table) - 1)]
    if not plan.weight_total:
        return np.ones(n_rows)
    score = np.zeros(n_rows)
    for name, weight in plan.weights:
        score = score + weight * components[name]
    return score / plan.weight_total


# ------------------------------------------------------------------------------ public
def _chunk_rows(pool: EncodedPool, memory_budget: int, extra_per_row: int = 0) -> int:
    """Rows per chunk so that a chunk's temporaries fit ``memory_budget`` bytes.

    Calibrated with tracemalloc on the synthetic pool (benchmarks/pool.py): scoring every
    row of a chunk with its gaps peaks at about 190 bytes a row there, which this
    estimate puts at about 380; ``extra_per_row`` adds what the caller keeps per row.
    """
    n = max(pool.n_workers, 1)
    entries = (
        len(pool.certificates.worker) * (1 + pool.certificates.concepts.shape[1])
        + len(pool.languages.worker)
        + len(pool.experience.worker)
        + len(pool.preferences.worker)
    ) / n
    per_row = 256 + int(24 * entries) + extra_per_row
    return max(1, memory_budget // per_row)


def _check_k(k: int | None, caller: str) -> None:
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise ValueError(
            f"The 'k' parameter of {caller} must be an int in the range [1, inf) or None. "
            f"Got {k!r}."
        )


def _check_budget(memory_budget: int, caller: str) -> None:
    if isinstance(memory_budget, bool) or not isinstance(memory_budget, int) or memory_budget < 1:
        raise ValueError(
            f"The 'memory_budget' parameter of {caller} must be an int in the range [1, inf). "
            f"Got {memory_budget!r}."
        )


def _keys(eligible: Bools, score: Floats, other_rank: Ints, n_other: int) -> Ints:
    """One ascending int64 sort key: ineligible, then published score descending, then id."""
    published = np.clip(publication_rank(score), 0, _SCORE_SLOTS - 1)
    slot = (~eligible).astype(np.int64) * _SCORE_SLOTS + (_SCORE_SLOTS - 1 - published)
    keys: Ints = slot * max(n_other, 1) + other_rank
    return keys


def _smallest(keys: Ints, k: int | None) -> Ints:
    """Positions of the ``k`` smallest keys (all when None), in ascending key order."""
    if k is not None and k < len(keys):
        part = np.argpartition(keys, k - 1)[:k]
        return part[np.argsort(keys[part], kind="stable")]
    return np.argsort(keys, kind="stable")


class _Selected:
    """Pairs selected for the rows of a chunk, reduced to each row's ``width`` best."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.parts: list[tuple[Ints, Ints, Ints, Floats]] = []
        self.size = 0

    def add(self, row: Ints, other: Ints, keys: Ints, score: Floats) -> None:
        self.parts.append((row, other, keys, score))
        self.size += len(row)

    def reduce(self) -> tuple[Ints, Ints, Ints, Ints, Floats]:
        """(row, rank within the row, other side, key, score) of each row's best."""
        if self.parts:
            row, other, keys, score = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        else:
            row = other = keys = np.zeros(0, np.int64)
            score = np.zeros(0)
        order = np.lexsort((keys, row))
        row, other, keys, score = row[order], other[order], keys[order], score[order]
        starts = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1])))
        lengths = np.diff(np.append(starts, len(row)))
        rank = np.arange(len(row)) - np.repeat(starts, lengths)
        keep = rank < self.width
        row, rank, other, keys, score = row[keep], rank[keep], other[keep], keys[keep], score[keep]
        self.parts = [(row, other, keys, score)]
        self.size = len(row)
        return row, rank, other, keys, score


class PoolScorer:
    """Job orders against one encoded pool, with one scorer, for as many queries as needed.

    What scoring derives from the pool alone is computed on first use and kept: concept
    relations, per-rule worker arrays (months counted against a stay cap, programme
    experience, exemptions), per-value tables (language margins, validity edges, ISCO
    closeness). Build one per (pool, scorer) and reuse it, e.g. in a server's lifespan;
    the module functions :func:`score_vacancy`, :func:`top_workers` and
    :func:`top_vacancies` build a fresh one per call.

    Parameters
    ----------
    pool : EncodedPool
        The workers, encoded with the scorer's taxonomy.
    scorer : Scorer
        The run's scorer (taxonomy, evaluation date, exchange rates, default weights).

    Raises
    ------
    ValueError
        If the pool was encoded with another taxonomy.
    """

    def __init__(self, pool: EncodedPool, scorer: Scorer) -> None:
        self.pool = pool
        self.scorer = scorer
        self._context = _Context(pool, scorer)

    def score_vacancy(
        self, screened: ScreenedVacancy, *, memory_budget: int = DEFAULT_MEMORY_BUDGET
    ) -> VacancyScores:
        """Score one job order against every worker, with its gaps.

        Parameters
        ----------
        screened : ScreenedVacancy
            A job order that is not refused.
        memory_budget : int
            Bytes a chunk of workers may use.

        Returns
        -------
        VacancyScores
            Eligibility, score and gaps of every worker, as :meth:`Scorer.evaluate` gives.
        """
        _check_budget(memory_budget, "score_vacancy")
        ctx, n = self._context, self.pool.n_workers
        plan = _compile(ctx, screened)
        step = _chunk_rows(self.pool, memory_budget, len(plan.labels))
        eligible, scores, gaps = [], [], []
        for lo in range(0, n, step):
            _, ok, score, found = _score_rows(
                ctx, plan, lo, min(lo + step, n), prune=False, with_gaps=True
            )
            assert found is not None
            eligible.append(ok)
            scores.append(score)
            gaps.append(found)
        n_labels = len(plan.labels)
        return VacancyScores(
            eligible=np.concatenate(eligible) if eligible else np.zeros(0, np.bool_),
            score=np.concatenate(scores) if scores else np.zeros(0),
            gaps=np.concatenate(gaps, axis=1) if gaps else np.zeros((n_labels, 0), np.bool_),
            gap_labels=tuple(plan.labels),
        )

    def top_workers(
        self,
        vacancies: Sequence[ScreenedVacancy],
        *,
        k: int | None = 10,
        include_ineligible: bool = False,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
    ) -> list[TopWorkers | None]:
        """The best ``k`` workers of each job order.

        Parameters
        ----------
        vacancies : Sequence[ScreenedVacancy]
            Job orders; refused ones get None.
        k : int or None
            How many per job order (None: all).
        include_ineligible : bool
            Also rank ineligible workers (after the eligible ones); scores every worker.
        memory_budget : int
            Bytes a chunk of workers may use.

        Returns
        -------
        list of TopWorkers or None
            One per job order, in order.
        """
        _check_k(k, "top_workers")
        _check_budget(memory_budget, "top_workers")
        ctx, pool = self._context, self.pool
        n = pool.n_workers
        step = _chunk_rows(pool, memory_budget)
        out: list[TopWorkers | None] = []
        for screened in vacancies:
            if screened.refused:
                out.append(None)
                continue
            plan = _compile(ctx, screened)
            best_rows = np.zeros(0, np.int64)
            best_keys = np.zeros(0, np.int64)
            best_ok = np.zeros(0, np.bool_)
            best_score = np.zeros(0)
            for lo in range(0, n, step):
                rows, ok, score, _ = _score_rows(
                    ctx, plan, lo, min(lo + step, n), prune=not include_ineligible,
                    with_gaps=False,
                )  # fmt: skip
                keys = _keys(ok, score, pool.id_rank[rows], n)
                rows = np.concatenate((best_rows, rows))
                keys = np.concatenate((best_keys, keys))
                ok = np.concatenate((best_ok, ok))
                score = np.concatenate((best_score, score))
                chosen = _smallest(keys, k)
                best_rows, best_keys = rows[chosen], keys[chosen]
                best_ok, best_score = ok[chosen], score[chosen]
            out.append(TopWorkers(best_rows, best_ok, best_score))
        return out

    def top_vacancies(
        self,
        vacancies: Sequence[ScreenedVacancy],
        *,
        k: int | None = 10,
        include_ineligible: bool = False,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
    ) -> TopVacancies:
        """The best ``k`` job orders of each worker.

        Parameters
        ----------
        vacancies : Sequence[ScreenedVacancy]
            Job orders; refused ones are never selected.
        k : int or None
            How many per worker (None: as many as there are open job orders).
        include_ineligible : bool
            Also rank ineligible job orders (after the eligible ones).
        memory_budget : int
            Bytes a chunk of workers may use, the pairs it keeps while selecting included
            (the returned arrays are not counted).

        Returns
        -------
        TopVacancies
            Arrays of shape ``(n_workers, k)``; positions index ``vacancies``.
        """
        _check_k(k, "top_vacancies")
        _check_budget(memory_budget, "top_vacancies")
        ctx, pool = self._context, self.pool
        open_orders = np.array([j for j, v in enumerate(vacancies) if not v.refused], np.int64)
        plans = [_compile(ctx, vacancies[j]) for j in open_orders]
        n_open, n = len(open_orders), pool.n_workers
        width = n_open if k is None else min(k, n_open)
        positions = np.full((n, width), -1, np.int64)
        eligible = np.zeros((n, width), np.bool_)
        scores = np.full((n, width), np.nan)
        if not width:
            return TopVacancies(positions, eligible, scores)
        ids = [vacancies[j].vacancy.id for j in open_orders]
        id_rank = np.empty(n_open, np.int64)
        id_rank[np.argsort(np.asarray(ids, dtype=str), kind="stable")] = np.arange(n_open)
        # Selected pairs are kept sparse: (row, job order, key, score), 32 bytes each, plus
        # the sort that reduces them to each row's best ``width``, as much again.
        kept_per_row = 64 * width
        step = _chunk_rows(pool, memory_budget, kept_per_row)
        cap = max(memory_budget // 64, 1)
        for lo in range(0, n, step):
            hi = min(lo + step, n)
            found = _Selected(width)
            for j, plan in enumerate(plans):
                rows, ok, score, _ = _score_rows(
                    ctx, plan, lo, hi, prune=not include_ineligible, with_gaps=False
                )
                keys = _keys(ok, score, np.full(len(rows), id_rank[j]), n_open)
                found.add(rows - lo, np.full(len(rows), j), keys, score)
                if found.size > cap:
                    found.reduce()
            row, rank, order, keys, score = found.reduce()
            positions[lo + row, rank] = open_orders[order]
            eligible[lo + row, rank] = keys < _SCORE_SLOTS * n_open
            scores[lo + row, rank] = score
        return TopVacancies(positions, eligible, scores)


def score_vacancy(
    pool: EncodedPool,
    screened: ScreenedVacancy,
    scorer: Scorer,
    *,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
) -> VacancyScores:
    """Score one job order against every worker, with its gaps.

    ``PoolScorer(pool, scorer).score_vacancy(...)``; see :meth:`PoolScorer.score_vacancy`.
    """
    return PoolScorer(pool, scorer).score_vacancy(screened, memory_budget=memory_budget)


def top_workers(
    pool: EncodedPool,
    vacancies: Sequence[ScreenedVacancy],
    scorer: Scorer,
    *,
    k: int | None = 10,
    include_ineligible: bool = False,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
) -> list[TopWorkers | None]:
    """The best ``k`` workers of each job order.

    ``PoolScorer(pool, scorer).top_workers(...)``; see :meth:`PoolScorer.top_workers`.
    """
    return PoolScorer(pool, scorer).top_workers(
        vacancies, k=k, include_ineligible=include_ineligible, memory_budget=memory_budget
    )


def top_vacancies(
    pool: EncodedPool,
    vacancies: Sequence[ScreenedVacancy],
    scorer: Scorer,
    *,
    k: int | None = 10,
    include_ineligible: bool = False,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
) -> TopVacancies:
    """The best ``k`` job orders of each worker.

    ``PoolScorer(pool, scorer).top_vacancies(...)``; see :meth:`PoolScorer.top_vacancies`.
    """
    return PoolScorer(pool, scorer).top_vacancies(
        vacancies, k=k, include_ineligible=include_ineligible, memory_budget=memory_budget
    )
