"""What the encoder reads of each worker, read from Arrow columns instead of facts.

:func:`matcher.scoring.encoding.encode_pool` gathers, from every worker's facts, the
values its columns encode (:data:`matcher.scoring.encoding.GATHERED`: the birth date, each
skill's concept and months...). :func:`gather_columns` reads the same values straight from
the columns of a Parquet file's rows, a column at a time, for rows the column screen found
clean (:mod:`models.parquet_screen`: stored as written); the free texts are read once per
distinct text by the same normalizers, and each value is what
:func:`matcher.scoring.facts.worker_facts` makes of the field (a skill text names its
concepts, an experience without ISCO code takes its title's). It is the facts' peer, as the
kernel is the reference scorer's: ``tests/matcher/pool/test_columns_read.py`` holds the
two equal on the bundled pool and on generated files.

Protected attributes: only the columns in :data:`READ_COLUMNS` are read (a test holds them
apart from :data:`models.worker.PROTECTED_FIELDS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from matcher.arrays import Ints
from matcher.scoring.columns import Coded, Gathered
from matcher.scoring.facts import language_fact
from matcher.taxonomy.occupations import OccupationNormalizer
from matcher.taxonomy.skills import SkillNormalizer
from models.parquet_screen import WorkerColumns, language_keys, language_result, struct_fields

__all__ = ["READ_COLUMNS", "gather_columns"]

READ_COLUMNS = (
    "id", "birth_date", "education", "skills", "certificates", "languages", "experience",
    "health", "documents", "preferences",
)  # fmt: skip
"""The columns :func:`gather_columns` reads."""


def gather_columns(
    table: pa.Table, skills: SkillNormalizer, occupations: OccupationNormalizer
) -> tuple[dict[str | None, Gathered], list[str]]:
    """The values :func:`matcher.scoring.columns.gather` reads from the facts of these rows.

    Parameters
    ----------
    table : pyarrow.Table
        Worker rows the column screen found clean, with the columns Selaras writes.
    skills, occupations : normalizers
        As for :func:`matcher.scoring.facts.worker_facts`.

    Returns
    -------
    gathered : dict
        As :func:`matcher.scoring.columns.gather` gives for
        :data:`matcher.scoring.encoding.GATHERED` (the same values, up to lists for tuples).
    ids : list of str
        The rows' worker ids.
    """
    column = WorkerColumns(table.select([c for c in READ_COLUMNS if c in table.column_names]))
    health, documents = column.fields("health"), column.fields("documents")
    preferences = column.fields("preferences")
    countries = preferences["countries"]
    gathered: dict[str | None, Gathered] = {
        None: Gathered(
            {
                "birth_date": _dates(column.get("birth_date")),
                "education": column.get("education").to_pylist(),
                "fit_to_work": health["fit_to_work"].to_pylist(),
                "colour_vision_normal": health["colour_vision_normal"].to_pylist(),
                "passport_expires": _dates(documents["passport_expires"]),
                "preferred_countries": countries.to_pylist(),
                "min_monthly_wage": _wages(preferences["min_monthly_wage"]),
            }
        ),
        "skills": _skills(column.get("skills"), skills),
        "certificates": _certificates(column.get("certificates"), skills),
        "languages": _languages(column.get("languages")),
        "experience": _experience(column.get("experience"), occupations),
        "preferred_countries": Gathered(
            {}, _lengths(countries), _coded(pc.list_flatten(countries))
        ),
    }
    return gathered, column.get("id").to_pylist()


def _dates(texts: pa.Array) -> NDArray[np.datetime64]:
    """Dates written ``YYYY-MM-DD`` (clean rows: valid) as numpy days, NaT where absent
    (the encoder converts such an array at once: matcher.scoring.encoding)."""
    days = pc.cast(texts, pa.date32()).to_numpy(zero_copy_only=False)
    return np.asarray(days, "datetime64[D]")


def _coded(values: pa.Array) -> Coded:
    """Text values factorized (Arrow's dictionary lists them in order of first appearance,
    as :class:`matcher.scoring.columns.Coded` wants)."""
    encoded = pc.dictionary_encode(values)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return Coded(encoded.dictionary.to_pylist(), np.asarray(indices, np.int64))


def _lengths(lists: pa.Array) -> Ints:
    lengths = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False)
    return np.asarray(lengths, np.int64)


def _items(lists: pa.Array) -> tuple[dict[str, pa.Array], Ints]:
    """A list column's items' fields, and how many items each row has."""
    return struct_fields(pc.list_flatten(lists)), _lengths(lists)


def _wages(wages: pa.Array) -> list[tuple[float, str] | None]:
    field = struct_fields(wages)
    amounts, currencies = field["amount"].to_pylist(), field["currency"].to_pylist()
    present = wages.is_valid().to_pylist()
    return [(a, c) if p else None for p, a, c in zip(present, amounts, currencies, strict=True)]


def _per_text(texts: pa.Array, read: Any) -> tuple[list[Any], NDArray[np.int64]]:
    """Each distinct text read once (``read`` takes the list of them), and each entry's."""
    encoded = pc.dictionary_encode(texts)
    found = read(encoded.dictionary.to_pylist())
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return list(found), codes


def _concepts(texts: list[str], skills: SkillNormalizer) -> list[tuple[str, ...]]:
    return [tuple(hit.concept.id for hit in m.concepts) for m in skills.normalize_many(texts)]


def _skills(lists: pa.Array, skills: SkillNormalizer) -> Gathered:
    """One entry per concept a claim names (a claim naming none has none), in claim order."""
    field, claims = _items(lists)
    named, codes = _per_text(field["name"], lambda t: _concepts(t, skills))
    counts = np.fromiter(map(len, named), np.int64, len(named))
    flat = pa.array([c for found in named for c in found], pa.string())
    first = np.cumsum(counts) - counts  # where each distinct text's concepts start in flat
    per_claim = counts[codes]
    claim = np.repeat(np.arange(len(codes)), per_claim)
    within = np.arange(len(claim)) - np.repeat(np.cumsum(per_claim) - per_claim, per_claim)
    rows = np.repeat(np.arange(len(claims)), claims)
    months = field["months"].fill_null(0).to_numpy(zero_copy_only=False)
    level = field["level"].fill_null(0).to_numpy(zero_copy_only=False)
    return Gathered(
        {
            "concept": _coded(flat.take(pa.array(first[codes][claim] + within))),
            "months": months[claim].tolist(),
            "level": level[claim].tolist(),
        },
        np.bincount(rows, weights=per_claim, minlength=len(claims)).astype(np.int64),
    )


def _certificates(lists: pa.Array, skills: SkillNormalizer) -> Gathered:
    field, lengths = _items(lists)
    certified = pc.coalesce(field["skill"], field["name"])
    named, codes = _per_text(certified, lambda t: _concepts(t, skills))
    return Gathered(
        {
            "scheme": _coded(field["scheme"]),
            "issued": _dates(field["issued"]),
            "expires": _dates(field["expires"]),
            "name": _coded(field["name"]),
            "concepts": _taken(named, codes),
        },
        lengths,
    )


def _languages(lists: pa.Array) -> Gathered:
    """Each result read once per distinct (test, result, score, sections), as the row
    reader stores it and :func:`matcher.scoring.facts.language_fact` reads it."""
    items, lengths = pc.list_flatten(lists), _lengths(lists)
    keys, codes = language_keys(items)
    facts = []
    for key in keys:
        stored = language_result(key)
        assert stored is not None, "a clean row's language result is stored as written"
        facts.append(language_fact(stored.test, stored.result, None, stored.sections))
    field = struct_fields(items)
    return Gathered(
        {
            "test": _coded(field["test"]),
            "result": _taken([f.result for f in facts], codes),
            "date": _dates(field["date"]),
            "cefr": _taken([f.cefr for f in facts], codes),
            "language": _coded(pa.array([f.language for f in facts], pa.string()).take(codes)),
        },
        lengths,
    )


def _experience(lists: pa.Array, occupations: OccupationNormalizer) -> Gathered:
    """An entry without ISCO code takes its title's (read once per distinct title)."""
    field, lengths = _items(lists)
    isco = field["isco"]
    unplaced = np.flatnonzero(isco.is_null().to_numpy(zero_copy_only=False))
    codes = np.fromiter(isco.to_pylist(), dtype=object, count=len(isco))
    if len(unplaced):
        titles = field["title"].take(pa.array(unplaced))
        placed, which = _per_text(titles, lambda t: [m.isco for m in occupations.normalize_many(t)])
        codes[unplaced] = _taken(placed, which)
    return Gathered(
        {
            "programme": _coded(field["programme"]),
            "country": _coded(field["country"]),
            "months": field["months"].fill_null(0).to_pylist(),
            "isco": codes.tolist(),
        },
        lengths,
    )


def _taken(values: Sequence[Any], codes: NDArray[np.int64]) -> list[Any]:
    """``values[c]`` for each code (an object array: tuples stay elements)."""
    table = np.fromiter(values, dtype=object, count=len(values))
    return table[codes].tolist() if len(codes) else []
