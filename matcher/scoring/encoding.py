"""Encode a pool of worker facts into column arrays, once per run.

The kernel (:mod:`matcher.scoring.kernel`) never touches a
:class:`~matcher.scoring.facts.WorkerFacts`: everything it reads about a worker is here,
as numpy arrays indexed by the worker's position in the pool. Variable-length lists
(certificates, language results, experience, preferred countries) are flat entry tables
sorted by worker, with CSR pointers (``ptr``, shape ``(n_workers + 1,)``: the entries of
worker ``i`` are ``ptr[i]:ptr[i + 1]``). Skills are dense and concept-major
(``(n_concepts, n_workers)``), so the column of one concept is contiguous; an inverted
index (concept -> workers holding it or a more specific concept) lets a job order skip
workers that cannot pass its skill gate.

Dates are day numbers (days since 1970-01-01, ``int32``); an unknown issue date is
:data:`NO_START` and an unknown expiry :data:`NO_END`, so "issued on or before, expiring on
or after ``day``" is two comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.scoring.facts import WorkerFacts
from matcher.taxonomy.isco import is_unit_group
from matcher.taxonomy.language_scale import cefr_rank
from matcher.taxonomy.skills import SkillTaxonomy
from models.worker import EDUCATION_LEVELS

__all__ = [
    "NO_END",
    "NO_START",
    "Certificates",
    "EncodedPool",
    "Experience",
    "Languages",
    "Postings",
    "Preferences",
    "Skills",
    "ages_on",
    "concat_pools",
    "day_number",
    "encode_pool",
    "months_of_age_on",
]

NO_START = int(np.iinfo(np.int32).min)
"""Day number of an unknown issue date (before every day)."""
NO_END = int(np.iinfo(np.int32).max)
"""Day number of an unknown expiry date (after every day)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()
_G = TypeVar("_G", bound=np.generic)
# Months are stored + 1 in uint16 (0 = concept not held); job orders ask at most 1200.
_MAX_STORED_MONTHS = int(np.iinfo(np.uint16).max) - 1


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the day-number scale of every encoded date)."""
    return day.toordinal() - _EPOCH


@dataclass(frozen=True, eq=False)
class Postings:
    """An inverted index: the sorted worker indices of key ``k`` are
    ``workers[ptr[k]:ptr[k + 1]]``."""

    ptr: NDArray[np.int64]
    workers: NDArray[np.int32]

    def of(self, key: int) -> NDArray[np.int32]:
        """Sorted worker indices of ``key``."""
        return self.workers[self.ptr[key] : self.ptr[key + 1]]


@dataclass(frozen=True, eq=False)
class Skills:
    """Claimed skills, dense and concept-major.

    Attributes
    ----------
    months : ndarray of uint16, shape (n_concepts, n_workers)
        0 when the worker does not list the concept, else the most months listed + 1.
    level : ndarray of uint8, shape (n_concepts, n_workers)
        Highest stated level (0: none stated or not listed).
    held : Postings
        Concept -> workers listing it or a more specific concept.
    certified : Postings
        Concept -> workers with a certificate (valid or not) for it or a more specific one.
    """

    months: NDArray[np.uint16]
    level: NDArray[np.uint8]
    held: Postings
    certified: Postings


@dataclass(frozen=True, eq=False)
class Certificates:
    """Certificates, one entry each, sorted by worker.

    ``concepts`` has shape ``(n_entries, n_words)``: bit ``c`` (word ``c // 64``) is set
    when the certificate names concept ``c``.
    """

    ptr: NDArray[np.int64]
    worker: NDArray[np.int32]
    scheme: NDArray[np.int16]
    issued: NDArray[np.int32]
    expires: NDArray[np.int32]
    name: NDArray[np.int32]
    concepts: NDArray[np.uint64]
    schemes: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Languages:
    """Language results, one entry each, sorted by worker.

    ``result`` indexes ``results`` (the pool's distinct ``(test, result)`` pairs); ``date``
    is :data:`NO_START` when unknown; ``cefr`` is the CEFR rank 1-6 (0: none);
    ``language`` indexes ``languages`` (-1: none).
    """

    ptr: NDArray[np.int64]
    worker: NDArray[np.int32]
    test: NDArray[np.int16]
    result: NDArray[np.int32]
    date: NDArray[np.int32]
    cefr: NDArray[np.int8]
    language: NDArray[np.int16]
    tests: tuple[str, ...]
    results: tuple[tuple[str, str | int | float], ...]
    languages: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Experience:
    """Work experience.

    ``ptr``/``worker``/``isco``/``months``: entries in ISCO-08 unit groups (the only ones
    that count for the experience gate and score), ``isco`` indexing ``isco_codes``.
    ``stint_*``: every entry (for stay caps and programme experience), unsorted by key,
    ``stint_programme`` indexing ``programmes`` and ``stint_country`` indexing the pool's
    ``countries`` (-1: none).
    """

    ptr: NDArray[np.int64]
    worker: NDArray[np.int32]
    isco: NDArray[np.int16]
    months: NDArray[np.int32]
    isco_codes: tuple[str, ...]
    stint_worker: NDArray[np.int32]
    stint_programme: NDArray[np.int16]
    stint_country: NDArray[np.int16]
    stint_months: NDArray[np.int64]
    programmes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Preferences:
    """Preferred countries (entries sorted by worker) and the minimum monthly wage.

    ``wage_min`` is NaN and ``wage_currency`` -1 when the worker states none.
    """

    ptr: NDArray[np.int64]
    worker: NDArray[np.int32]
    country: NDArray[np.int16]
    any_country: NDArray[np.bool_]
    wage_min: NDArray[np.float64]
    wage_currency: NDArray[np.int16]
    currencies: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class EncodedPool:
    """A pool of workers as column arrays (see the module docstring).

    Attributes
    ----------
    ids : tuple[str, ...]
        Worker ids, in pool order.
    id_rank : ndarray of int64, shape (n_workers,)
        Position of each id in ascending (code point) order: the final tie-break.
    concepts : tuple[str, ...]
        Concept ids in the order of the skill arrays' first axis.
    as_of : datetime.date
        The evaluation date the pool was encoded for.
    age : ndarray of int16, shape (n_workers,)
        Age in completed years on ``as_of``.
    birth_year, birth_monthday : ndarray of int16, shape (n_workers,)
        Birth year and ``100 * month + day`` (ages are computed on any day from these).
    education : ndarray of int8, shape (n_workers,)
        Index into :data:`models.worker.EDUCATION_LEVELS`, -1 when not given.
    fit_to_work, colour_vision_normal : ndarray of int8, shape (n_workers,)
        -1 unknown, 0 false, 1 true.
    passport_expires : ndarray of int32, shape (n_workers,)
        Day number, :data:`NO_END` when unknown.
    countries : tuple[str, ...]
        Country codes that preference and experience entries index.
    """

    ids: tuple[str, ...]
    id_rank: NDArray[np.int64]
    concepts: tuple[str, ...]
    as_of: dt.date
    age: NDArray[np.int16]
    birth_year: NDArray[np.int16]
    birth_monthday: NDArray[np.int16]
    education: NDArray[np.int8]
    fit_to_work: NDArray[np.int8]
    colour_vision_normal: NDArray[np.int8]
    passport_expires: NDArray[np.int32]
    skills: Skills
    certificates: Certificates
    languages: Languages
    experience: Experience
    preferences: Preferences
    countries: tuple[str, ...]

    @property
    def n_workers(self) -> int:
        """Number of workers."""
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """Bytes held by the pool's arrays (ids and lookup tuples not counted)."""
        return _nbytes(self)


def _nbytes(obj: object) -> int:
    total = 0
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            total += value.nbytes
        elif hasattr(value, "__dataclass_fields__"):
            total += _nbytes(value)
    return total


class _Codes:
    """Strings -> small integer codes, in order of first appearance."""

    def __init__(self, initial: Sequence[str] = ()) -> None:
        self.index: dict[str, int] = {}
        for value in initial:
            self.code(value)

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.index)
        return found

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self.index)


def _ptr(worker: list[int], n_workers: int) -> NDArray[np.int64]:
    ptr = np.zeros(n_workers + 1, np.int64)
    np.cumsum(np.bincount(np.asarray(worker, np.int64), minlength=n_workers), out=ptr[1:])
    return ptr


def _postings(keys: NDArray[np.int64], workers: NDArray[np.int64], n_keys: int) -> Postings:
    width = int(workers.max(initial=0)) + 1
    key, worker = np.divmod(np.unique(keys * width + workers), width)
    ptr = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(key, minlength=n_keys), out=ptr[1:])
    return Postings(ptr, worker.astype(np.int32))


def _with_ancestors(
    concepts: NDArray[np.int64], workers: NDArray[np.int64], lineage: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(concept, worker) pairs -> pairs for the concept and each of its ancestors."""
    chains = lineage[concepts]  # (n, depth + 1), -1 padded
    keep = chains >= 0
    return chains[keep], np.broadcast_to(workers[:, None], chains.shape)[keep]


def _lineage(taxonomy: SkillTaxonomy, index: dict[str, int]) -> NDArray[np.int64]:
    chains = [[index[c], *(index[a] for a in taxonomy.ancestors(c))] for c in index]
    depth = max((len(c) for c in chains), default=1)
    table = np.full((len(chains), depth), -1, np.int64)
    for row, chain in enumerate(chains):
        table[row, : len(chain)] = chain
    return table


def _day(value: dt.date | None, default: int) -> int:
    return default if value is None else day_number(value)


def encode_pool(
    facts: Sequence[WorkerFacts], taxonomy: SkillTaxonomy, as_of: dt.date
) -> EncodedPool:
    """Encode worker facts into column arrays (one pass over the pool).

    Parameters
    ----------
    facts : Sequence[WorkerFacts]
        The pool, read once with :func:`matcher.scoring.facts.worker_facts`.
    taxonomy : SkillTaxonomy
        The taxonomy the skill concepts belong to (fixes the concept axis).
    as_of : datetime.date
        The run's evaluation date: ages on it are computed once (age gates use it).

    Returns
    -------
    EncodedPool

    Raises
    ------
    KeyError
        If a fact names a concept that is not in ``taxonomy``.
    """
    n = len(facts)
    concepts = tuple(taxonomy.concepts)
    index = {c: i for i, c in enumerate(concepts)}
    n_words = max(1, -(-len(concepts) // 64))
    countries, programmes, currencies = _Codes(), _Codes(), _Codes()
    schemes, names, isco_codes, languages_seen = _Codes(), _Codes(), _Codes(), _Codes()
    tests = _Codes()
    results: dict[tuple[str, str, str | int | float], int] = {}

    birth = np.zeros((n, 2), np.int16)
    education = np.full(n, -1, np.int8)
    education_code: dict[str, int] = {level: i for i, level in enumerate(EDUCATION_LEVELS)}
    health = np.full((n, 2), -1, np.int8)
    passport = np.full(n, NO_END, np.int32)
    wage_min = np.full(n, np.nan)
    wage_ccy = np.full(n, -1, np.int16)
    any_country = np.zeros(n, np.bool_)
    sk_w: list[int] = []
    sk_c: list[int] = []
    sk_m: list[int] = []
    sk_l: list[int] = []
    ce_w: list[int] = []
    ce_s: list[int] = []
    ce_i: list[int] = []
    ce_e: list[int] = []
    ce_n: list[int] = []
    ce_bits: list[int] = []
    ce_pairs_c: list[int] = []
    ce_pairs_w: list[int] = []
    la_w: list[int] = []
    la_t: list[int] = []
    la_r: list[int] = []
    la_d: list[int] = []
    la_c: list[int] = []
    la_l: list[int] = []
    ex_w: list[int] = []
    ex_i: list[int] = []
    ex_m: list[int] = []
    st_w: list[int] = []
    st_p: list[int] = []
    st_c: list[int] = []
    st_m: list[int] = []
    pr_w: list[int] = []
    pr_c: list[int] = []
    for i, fact in enumerate(facts):
        birth[i] = fact.birth_date.year, 100 * fact.birth_date.month + fact.birth_date.day
        if fact.education is not None:
            education[i] = education_code[fact.education]
        health[i] = [
            -1 if v is None else int(v) for v in (fact.fit_to_work, fact.colour_vision_normal)
        ]
        passport[i] = _day(fact.passport_expires, NO_END)
        if fact.min_monthly_wage is not None:
            wage_min[i] = fact.min_monthly_wage[0]
            wage_ccy[i] = currencies.code(fact.min_monthly_wage[1])
        for skill in fact.skills:
            sk_w.append(i)
            sk_c.append(index[skill.concept])
            sk_m.append(min(skill.months, _MAX_STORED_MONTHS) + 1)
            sk_l.append(skill.level or 0)
        for cert in fact.certificates:
            bits = 0
            for concept in cert.concepts:
                bits |= 1 << index[concept]
                ce_pairs_c.append(index[concept])
                ce_pairs_w.append(i)
            ce_w.append(i)
            ce_s.append(schemes.code(cert.scheme))
            ce_i.append(_day(cert.issued, NO_START))
            ce_e.append(_day(cert.expires, NO_END))
            ce_n.append(names.code(cert.name))
            ce_bits.append(bits)
        for lang in fact.languages:
            key = (lang.test, type(lang.result).__name__, lang.result)
            la_w.append(i)
            la_t.append(tests.code(lang.test))
            la_r.append(results.setdefault(key, len(results)))
            la_d.append(_day(lang.date, NO_START))
            la_c.append(0 if lang.cefr is None else cefr_rank(lang.cefr))
            la_l.append(languages_seen.code(lang.language))
        for stint in fact.experience:
            if stint.isco is not None and is_unit_group(stint.isco):
                ex_w.append(i)
                ex_i.append(isco_codes.code(stint.isco))
                ex_m.append(stint.months)
            st_w.append(i)
            st_p.append(programmes.code(stint.programme))
            st_c.append(countries.code(stint.country))
            st_m.append(stint.months)
        any_country[i] = bool(fact.preferred_countries)
        for country in fact.preferred_countries:
            pr_w.append(i)
            pr_c.append(countries.code(country))

    n_concepts = len(concepts)
    months = np.zeros((n_concepts, n), np.uint16)
    level = np.zeros((n_concepts, n), np.uint8)
    skill_c = np.asarray(sk_c, np.int64)
    skill_w = np.asarray(sk_w, np.int64)
    np.maximum.at(months, (skill_c, skill_w), np.asarray(sk_m, np.uint16))
    np.maximum.at(level, (skill_c, skill_w), np.asarray(sk_l, np.uint8))
    lineage = _lineage(taxonomy, index)
    held = _postings(*_with_ancestors(skill_c, skill_w, lineage), n_concepts)
    certified = _postings(
        *_with_ancestors(
            np.asarray(ce_pairs_c, np.int64), np.asarray(ce_pairs_w, np.int64), lineage
        ),
        n_concepts,
    )
    words = np.zeros((len(ce_bits), n_words), np.uint64)
    for row, bits in enumerate(ce_bits):
        for word in range(n_words):
            words[row, word] = (bits >> (64 * word)) & 0xFFFFFFFFFFFFFFFF

    ids = tuple(f.id for f in facts)
    return EncodedPool(
        ids=ids,
        id_rank=_id_rank(ids),
        concepts=concepts,
        as_of=as_of,
        age=ages_on(birth[:, 0], birth[:, 1], as_of),
        birth_year=birth[:, 0].copy(),
        birth_monthday=birth[:, 1].copy(),
        education=education,
        fit_to_work=health[:, 0].copy(),
        colour_vision_normal=health[:, 1].copy(),
        passport_expires=passport,
        skills=Skills(months, level, held, certified),
        certificates=Certificates(
            ptr=_ptr(ce_w, n),
            worker=np.asarray(ce_w, np.int32),
            scheme=np.asarray(ce_s, np.int16),
            issued=np.asarray(ce_i, np.int32),
            expires=np.asarray(ce_e, np.int32),
            name=np.asarray(ce_n, np.int32),
            concepts=words,
            schemes=schemes.values,
            names=names.values,
        ),
        languages=Languages(
            ptr=_ptr(la_w, n),
            worker=np.asarray(la_w, np.int32),
            test=np.asarray(la_t, np.int16),
            result=np.asarray(la_r, np.int32),
            date=np.asarray(la_d, np.int32),
            cefr=np.asarray(la_c, np.int8),
            language=np.asarray(la_l, np.int16),
            tests=tests.values,
            results=tuple((test, result) for test, _, result in results),
            languages=languages_seen.values,
        ),
        experience=Experience(
            ptr=_ptr(ex_w, n),
            worker=np.asarray(ex_w, np.int32),
            isco=np.asarray(ex_i, np.int16),
            months=np.asarray(ex_m, np.int32),
            isco_codes=isco_codes.values,
            stint_worker=np.asarray(st_w, np.int32),
            stint_programme=np.asarray(st_p, np.int16),
            stint_country=np.asarray(st_c, np.int16),
            stint_months=np.asarray(st_m, np.int64),
            programmes=programmes.values,
        ),
        preferences=Preferences(
            ptr=_ptr(pr_w, n),
            worker=np.asarray(pr_w, np.int32),
            country=np.asarray(pr_c, np.int16),
            any_country=any_country,
            wage_min=wage_min,
            wage_currency=wage_ccy,
            currencies=currencies.values,
        ),
        countries=countries.values,
    )


def ages_on(
    birth_year: NDArray[np.int16], birth_monthday: NDArray[np.int16], day: dt.date
) -> NDArray[np.int16]:
    """Completed years on ``day`` (as :func:`matcher.dates.age_on`), for arrays of births.

    Parameters
    ----------
    birth_year, birth_monthday : ndarray of int16, shape (n_workers,)
        Birth year and ``100 * month + day``.
    day : datetime.date

    Returns
    -------
    ndarray of int16, shape (n_workers,)
    """
    before_birthday = (100 * day.month + day.day) < birth_monthday
    return (day.year - birth_year - before_birthday).astype(np.int16)


def months_of_age_on(
    birth_year: NDArray[np.int16], birth_monthday: NDArray[np.int16], day: dt.date
) -> NDArray[np.int32]:
    """Completed months on ``day`` (as :func:`matcher.dates.months_of_age_on`), for arrays.

    Parameters
    ----------
    birth_year, birth_monthday : ndarray of int16, shape (n_workers,)
        Birth year and ``100 * month + day``.
    day : datetime.date

    Returns
    -------
    ndarray of int32, shape (n_workers,)
    """
    month, birth_day = np.divmod(birth_monthday.astype(np.int32), 100)
    months = 12 * (day.year - birth_year.astype(np.int32)) + day.month - month
    return (months - (day.day < birth_day)).astype(np.int32)


def _id_rank(ids: Sequence[str]) -> NDArray[np.int64]:
    # numpy compares unicode strings by code point, like Python's str.
    order = np.argsort(np.asarray(ids, dtype=str), kind="stable")
    rank = np.empty(len(ids), np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def _merge_codes(
    tables: Sequence[tuple[str, ...]],
) -> tuple[tuple[str, ...], list[NDArray[np.int64]]]:
    """Merge code tables; each lookup maps an old code (or -1, via its last slot) to a new one."""
    merged = _Codes()
    lookups = [np.array([*(merged.code(v) for v in table), -1], np.int64) for table in tables]
    return merged.values, lookups


def _cat(arrays: Sequence[NDArray[_G]], axis: int = 0) -> NDArray[_G]:
    joined: NDArray[_G] = np.concatenate(arrays, axis=axis)
    return joined


def _cat_ptr(ptrs: Sequence[NDArray[np.int64]]) -> NDArray[np.int64]:
    parts = [ptrs[0]]
    for ptr in ptrs[1:]:
        parts.append(ptr[1:] + parts[-1][-1])
    return np.concatenate(parts)


def _cat_postings(postings: Sequence[Postings], offsets: Sequence[int]) -> Postings:
    n_keys = len(postings[0].ptr) - 1
    keys = _cat([np.repeat(np.arange(n_keys), np.diff(p.ptr)) for p in postings])
    workers = _cat([p.workers.astype(np.int64) + o for p, o in zip(postings, offsets, strict=True)])
    order = np.argsort(keys, kind="stable")  # parts come in worker order: stays sorted
    ptr = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n_keys), out=ptr[1:])
    return Postings(ptr, workers[order].astype(np.int32))


def concat_pools(pools: Sequence[EncodedPool]) -> EncodedPool:
    """Join pools encoded separately (e.g. shards encoded in parallel) into one.

    Parameters
    ----------
    pools : Sequence[EncodedPool]
        Pools over the same taxonomy and evaluation date, with distinct worker ids.

    Returns
    -------
    EncodedPool
        The workers of every pool, in order; codes and the id ranking are rebuilt.

    Raises
    ------
    ValueError
        If ``pools`` is empty, or the pools disagree on concepts or ``as_of``.
    """
    if not pools:
        raise ValueError("concat_pools needs at least one pool")
    first = pools[0]
    if any(p.concepts != first.concepts or p.as_of != first.as_of for p in pools):
        raise ValueError("concat_pools: every pool must share the taxonomy and as_of")
    sizes = [p.n_workers for p in pools]
    offsets = [int(o) for o in np.cumsum([0, *sizes[:-1]])]

    def shifted(arrays: Sequence[NDArray[np.int32]]) -> NDArray[np.int32]:
        return _cat([a + o for a, o in zip(arrays, offsets, strict=True)]).astype(np.int32)

    def recode(
        codes: Sequence[NDArray[np.int16]], lookups: list[NDArray[np.int64]]
    ) -> NDArray[np.int16]:
        return _cat([lut[c] for c, lut in zip(codes, lookups, strict=True)]).astype(np.int16)

    countries, country_lut = _merge_codes([p.countries for p in pools])
    certs = [p.certificates for p in pools]
    schemes, scheme_lut = _merge_codes([c.schemes for c in certs])
    names, name_lut = _merge_codes([c.names for c in certs])
    langs = [p.languages for p in pools]
    tests, test_lut = _merge_codes([lang.tests for lang in langs])
    spoken, spoken_lut = _merge_codes([lang.languages for lang in langs])
    result_keys, result_lut = _merge_codes(
        [tuple(repr((t, type(r).__name__, r)) for t, r in lang.results) for lang in langs]
    )
    results_by_key = {
        repr((t, type(r).__name__, r)): (t, r) for lang in langs for t, r in lang.results
    }
    exps = [p.experience for p in pools]
    isco_codes, isco_lut = _merge_codes([e.isco_codes for e in exps])
    programmes, programme_lut = _merge_codes([e.programmes for e in exps])
    prefs = [p.preferences for p in pools]
    currencies, currency_lut = _merge_codes([p.currencies for p in prefs])
    ids = tuple(i for p in pools for i in p.ids)
    return replace(
        first,
        ids=ids,
        id_rank=_id_rank(ids),
        age=_cat([p.age for p in pools]),
        birth_year=_cat([p.birth_year for p in pools]),
        birth_monthday=_cat([p.birth_monthday for p in pools]),
        education=_cat([p.education for p in pools]),
        fit_to_work=_cat([p.fit_to_work for p in pools]),
        colour_vision_normal=_cat([p.colour_vision_normal for p in pools]),
        passport_expires=_cat([p.passport_expires for p in pools]),
        skills=Skills(
            months=_cat([p.skills.months for p in pools], axis=1),
            level=_cat([p.skills.level for p in pools], axis=1),
            held=_cat_postings([p.skills.held for p in pools], offsets),
            certified=_cat_postings([p.skills.certified for p in pools], offsets),
        ),
        certificates=Certificates(
            ptr=_cat_ptr([c.ptr for c in certs]),
            worker=shifted([c.worker for c in certs]),
            scheme=recode([c.scheme for c in certs], scheme_lut),
            issued=_cat([c.issued for c in certs]),
            expires=_cat([c.expires for c in certs]),
            name=_cat([lut[c.name] for c, lut in zip(certs, name_lut, strict=True)]).astype(
                np.int32
            ),
            concepts=_cat([c.concepts for c in certs]),
            schemes=schemes,
            names=names,
        ),
        languages=Languages(
            ptr=_cat_ptr([lang.ptr for lang in langs]),
            worker=shifted([lang.worker for lang in langs]),
            test=recode([lang.test for lang in langs], test_lut),
            result=_cat(
                [lut[lang.result] for lang, lut in zip(langs, result_lut, strict=True)]
            ).astype(np.int32),
            date=_cat([lang.date for lang in langs]),
            cefr=_cat([lang.cefr for lang in langs]),
            language=recode([lang.language for lang in langs], spoken_lut),
            tests=tests,
            results=tuple(results_by_key[k] for k in result_keys),
            languages=spoken,
        ),
        experience=Experience(
            ptr=_cat_ptr([e.ptr for e in exps]),
            worker=shifted([e.worker for e in exps]),
            isco=recode([e.isco for e in exps], isco_lut),
            months=_cat([e.months for e in exps]),
            isco_codes=isco_codes,
            stint_worker=shifted([e.stint_worker for e in exps]),
            stint_programme=recode([e.stint_programme for e in exps], programme_lut),
            stint_country=recode([e.stint_country for e in exps], country_lut),
            stint_months=_cat([e.stint_months for e in exps]),
            programmes=programmes,
        ),
        preferences=Preferences(
            ptr=_cat_ptr([p.ptr for p in prefs]),
            worker=shifted([p.worker for p in prefs]),
            country=recode([p.country for p in prefs], country_lut),
            any_country=_cat([p.any_country for p in prefs]),
            wage_min=_cat([p.wage_min for p in prefs]),
            wage_currency=recode([p.wage_currency for p in prefs], currency_lut),
            currencies=currencies,
        ),
        countries=countries,
    )
