"""Encode a pool of worker facts into column arrays, once per run.

The kernel (:mod:`matcher.scoring.kernel`) never touches a
:class:`~matcher.scoring.facts.WorkerFacts`: everything it reads about a worker is here,
as numpy arrays indexed by the worker's position in the pool. Variable-length lists
(certificates, language results, experience, preferred countries) are flat entry tables
sorted by worker, with CSR pointers (``ptr``, shape ``(n_workers + 1,)``: the entries of
worker ``i`` are ``ptr[i]:ptr[i + 1]``). The skills listed are concept-major
(:class:`~matcher.scoring.columns.Listed`: the entries of one concept are contiguous,
sorted by worker), and an inverted index (concept -> workers holding it or a more
specific concept) lets a job order skip workers that cannot pass its skill gate.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Ints
from matcher.scoring import columns as col
from matcher.scoring.columns import (
    Codes,
    Gathered,
    Listed,
    Postings,
    fill,
    gather,
    gathered_attributes,
    index_pairs,
    join,
    keyed_entries,
    overlay,
    recode_first_seen,
    take,
)
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.publish import id_rank
from matcher.taxonomy.isco import is_unit_group
from matcher.taxonomy.language_scale import cefr_rank
from matcher.taxonomy.skills import SkillTaxonomy
from models.worker import EDUCATION_LEVELS

__all__ = [
    "GATHERED",
    "GATHERED_EXTRA",
    "MAX_STORED_MONTHS",
    "NO_END",
    "NO_START",
    "Certificates",
    "EncodedPool",
    "Experience",
    "Languages",
    "Listed",
    "Postings",
    "Preferences",
    "Skills",
    "Stints",
    "ages_on",
    "concat_pools",
    "day_number",
    "encode_gathered",
    "encode_pool",
    "gathered_names",
    "join_encoded",
    "months_of_age_on",
    "on_day",
    "overlay_pools",
    "select_workers",
]

NO_START = int(np.iinfo(np.int32).min)
"""Day number of an unknown issue date (before every day)."""
NO_END = int(np.iinfo(np.int32).max)
"""Day number of an unknown expiry date (after every day)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()
MAX_STORED_MONTHS = int(np.iinfo(np.uint16).max) - 1
"""Skill months are stored + 1 in uint16 (0: concept not held), capped at this (job
orders ask at most 1200)."""
_EDUCATION_CODE = {level: i for i, level in enumerate(EDUCATION_LEVELS)}
_FILL_ORDER = ("certificates", "languages", "experience", "stints", "preferences", None)
"""The pool's tables with codes in the order :func:`encode_pool` fills them (None: the
pool's own columns, filled last); :func:`join_encoded` numbers codes in this order."""


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the day-number scale of every encoded date)."""
    return day.toordinal() - _EPOCH


# Column conversions: each turns a whole column at once (see matcher.scoring.columns).
# A column of dates may come as an array of numpy days (NaT: unknown), as the Arrow
# columns of a Parquet file give them (matcher.pool.columns_read): converted at once.
Dates = Iterable[dt.date | None] | NDArray[np.datetime64]


def _days(default: int) -> Callable[[Dates], list[int] | Ints]:
    """Dates -> day numbers, ``default`` for an unknown date."""

    def convert(values: Dates) -> list[int] | Ints:
        if isinstance(values, np.ndarray):
            days = values.astype("datetime64[D]")
            return np.where(np.isnat(days), default, days.astype(np.int64))
        return [default if v is None else v.toordinal() - _EPOCH for v in values]

    return convert


def _years(values: Dates) -> list[int] | Ints:
    if isinstance(values, np.ndarray):
        return values.astype("datetime64[Y]").astype(np.int64) + 1970
    return [d.year for d in values]  # type: ignore[union-attr]  # birth dates are known


def _month_days(values: Dates) -> list[int] | Ints:
    """``100 * month + day`` of each date."""
    if isinstance(values, np.ndarray):
        months = values.astype("datetime64[M]")
        month: Ints = (months - values.astype("datetime64[Y]")).astype(np.int64) + 1
        day: Ints = (values.astype("datetime64[D]") - months).astype(np.int64) + 1
        return 100 * month + day
    return [100 * d.month + d.day for d in values]  # type: ignore[union-attr]


def _tristate(values: Iterable[bool | None]) -> list[int]:
    return [-1 if v is None else 1 if v else 0 for v in values]


def _result_key(result: tuple[str, str | int | float]) -> tuple[str, str, str | int | float]:
    # 4 == 4.0, but a TOEFL-iBT legacy score 4 is not the band 4.0: keep the types apart.
    test, value = result
    return test, type(value).__name__, value


def _result_keys(
    values: Iterable[tuple[str, str | int | float]],
) -> Iterator[tuple[str, str, Any]]:
    # A generator: the keys are coded one by one, never held all at once.
    return ((test, type(value).__name__, value) for test, value in values)


def _cefr_ranks(values: Iterable[str | None]) -> list[int]:
    values = list(values)
    rank = {level: cefr_rank(level) for level in set(values) if level is not None}
    return [0 if level is None else rank[level] for level in values]


def _stored_months(values: Iterable[int]) -> Ints:
    return np.minimum(np.fromiter(values, np.int64), MAX_STORED_MONTHS) + 1


@dataclass(frozen=True, eq=False)
class Skills:
    """Claimed skills, concept-major.

    Attributes
    ----------
    listed : Listed
        Concept -> workers listing it, with the most months listed + 1 and the highest
        stated level (0: none stated) of each; a worker who does not list a concept has
        no entry (0 months, level 0).
    held : Postings
        Concept -> workers listing it or a more specific concept.
    certified : Postings
        Concept -> workers with a certificate (valid or not) for it or a more specific one.
    """

    listed: Listed = col.keyed()
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
    scheme: NDArray[np.int16] = col.entry(np.int16, "scheme", codes="schemes")
    issued: NDArray[np.int32] = col.entry(np.int32, "issued", convert=_days(NO_START))
    expires: NDArray[np.int32] = col.entry(np.int32, "expires", convert=_days(NO_END))
    name: NDArray[np.int32] = col.entry(np.int32, "name", codes="names")
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
    test: NDArray[np.int16] = col.entry(np.int16, "test", codes="tests")
    result: NDArray[np.int32] = col.entry(
        np.int32, ("test", "result"), convert=_result_keys, codes="results"
    )
    date: NDArray[np.int32] = col.entry(np.int32, "date", convert=_days(NO_START))
    cefr: NDArray[np.int8] = col.entry(np.int8, "cefr", convert=_cefr_ranks)
    language: NDArray[np.int16] = col.entry(np.int16, "language", codes="languages")
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
    isco: NDArray[np.int16] = col.entry(np.int16, "isco", codes="isco_codes")
    months: NDArray[np.int32] = col.entry(np.int32, "months")
    isco_codes: tuple[str, ...] = col.code_table("isco_codes")


@dataclass(frozen=True, eq=False)
class Stints:
    """Every experience entry, for stay caps and programme experience: ``programme``
    indexes ``programmes`` and ``country`` the pool's ``countries`` (-1: none)."""

    worker: NDArray[np.int32] = col.worker()
    programme: NDArray[np.int16] = col.entry(np.int16, "programme", codes="programmes")
    country: NDArray[np.int16] = col.entry(np.int16, "country", codes="countries")
    months: NDArray[np.int64] = col.entry(np.int64, "months")
    programmes: tuple[str, ...] = col.code_table("programmes")


@dataclass(frozen=True, eq=False)
class Preferences:
    """Preferred countries (entries sorted by worker) and the minimum monthly wage.

    ``wage_min`` is NaN and ``wage_currency`` -1 when the worker states none.
    """

    ptr: Ints = col.ptr()
    worker: NDArray[np.int32] = col.worker()
    country: NDArray[np.int16] = col.entry(np.int16, None, codes="countries")
    any_country: Bools = col.per_worker(
        np.bool_, "preferred_countries", convert=lambda v: [bool(c) for c in v]
    )
    wage_min: NDArray[np.float64] = col.per_worker(
        np.float64,
        "min_monthly_wage",
        convert=lambda v: [math.nan if w is None else w[0] for w in v],
    )
    wage_currency: NDArray[np.int16] = col.per_worker(
        np.int16,
        "min_monthly_wage",
        convert=lambda v: [None if w is None else w[1] for w in v],
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
        Concept ids, by concept index (the keys of the skill tables).
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
    birth_year: NDArray[np.int16] = col.per_worker(np.int16, "birth_date", convert=_years)
    birth_monthday: NDArray[np.int16] = col.per_worker(np.int16, "birth_date", convert=_month_days)
    education: NDArray[np.int8] = col.per_worker(
        np.int8,
        "education",
        convert=lambda v: [-1 if e is None else _EDUCATION_CODE[e] for e in v],
    )
    fit_to_work: NDArray[np.int8] = col.per_worker(np.int8, "fit_to_work", convert=_tristate)
    colour_vision_normal: NDArray[np.int8] = col.per_worker(
        np.int8, "colour_vision_normal", convert=_tristate
    )
    passport_expires: NDArray[np.int32] = col.per_worker(
        np.int32, "passport_expires", convert=_days(NO_END)
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
    concept: NDArray[np.int64] = col.entry(np.int64, "concept", codes="concepts")
    months: NDArray[np.uint16] = col.entry(np.uint16, "months", convert=_stored_months)
    level: NDArray[np.uint8] = col.entry(np.uint8, "level", convert=lambda v: [x or 0 for x in v])


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
    certificates: Gathered, index: dict[str, int], n_words: int
) -> tuple[NDArray[np.uint64], Ints, Ints]:
    """Per certificate, its concepts as bits; and the (concept, worker) pairs."""
    named = certificates.values["concepts"]
    assert certificates.lengths is not None
    owners = np.repeat(np.arange(len(certificates.lengths)), certificates.lengths)
    per_certificate = np.fromiter(map(len, named), np.int64, len(named))
    rows = np.repeat(np.arange(len(named)), per_certificate)
    code = np.fromiter(
        (index[c] for concepts in named for c in concepts), np.int64, int(per_certificate.sum())
    )
    words = np.zeros((len(named), n_words), np.uint64)
    bits = np.left_shift(np.uint64(1), (code % 64).astype(np.uint64))
    np.bitwise_or.at(words, (rows, code // 64), bits)
    return words, code, owners[rows].astype(np.int64)


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
    read = gather(facts, GATHERED, extra=GATHERED_EXTRA)
    return encode_gathered(read, tuple(f.id for f in facts), taxonomy, as_of)


GATHERED: Mapping[str | None, Sequence[type]] = {
    None: [EncodedPool, Preferences],
    "skills": [_SkillClaims],
    "certificates": [Certificates],
    "languages": [Languages],
    "experience": [Stints, Experience],
    "preferred_countries": [Preferences],
}
"""What :func:`encode_pool` gathers from the facts (:func:`matcher.scoring.columns.gather`):
None -> the tables of per-worker columns, an attribute of the facts holding entries -> the
tables of its entries."""
GATHERED_EXTRA: Mapping[str, Sequence[str]] = {"certificates": ["concepts"]}
"""The entries' attributes gathered for the encoder's own code (a certificate's concepts)."""


def gathered_names() -> dict[str | None, list[str]]:
    """The attributes :func:`encode_pool` reads: None -> the facts' own (``birth_date``...),
    an attribute holding entries -> the entries' (``"skills"`` -> ``concept``...); an
    empty list for entries read whole (a preferred country).

    Returns
    -------
    dict
    """
    return gathered_attributes(GATHERED, GATHERED_EXTRA)


def encode_gathered(
    read: Mapping[str | None, Gathered],
    ids: tuple[str, ...],
    taxonomy: SkillTaxonomy,
    as_of: dt.date,
) -> EncodedPool:
    """Encode what was gathered of a pool (the second half of :func:`encode_pool`).

    Parameters
    ----------
    read : Mapping
        What :func:`matcher.scoring.columns.gather` gives for :data:`GATHERED`, or the same
        values read another way (:mod:`matcher.pool.columnar` reads them from Arrow columns).
    ids : tuple of str
        The workers' ids, in pool order.
    taxonomy, as_of
        As for :func:`encode_pool`.

    Returns
    -------
    EncodedPool
    """
    n = len(ids)
    concepts = tuple(taxonomy.concepts)
    index = {c: i for i, c in enumerate(concepts)}
    codes: dict[str, Codes] = {"concepts": _Fixed(index)}
    workers = read[None]
    claims = fill(_SkillClaims, codes, workers, read["skills"])
    claimed = claims.concept, claims.worker.astype(np.int64)
    # A concept listed twice by one worker: its most months and highest level.
    listed = keyed_entries(
        Listed,
        *claimed,
        (len(concepts), n),
        {"months": claims.months, "level": claims.level},
        reduce={"months": np.maximum, "level": np.maximum},
    )
    certificates = read["certificates"]
    words, cert_concepts, cert_workers = _certificate_concepts(
        certificates, index, max(1, -(-len(concepts) // 64))
    )
    lineage = _lineage(taxonomy, index)
    skills = Skills(
        listed,
        index_pairs(*_with_ancestors(*claimed, lineage), len(concepts), n),
        index_pairs(*_with_ancestors(cert_concepts, cert_workers, lineage), len(concepts), n),
    )
    stints = read["experience"]
    unit = {c: is_unit_group(c) for c in set(stints.values["isco"]) if c is not None}
    unit_groups = stints.subset([c is not None and unit[c] for c in stints.values["isco"]])
    filling: dict[str, Callable[[], Any]] = {
        "certificates": lambda: fill(
            Certificates, codes, workers, certificates, values={"concepts": words}
        ),
        "languages": lambda: fill(Languages, codes, workers, read["languages"]),
        "experience": lambda: fill(Experience, codes, workers, unit_groups),
        "stints": lambda: fill(Stints, codes, workers, stints),
        "preferences": lambda: fill(Preferences, codes, workers, read["preferred_countries"]),
    }
    # New codes are numbered as tables are filled: in _FILL_ORDER, which join_encoded follows.
    tables: dict[str, Any] = {"skills": skills}
    tables.update((name, filling[name]()) for name in _FILL_ORDER if name is not None)
    return fill(
        EncodedPool,
        codes,
        workers,
        values={
            "ids": ids,
            "id_rank": id_rank(ids),
            "concepts": concepts,
            "as_of": as_of,
            "age": lambda done: ages_on(done["birth_year"], done["birth_monthday"], as_of),
            **tables,
        },
    )


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


def on_day(pool: EncodedPool, day: dt.date) -> EncodedPool:
    """``pool`` as encoded for the evaluation date ``day`` (only ages depend on it).

    Parameters
    ----------
    pool : EncodedPool
    day : datetime.date

    Returns
    -------
    EncodedPool
        ``pool`` itself when it is already on ``day``.
    """
    if pool.as_of == day:
        return pool
    return replace(pool, as_of=day, age=ages_on(pool.birth_year, pool.birth_monthday, day))


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


def join_encoded(pools: Sequence[EncodedPool]) -> EncodedPool:
    """Parts of one pool encoded apart, joined into what encoding the pool at once gives.

    :func:`concat_pools`, then each code table numbered in the order :func:`encode_pool`
    first meets its keys (:func:`matcher.scoring.columns.recode_first_seen`): the same
    arrays and code tables, so a snapshot built from parts has the same bytes.

    Parameters
    ----------
    pools : Sequence[EncodedPool]
        The pool's consecutive parts, each encoded by :func:`encode_pool` on one date.

    Returns
    -------
    EncodedPool
    """
    return recode_first_seen(concat_pools(pools), _FILL_ORDER)


def select_workers(pool: EncodedPool, rows: Ints) -> EncodedPool:
    """The workers ``rows`` of ``pool`` (repeats allowed), in that order, without encoding
    anything again.

    Parameters
    ----------
    pool : EncodedPool
    rows : ndarray of int64
        Pool indices.

    Returns
    -------
    EncodedPool
        Equal, column by column, to the pool encoded from those workers' facts, except
        that code tables keep codes no selected worker uses.
    """
    return take(EncodedPool, pool, rows)


def overlay_pools(base: EncodedPool, extra: EncodedPool, owner: Ints) -> EncodedPool:
    """``base``'s workers, worker ``i`` also holding the certificates, language results,
    experience and preferred countries of worker ``owner[i]`` of ``extra``, and listed in
    the skill and certificate indices where either is.

    The skills listed (:attr:`Skills.listed`), ids and every per-worker value stay
    ``base``'s: how a skill listed by both combines is the caller's rule.

    Parameters
    ----------
    base, extra : EncodedPool
        Pools over the same taxonomy and evaluation date.
    owner : ndarray of int64, shape (base.n_workers,)
        Index into ``extra`` for each worker of ``base``.

    Returns
    -------
    EncodedPool

    Raises
    ------
    ValueError
        If the pools disagree on concepts or ``as_of``, or ``owner`` has the wrong length.
    """
    if base.concepts != extra.concepts or base.as_of != extra.as_of:
        raise ValueError("overlay_pools: both pools must share the taxonomy and as_of")
    if len(owner) != base.n_workers:
        raise ValueError(f"overlay_pools: owner has {len(owner)} rows, base {base.n_workers}")
    return overlay(EncodedPool, base, extra, owner)
