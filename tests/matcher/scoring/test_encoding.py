"""The encoded pool: every declared column filled, and joined pools equal to one pool."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from matcher.scoring.columns import declared
from matcher.scoring.encoding import EncodedPool, concat_pools, encode_pool
from matcher.scoring.facts import WorkerFacts, worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.files import read_records
from tests.paths import POOL

AS_OF = dt.date(2026, 3, 1)


@cache
def _facts() -> tuple[WorkerFacts, ...]:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:400]
    skills = default_skill_normalizer()
    return tuple(worker_facts(workers, skills, default_occupation_normalizer()))


def _encode(facts: tuple[WorkerFacts, ...]) -> EncodedPool:
    return encode_pool(facts, default_skill_normalizer().taxonomy, AS_OF)


def _code_tables(table: Any, found: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    for name, role, codes in declared(type(table)):
        if role == "codes":
            assert codes is not None
            found[codes] = getattr(table, name)
        elif role == "nested":
            _code_tables(getattr(table, name), found)
    return found


def _decoded(table: Any, tables: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """Every column by name, codes replaced by what they stand for (codes may differ)."""
    out: dict[str, Any] = {}
    for name, role, codes in declared(type(table)):
        value = getattr(table, name)
        if role == "nested":
            out[name] = _decoded(value, tables)
        elif role == "codes":
            out[name] = sorted(map(repr, value))
        elif codes is not None and codes in tables:
            out[name] = [None if c < 0 else tables[codes][c] for c in value.tolist()]
        elif dataclasses.is_dataclass(value):
            out[name] = {f.name: getattr(value, f.name).tolist() for f in dataclasses.fields(value)}
        elif isinstance(value, np.ndarray):
            out[name] = (value.dtype.str, [None if v != v else v for v in value.ravel().tolist()])
        else:
            out[name] = value
    return out


# A part may hold no worker anywhere (a part of a file that is only blank lines).
@pytest.mark.parametrize("cuts", [(), (1,), (150, 151, 399), (150, 150), (0, 0, 200)])
def test_joined_pools_equal_the_whole_pool_column_by_column(cuts: tuple[int, ...]) -> None:
    facts = _facts()
    bounds = [0, *cuts, len(facts)]
    parts = [_encode(facts[a:b]) for a, b in pairwise(bounds)]
    whole, joined = _encode(facts), concat_pools([*parts, _encode(())])
    assert _decoded(joined, _code_tables(joined, {})) == _decoded(whole, _code_tables(whole, {}))


def test_every_declared_column_has_a_row_per_worker_or_entry() -> None:
    pool = _encode(_facts())
    n = pool.n_workers
    for name, role, _ in declared(EncodedPool):
        if role == "per_worker":
            assert len(getattr(pool, name)) == n, name
    for table in ("certificates", "languages", "experience", "preferences"):
        part = getattr(pool, table)
        assert len(part.ptr) == n + 1, table
        assert part.ptr[-1] == len(part.worker), table
        for name, role, _ in declared(type(part)):
            if role == "entry":
                assert len(getattr(part, name)) == len(part.worker), (table, name)
    stints = pool.stints
    assert len(stints.worker) == sum(len(f.experience) for f in _facts())
    assert all(math.isnan(w) for w, f in zip(pool.preferences.wage_min, _facts(), strict=True)
               if f.min_monthly_wage is None)  # fmt: skip
