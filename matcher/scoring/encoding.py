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

Every column is declared once, on its table below (:mod:`matcher.scoring.columns`): what
it reads from the facts, its type, the code table it indexes. :func:`encode_pool` fills
the tables and :func:`concat_pools` joins pools from those declarations alone; a new
column is one line here.

Dates are day numbers (days since 1970-01-01, ``int32``); an unknown issue date is
:data:`NO_START` and an unknown expiry :data:`NO_END`, so "issued on or before, expiring on
or after ``day``" is two comparisons.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Ints
from matcher.scoring import columns as col
from matcher.scoring.columns import Codes, Postings, fill, join, rank_ids
from matcher.scoring.facts import CertificateFact, LanguageFact, WorkerFacts
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
    "Stints",
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
# Months are stored + 1 in uint16 (0 = concept not held); job orders ask at most 1200.
_MAX_STORED_MONTHS = int(np.iinfo(np.uint16).max) - 1
_EDUCATION_CODE = {level: i for i, level in enumerate(EDUCATION_LEVELS)}


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the day-number scale of every encoded date)."""
    return day.toordinal() - _EPOCH


def _day(value: dt.date | None, default: int) -> int:
    return default if value is None else day_number(value)


def _tristate(value: bool | None) -> int:
    return -1 if value is None else int(value)


def _result_key(result: tuple[str, str | int | float]) -> tuple[str, str, str | int | float]:
    # 4 == 4.0, but a TOEFL-iBT legacy score 4 is not the band 4.0: keep the types apart.
    test, value = result
    return test, type(value).__name__, value


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

    months: NDArray[np.uint16] = col.built(axis=1)
    level: NDArray[np.uint8] = col.built(axis=1)
    held: Postings = col.postings()
    certified: Postings = col.postings()


@dataclass(frozen=True, eq=False)
class Certificates:
    """Certificates, one entry each, sorted by worker.

    ``concepts`` has shape ``(n_entries, n_words)``: bit ``c`` (word ``c // 64``) is set
    when the certificate names concept ``c``.
    """

    ptr: Ints = col.ptr()
    worker: NDArray[np.int32] = col.worker()
    scheme: NDArray[np.int16] = col.entry(np.int16, attrgetter("scheme"), codes="schemes")
    issued: NDArray[np.int32] = col.entry(np.int32, lambda c: _day(c.issued, NO_START))
    expires: NDArray[np.int32] = col.entry(np.int32, lambda c: _day(c.expires, NO_END))
    name: NDArray[np.int32] = col.entry(np.int32, attrgetter("name"), codes="names")
    concepts: NDArray[np.uint64] = col.built()
    schemes: tuple[str, ...] = col.code_table("schemes")
    names: tuple[str, ...] = col.code_table("names")


@dataclass(frozen=True, eq=False)
class Languages:
    """Language results, one entry each, sorted by worker.

    ``result`` indexes ``results`` (the pool's distinct ``(test, result)`` pairs); ``date``
    is :data:`NO_START` when unknown; ``cefr`` is the CEFR rank 1-6 (0: none);
    ``language`` indexes ``languages`` (-1: none).
    """

    ptr: Ints = col.ptr()
    worker: NDArray[np.int32] = col.worker()
    test: NDArray[np.int16] = col.entry(np.int16, attrgetter("test"), codes="tests")
    result: NDArray[np.int32] = col.entry(
        np.int32, lambda r: _result_key((r.test, r.result)), codes="results"
    )
    date: NDArray[np.int32] = col.entry(np.int32, lambda r: _day(r.date, NO_START))
    cefr: NDArray[np.int8] = col.entry(
        np.int8, lambda r: 0 if r.cefr is None else cefr_rank(r.cefr)
    )
    language: NDArray[np.int16] = col.entry(
        np.int16, attrgetter("language"), codes="languages"
    )
    tests: tuple[str, ...] = col.code_table("tests")
    results: tuple[tuple[str, str | int | float], ...] = col.code_table(
        "results", key=_result_key, value=lambda key: (key[0], key[2])
    )
    languages: tuple[str, ...] = col.code_table("languages")


@dataclass(frozen=True, eq=False)
class Experience:
    """Experience in ISCO-08 unit groups (the only entries that count for the experience
    gate and score), sorted by worker; ``isco`` indexes ``isco_codes``."""

    ptr: Ints = col.ptr()
    worker: NDArray[np.int32] = col.worker()
    isco: NDArray[np.int16] = col.entry(np.int16, attrgetter("isco"), codes="isco_codes")
    months: NDArray[np.int32] = col.entry(np.int32, attrgetter("months"))
    isco_codes: tuple[str, ...] = col.code_table("isco_codes")


@dataclass(frozen=True, eq=False)
class Stints:
    """Every experience entry, for stay caps and programme experience: ``programme``
    indexes ``programmes`` and ``country`` the pool's ``countries`` (-1: none)."""

    worker: NDArray[np.int32] = col.worker()
    programme: NDArray[np.int16] = col.entry(
        np.int16, attrgetter("programme"), codes="programmes"
    )
    country: NDArray[np.int16] = col.entry(np.int16, attrgetter("country"), codes="countries")
    months: NDArray[np.int64] = col.entry(np.int64, attrgetter("months"))
    programmes: tuple[str, ...] = col.code_table("programmes")


@dataclass(frozen=True, eq=False)
class Preferences:
    """Preferred countries (entries sorted by worker) and the minimum monthly wage.

    ``wage_min`` is NaN and ``wage_currency`` -1 when the worker states none.
    """

    ptr: Ints = col.ptr()
    worker: NDArray[np.int32] = col.worker()
    country: NDArray[np.int16] = col.entry(np.int16, lambda country: country, codes="countries")
    any_country: Bools = col.per_worker(np.bool_, lambda f: bool(f.preferred_countries))
    wage_min: NDArray[np.float64] = col.per_worker(
        np.float64, lambda f: math.nan if f.min_monthly_wage is None else f.min_monthly_wage[0]
    )
    wage_currency: NDArray[np.int16] = col.per_worker(
        np.int16,
        lambda f: None if f.min_monthly_wage is None else f.min_monthly_wage[1],
        codes="currencies",
    )
    currencies: tuple[str, ...] = col.code_table("currencies")


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
    skills, certificates, languages, experience, stints, preferences
        The tables above.
    countries : tuple[str, ...]
        Country codes that preference and stint entries index.
    """

    ids: tuple[str, ...] = col.ids()
    id_rank: Ints = col.id_rank()
    concepts: tuple[str, ...] = col.shared()
    as_of: dt.date = col.shared()
    age: NDArray[np.int16] = col.built()
    birth_year: NDArray[np.int16] = col.per_worker(np.int16, lambda f: f.birth_date.year)
    birth_monthday: NDArray[np.int16] = col.per_worker(
        np.int16, lambda f: 100 * f.birth_date.month + f.birth_date.day
    )
    education: NDArray[np.int8] = col.per_worker(
        np.int8, lambda f: -1 if f.education is None else _EDUCATION_CODE[f.education]
    )
    fit_to_work: NDArray[np.int8] = col.per_worker(np.int8, lambda f: _tristate(f.fit_to_work))
    colour_vision_normal: NDArray[np.int8] = col.per_worker(
        np.int8, lambda f: _tristate(f.colour_vision_normal)
    )
    passport_expires: NDArray[np.int32] = col.per_worker(
        np.int32, lambda f: _day(f.passport_expires, NO_END)
    )
    skills: Skills = col.nested()
    certificates: Certificates = col.nested()
    languages: Languages = col.nested()
    experience: Experience = col.nested()
    stints: Stints = col.nested()
    preferences: Preferences = col.nested()
    countries: tuple[str, ...] = col.code_table("countries")

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


@dataclass(frozen=True, eq=False)
class _SkillClaims:
    """The skills workers list, one entry each (the encoder's own table)."""

    ptr: Ints = col.ptr()
    worker: NDArray[np.int32] = col.worker()
    concept: NDArray[np.int64] = col.entry(np.int64, attrgetter("concept"), codes="concepts")
    months: NDArray[np.uint16] = col.entry(
        np.uint16, lambda s: min(s.months, _MAX_STORED_MONTHS) + 1
    )
    level: NDArray[np.uint8] = col.entry(np.uint8, lambda s: s.level or 0)


def _postings(keys: Ints, workers: Ints, n_keys: int) -> Postings:
    width = int(workers.max(initial=0)) + 1
    key, worker = np.divmod(np.unique(keys * width + workers), width)
    ptr = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(key, minlength=n_keys), out=ptr[1:])
    return Postings(ptr, worker.astype(np.int32))


def _with_ancestors(concepts: Ints, workers: Ints, lineage: Ints) -> tuple[Ints, Ints]:
    """(concept, worker) pairs -> pairs for the concept and each of its ancestors."""
    chains = lineage[concepts]  # (n, depth + 1), -1 padded
    keep = chains >= 0
    return chains[keep], np.broadcast_to(workers[:, None], chains.shape)[keep]


def _lineage(taxonomy: SkillTaxonomy, index: dict[str, int]) -> Ints:
    chains = [[index[c], *(index[a] for a in taxonomy.ancestors(c))] for c in index]
    depth = max((len(c) for c in chains), default=1)
    table = np.full((len(chains), depth), -1, np.int64)
    for row, chain in enumerate(chains):
        table[row, : len(chain)] = chain
    return table


def _certificate_concepts(
    facts: Sequence[WorkerFacts], index: dict[str, int], n_words: int
) -> tuple[NDArray[np.uint64], Ints, Ints]:
    """Per certificate, its concepts as bits; and the (concept, worker) pairs."""
    rows, concepts, workers = [], [], []
    row = 0
    for i, fact in enumerate(facts):
        for cert in fact.certificates:
            for concept in cert.concepts:
                rows.append(row)
                concepts.append(index[concept])
                workers.append(i)
            row += 1
    words = np.zeros((row, n_words), np.uint64)
    code = np.asarray(concepts, np.int64)
    bits = np.left_shift(np.uint64(1), (code % 64).astype(np.uint64))
    np.bitwise_or.at(words, (np.asarray(rows, np.int64), code // 64), bits)
    return words, code, np.asarray(workers, np.int64)


def encode_pool(
    facts: Sequence[WorkerFacts], taxonomy: SkillTaxonomy, as_of: dt.date
) -> EncodedPool:
    """Encode worker facts into column arrays (one pass over the pool per table).

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
    codes: dict[str, Codes] = {"concepts": _Fixed(index)}
    claims = fill(_SkillClaims, facts, codes, entries=attrgetter("skills"))
    claimed = claims.concept, claims.worker.astype(np.int64)
    months = np.zeros((len(concepts), n), np.uint16)
    level = np.zeros((len(concepts), n), np.uint8)
    np.maximum.at(months, claimed, claims.months)
    np.maximum.at(level, claimed, claims.level)
    words, cert_concepts, cert_workers = _certificate_concepts(
        facts, index, max(1, -(-len(concepts) // 64))
    )
    lineage = _lineage(taxonomy, index)
    skills = Skills(
        months,
        level,
        _postings(*_with_ancestors(*claimed, lineage), len(concepts)),
        _postings(*_with_ancestors(cert_concepts, cert_workers, lineage), len(concepts)),
    )

    def unit_groups(fact: WorkerFacts) -> list[Any]:
        return [e for e in fact.experience if e.isco is not None and is_unit_group(e.isco)]

    tables = {
        "skills": skills,
        "certificates": fill(
            Certificates, facts, codes, entries=_certificates, values={"concepts": words}
        ),
        "languages": fill(Languages, facts, codes, entries=_languages),
        "experience": fill(Experience, facts, codes, entries=unit_groups),
        "stints": fill(Stints, facts, codes, entries=attrgetter("experience")),
        "preferences": fill(Preferences, facts, codes, entries=attrgetter("preferred_countries")),
    }
    ids = tuple(f.id for f in facts)
    return fill(
        EncodedPool,
        facts,
        codes,
        values={
            "ids": ids,
            "id_rank": rank_ids(ids),
            "concepts": concepts,
            "as_of": as_of,
            "age": lambda done: ages_on(done["birth_year"], done["birth_monthday"], as_of),
            **tables,
        },
    )


def _certificates(fact: WorkerFacts) -> tuple[CertificateFact, ...]:
    return fact.certificates


def _languages(fact: WorkerFacts) -> tuple[LanguageFact, ...]:
    return fact.languages


class _Fixed(Codes):
    """A code table fixed in advance (the taxonomy's concepts): unknown keys are errors."""

    def __init__(self, index: dict[str, int]) -> None:
        super().__init__()
        self.index.update((key, code) for key, code in index.items())

    def code(self, key: Any) -> int:
        return self.index[key]


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
    """Completed months on ``day`` (as :func:`matcher.dates.months_of_age_on`), int32,
    for the birth arrays :func:`ages_on` takes."""
    month, birth_day = np.divmod(birth_monthday.astype(np.int32), 100)
    months = 12 * (day.year - birth_year.astype(np.int32)) + day.month - month
    return (months - (day.day < birth_day)).astype(np.int32)


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
    return join(EncodedPool, pools)
