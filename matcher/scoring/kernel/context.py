"""What every job order scored against one pool shares: concept relations, and per-rule
and per-value arrays cached across job orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Ints
from matcher.rules.screening import LanguageGate, ScreenedVacancy
from matcher.rules.types import CertificateRequirement, ExperienceRequirement, RulePack, StayCap
from matcher.scoring.encoding import NO_START, EncodedPool, ages_on, day_number, months_of_age_on
from matcher.scoring.kernel.kept import KeptByUse, KeptColumns
from matcher.scoring.kernel.rows import ByWorker, by_worker, range_max
from matcher.scoring.kernel.tables import depth_tables, experience_table
from matcher.scoring.params import ScoringParams
from matcher.taxonomy.isco import isco_relation
from matcher.taxonomy.language_scale import meets_minimum, native_rank, result_valid
from matcher.taxonomy.skills import SkillRelation

# Pool-wide columns kept by use (see experience_totals and months_listed): at most this
# many sets each, within this many bytes (experience: 16 bytes a worker, 32 sets at a
# million workers; months: 2 bytes a worker, 64 sets).
_EXPERIENCE_CACHE = 32
_EXPERIENCE_BYTES = 1 << 29
_MONTHS_KEPT = 64
_MONTHS_BYTES = 1 << 27
_V = TypeVar("_V")


class Context:
    """What every job order scored by one :class:`PoolScorer` shares: the pool, the
    parameters and their credit tables, concept relations, and per-rule and per-value
    arrays cached across them."""

    def __init__(
        self, pool: EncodedPool, params: ScoringParams, kept: KeptColumns | None = None
    ) -> None:
        taxonomy = params.taxonomy
        if pool.concepts != tuple(taxonomy.concepts):
            raise ValueError("the pool was encoded with another skill taxonomy")
        self.pool = pool
        self.params = params
        self.experience_credit = experience_table(params)
        self.relation_credit = depth_tables(params)
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
        # relation[h, c] as SkillTaxonomy.relation(h, c) decides it, first match wins:
        # within, broader (c within h), sibling (one parent).
        broader = self.within.T & ~self.within
        sibling = (parent[:, None] == parent[None, :]) & (parent[None, :] >= 0)
        sibling &= ~self.within & ~broader
        self.descendants = [np.flatnonzero(self.within[:, c]) for c in range(n)]
        # relatives[c][r]: the concepts held in relation r to a need for c, each credited
        # by relation_credit[r].
        self.relatives: list[dict[SkillRelation, Ints]] = [
            {
                "within": self.descendants[c],
                "broader": np.flatnonzero(broader[:, c]),
                "sibling": np.flatnonzero(sibling[:, c]),
            }
            for c in range(n)
        ]
        self.concept_isco = [set(taxonomy[c].isco) for c in concepts]
        self.index = index
        self.n_words = pool.certificates.concepts.shape[1]
        self._cache: dict[tuple[Hashable, ...], Any] = {}
        self._packs: dict[int, RulePack] = {}
        self._kept = kept or kept_columns(pool.n_workers)
        # The experience totals weigh months by the run's ISCO closeness credits.
        self._isco_credits = tuple(sorted(params.isco_credit.items()))

    def skills_by_worker(self) -> ByWorker:
        """The skills listed, worker-major (:func:`by_worker`), built on first use: about
        as large as the concept-major table, for the rows of a candidate list."""
        listed = self.pool.skills.listed
        return self.cached(("skills by worker",), lambda: by_worker(listed, self.pool.n_workers))

    def cached(self, key: tuple[Hashable, ...], build: Callable[[], _V]) -> _V:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]  # type: ignore[no-any-return]

    def bits(self, concepts: Bools) -> NDArray[np.uint64]:
        """A concept mask as certificate concept words."""
        words = np.zeros(self.n_words, np.uint64)
        set_bits = np.flatnonzero(concepts).astype(np.uint64)
        np.bitwise_or.at(
            words, set_bits // np.uint64(64), np.uint64(1) << (set_bits % np.uint64(64))
        )
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
        """Per worker: some experience entry is in ``country`` (the reference's
        ``age_gaps``)."""

        def build() -> Bools:
            pool = self.pool
            code = pool.countries.index(country) if country in pool.countries else -2
            stints = pool.stints.worker[pool.stints.country == code]
            found: Bools = np.bincount(stints, minlength=pool.n_workers) > 0
            return found

        return self.cached(("entered", country), build)

    def prior_stay(self, cap: StayCap) -> Ints:
        """Months per worker counted against a stay cap (as the reference's ``pack_gaps``)."""

        def build() -> Ints:
            stints, pool = self.pool.stints, self.pool
            known = stints.programmes
            programmes = [known.index(p) for p in cap.programmes if p in known]
            countries = [pool.countries.index(c) for c in cap.countries if c in pool.countries]
            counted = np.isin(stints.programme, programmes) | (
                (stints.programme < 0) & np.isin(stints.country, countries)
            )
            months = np.bincount(
                stints.worker[counted],
                weights=stints.months[counted],
                minlength=pool.n_workers,
            )
            return months.astype(np.int64)

        return self.cached(("stay", cap), build)

    def has_experience(self, need: ExperienceRequirement) -> Bools:
        """The reference's ``has_experience`` for every worker."""

        def build() -> Bools:
            stints, pool = self.pool.stints, self.pool
            mask = np.ones(len(stints.worker), np.bool_)
            if need.country is not None:
                code = pool.countries.index(need.country) if need.country in pool.countries else -2
                mask &= stints.country == code
            if need.programme is not None:
                programmes = stints.programmes
                code = programmes.index(need.programme) if need.programme in programmes else -2
                mask &= stints.programme == code
            months = np.bincount(
                stints.worker[mask], weights=stints.months[mask], minlength=pool.n_workers
            )
            return months >= need.min_months

        return self.cached(("experience", need), build)

    def exempt(
        self, screened: ScreenedVacancy, ids: tuple[str, ...], gate: str
    ) -> tuple[tuple[Hashable, ...], Bools]:
        """The reference's ``exempt`` for every worker (certificates valid on the job's day),
        with the key it is cached under (equal keys, equal arrays)."""
        pack, day = screened.pack, day_number(screened.day)
        applicable = [
            e
            for e in pack.exemptions
            if e.id in ids
            and e.experience is not None
            and any(x.gate == gate and x.status == "verified" for x in e.exempts)
        ]
        job = any(r.skill_matches_job for e in applicable for r in e.certificates_any)
        job_bits = job_concept_bits(self, screened) if job else None

        def build() -> Bools:
            certs, n = self.pool.certificates, self.pool.n_workers
            out = np.zeros(n, np.bool_)
            for exemption in applicable:
                assert exemption.experience is not None
                experienced = self.has_experience(exemption.experience)
                if not exemption.certificates_any:
                    out |= experienced
                    continue
                for need in exemption.certificates_any:
                    rows = self._exemption_certificates(exemption.experience, need)
                    ok = (certs.issued[rows] <= day) & (certs.expires[rows] >= day)
                    if need.skill_matches_job:
                        assert job_bits is not None
                        ok &= (certs.concepts[rows] & job_bits).any(axis=1)
                    out[certs.worker[rows[ok]]] = True
            return out

        self._packs[id(pack)] = pack  # keeps the id from being reused while cached
        signature = None if job_bits is None else job_bits.tobytes()
        key = ("exempt", id(pack), ids, gate, day, signature)
        return key, self.cached(key, build)

    def _exemption_certificates(
        self, experience: ExperienceRequirement, need: CertificateRequirement
    ) -> Ints:
        """The pool's certificates of the scheme and name ``need`` asks, held by workers
        with the experience: what an exemption checks whatever the day and the job (kept
        per pool; job orders differ in their days)."""

        def build() -> Ints:
            certs = self.pool.certificates
            rows = np.flatnonzero(self.has_experience(experience)[certs.worker])
            code, names, _ = compile_certificate(self, need)
            if code is not None:
                rows = rows[certs.scheme[rows] == code]
            if names is not None:
                rows = rows[names[certs.name[rows]]]
            return rows

        return self.cached(("exemption certificates", experience, need), build)

    def certificates_within(self, concept: int) -> tuple[Ints, NDArray[Any], NDArray[Any]]:
        """The pool's certificates for ``concept`` or a more specific one: worker (in
        ascending order), issue and expiry day numbers.

        Kept per concept: a job order's dates then select among a concept's few
        certificates instead of matching every certificate's concepts again.
        """

        def build() -> tuple[Ints, NDArray[Any], NDArray[Any]]:
            certs = self.pool.certificates
            wanted = self.bits(self.within[:, concept])
            hit = np.flatnonzero((certs.concepts & wanted).any(axis=1))
            return certs.worker[hit].astype(np.int64), certs.issued[hit], certs.expires[hit]

        return self.cached(("certificates within", concept), build)

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
            step = self.params.step(test)
            out = {}
            for i, (t, result) in enumerate(self.pool.languages.results):
                if t == test and meets_minimum(test, result, minimum):
                    out[i] = (native_rank(test, result) - native_rank(test, minimum)) / step
            return out

        return self.cached(("option", test, type(minimum).__name__, minimum), build)

    def validity(self, test: str, gate: LanguageGate, day: dt.date) -> tuple[int, bool]:
        """(first valid issue day number, whether an undated result is valid) for ``test``.

        The shared rule (:func:`~matcher.taxonomy.language_scale.result_valid`) decides;
        results issued on ``day`` or before are valid from some issue date on, found by
        bisection.
        """

        def build() -> tuple[int, bool]:
            months = gate.validity.get(test)

            def valid(issued: dt.date) -> bool:
                return result_valid(test, issued, day, months)

            undated = result_valid(test, None, day, months)
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

    def experience_totals(
        self, targets: tuple[str, ...], *, now: bool = False
    ) -> tuple[Ints, Ints] | None:
        """Per pool worker: 4 x months weighted by ISCO closeness, and months in the
        targets; None when they are not kept and not worth building yet (the caller sums
        its rows' entries instead).

        Kept for the target sets asked for most (at most :data:`_EXPERIENCE_CACHE`, within
        :data:`_EXPERIENCE_BYTES`: 2 x 8 bytes a worker each;
        :class:`~matcher.scoring.kernel.kept.KeptByUse`); ``now`` builds them whatever the
        counts (a query reading most of the pool).
        """

        def build() -> tuple[Ints, Ints]:
            exp, n = self.pool.experience, self.pool.n_workers
            quarters, exact = self.isco_credit(targets)
            months = exp.months.astype(np.float64)
            weighted = np.bincount(exp.worker, weights=quarters[exp.isco] * months, minlength=n)
            in_targets = np.bincount(exp.worker, weights=exact[exp.isco] * months, minlength=n)
            return weighted.astype(np.int64), in_targets.astype(np.int64)

        return self._kept.experience.get((targets, self._isco_credits), build, now=now)

    def months_listed(self, concepts: NDArray[np.intp]) -> NDArray[np.uint16] | None:
        """Per pool worker, the most months (+ 1) listed for any of ``concepts``; None when
        not kept and not worth building yet (the caller reads its rows' entries).

        A job order's skills ask for the same sets again and again (its concepts and their
        relatives), and a gather from a kept column costs a fraction of reading the rows'
        entries. The sets kept (at most :data:`_MONTHS_KEPT`, within :data:`_MONTHS_BYTES`)
        are those asked for most (:class:`~matcher.scoring.kernel.kept.KeptByUse`).
        """
        listed = self.pool.skills.listed

        def build() -> NDArray[np.uint16]:
            return range_max(listed, listed.months, 0, self.pool.n_workers, concepts)

        return self._kept.months.get(concepts.tobytes(), build)

    def isco_credit(self, targets: tuple[str, ...]) -> tuple[Ints, Bools]:
        """Per pool ISCO code: 4 x closeness credit, and whether it is a target."""

        def build() -> tuple[Ints, Bools]:
            codes, credit = self.pool.experience.isco_codes, self.params.isco_credit
            quarters = np.array(
                [
                    int(4 * max((credit.get(isco_relation(c, t), 0.0) for t in targets),
                                default=0.0))
                    for c in codes
                ],
                np.int64,
            )  # fmt: skip
            return quarters, np.array([c in targets for c in codes], np.bool_)

        return self.cached(("isco", targets), build)


def kept_columns(n_workers: int) -> KeptColumns:
    """Room for the pool-wide columns of ``n_workers`` rows (:class:`Context`): at most
    :data:`_MONTHS_KEPT` month columns within :data:`_MONTHS_BYTES` and
    :data:`_EXPERIENCE_CACHE` experience sets within :data:`_EXPERIENCE_BYTES`.

    Parameters
    ----------
    n_workers : int
        Rows of the encoded pool the columns are for.

    Returns
    -------
    KeptColumns
        Empty, to pass to every :class:`~matcher.scoring.kernel.PoolScorer` over those rows.
    """
    return KeptColumns(
        KeptByUse(_room(_MONTHS_KEPT, _MONTHS_BYTES, 2 * n_workers)),
        KeptByUse(_room(_EXPERIENCE_CACHE, _EXPERIENCE_BYTES, 16 * n_workers)),
    )


def _room(most: int, budget: int, each: int) -> int:
    """How many columns of ``each`` bytes to keep: at most ``most``, within ``budget``."""
    return min(most, budget // max(each, 1))


# -------------------------------------------------------------------------------- plan


def compile_certificate(
    ctx: Context, need: CertificateRequirement
) -> tuple[int | None, Bools | None, bool]:
    schemes = ctx.pool.certificates.schemes
    scheme = None
    if need.scheme is not None:
        scheme = schemes.index(need.scheme) if need.scheme in schemes else -2
    names = ctx.name_match(need.name_contains_any) if need.name_contains_any else None
    return scheme, names, need.skill_matches_job


def job_concept_bits(ctx: Context, screened: ScreenedVacancy) -> NDArray[np.uint64]:
    """Concepts a skills test may name to count for the job (the reference's
    ``_matches_job``)."""
    job = tuple(ctx.index[c] for need in screened.skills for c in need.concepts)
    isco = screened.vacancy.isco

    def build() -> NDArray[np.uint64]:
        columns = list(job)
        hit = np.asarray(
            ctx.within[:, columns].any(axis=1) | ctx.within[columns, :].any(axis=0), np.bool_
        )
        if isco is not None:
            hit |= ctx.cached(
                ("isco concepts", isco),
                lambda: np.array([isco in codes for codes in ctx.concept_isco], np.bool_),
            )
        return ctx.bits(hit)

    # Job orders of one trade name the same concepts: the words are built once per pool.
    return ctx.cached(("job concept bits", job, isco), build)
