"""The workers after a course built on the encoded columns against the records encoded.

``after_courses`` applies ``after_course``'s rule to the columns of a pool already
encoded; the pool encoded from the ``after_course`` records is the reference. For random
pools (the kernel's property-test strategy), random courses (the counterfactual test's)
and random (worker, cohort) candidates, every column of every candidate decodes to the
same values in both: per-worker values, the skills listed (months and level by concept),
the skill and certificate indices, and every entry table in order, codes read back
through their code tables (the two pools may number codes differently).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.scoring.columns import Listed, Postings, declared
from matcher.scoring.encoding import EncodedPool, encode_pool, select_workers
from matcher.scoring.facts import SkillFact
from matcher.training.after import after_courses, conferred_pool
from matcher.training.catalogue import CourseFacts, after_course
from tests.matcher.scoring.test_kernel import AS_OF, Case, _case, _params
from tests.matcher.training.test_catalogue import _worker
from tests.matcher.training.test_counterfactual import _course


def _code_tables(table: Any, found: dict[str, tuple[Any, ...]]) -> None:
    for name, role, codes in declared(type(table)):
        if role == "codes" and codes is not None:
            found[codes] = getattr(table, name)
        elif role == "nested":
            _code_tables(getattr(table, name), found)


def _decoded(table: Any, n: int, codes: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """Every column of ``table`` as plain values per worker (codes read back)."""
    columns = declared(type(table))
    roles = {role for _, role, _ in columns}
    out: dict[str, Any] = {}
    if "worker" in roles or "ptr" in roles:
        owner = next(
            (np.asarray(getattr(table, name)) for name, role, _ in columns if role == "worker"),
            None,
        )
        if owner is None:
            pointers = next(getattr(table, name) for name, role, _ in columns if role == "ptr")
            owner = np.repeat(np.arange(n), np.diff(pointers))
        entries: list[list[tuple[Any, ...]]] = [[] for _ in range(n)]
        names = [(name, c) for name, role, c in columns if role in ("entry", "built")]
        for e, w in enumerate(owner.tolist()):
            row = []
            for name, c in names:
                value = getattr(table, name)[e]
                if c is not None:
                    value = None if value < 0 else codes[c][int(value)]
                row.append(value.tolist() if isinstance(value, np.ndarray) else value)
            entries[w].append(tuple(row))
        out["entries"] = entries
    for name, role, c in columns:
        value = getattr(table, name)
        if role == "per_worker":
            values = value.tolist()
            if c is not None:
                values = [None if v < 0 else codes[c][v] for v in values]
            out[name] = [repr(v) for v in values]  # NaN == NaN as text
        elif role == "keyed":
            assert isinstance(value, Listed)
            listed: list[dict[int, tuple[int, int]]] = [{} for _ in range(n)]
            for key, w, months, level in zip(
                value.keys().tolist(),
                value.workers.tolist(),
                value.months.tolist(),
                value.level.tolist(),
                strict=True,
            ):
                assert key not in listed[w], "one entry a (concept, worker) pair"
                listed[w][key] = (months, level)
            out[name] = listed
        elif role == "postings":
            assert isinstance(value, Postings)
            held: list[set[int]] = [set() for _ in range(n)]
            for key in range(len(value.ptr) - 1):
                for w in value.of(key).tolist():
                    held[w].add(key)
            out[name] = held
        elif role == "nested":
            out[name] = _decoded(value, n, codes)
        elif role in ("ids", "shared"):
            out[name] = value
    return out


def _same(got: EncodedPool, expected: EncodedPool) -> None:
    codes_got: dict[str, tuple[Any, ...]] = {}
    codes_expected: dict[str, tuple[Any, ...]] = {}
    _code_tables(got, codes_got)
    _code_tables(expected, codes_expected)
    assert got.n_workers == expected.n_workers
    left = _decoded(got, got.n_workers, codes_got)
    right = _decoded(expected, expected.n_workers, codes_expected)
    assert left.keys() == right.keys()
    for key in left:
        assert left[key] == right[key], key
    # Equal ids (one worker in two cohorts) rank by row, as the encoder ranks them.
    assert got.id_rank.tolist() == expected.id_rank.tolist()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_case(), data=st.data())
def test_after_courses_is_the_pool_encoded_from_after_course(
    case: Case, data: st.DataObject
) -> None:
    workers, orders = case
    params = _params()
    courses = [data.draw(_course(f"C-{n}", orders)) for n in range(data.draw(st.integers(1, 3)))]
    cohorts = [(c, c.completes(start)) for c in courses for start, _ in c.cohorts]
    candidates = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(workers) - 1), st.integers(0, len(cohorts) - 1)),
            max_size=12,
        )
    )
    rows = np.array([w for w, _ in candidates], np.int64)
    cohort = np.array([k for _, k in candidates], np.int64)
    pool = encode_pool(workers, params.taxonomy, AS_OF)
    got = after_courses(pool, conferred_pool(cohorts, params.taxonomy, AS_OF), rows, cohort)
    expected = encode_pool(
        [after_course(workers[w], *cohorts[k]) for w, k in candidates], params.taxonomy, AS_OF
    )
    _same(got, expected)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_case(), data=st.data())
def test_select_workers_is_the_pool_encoded_from_those_workers(
    case: Case, data: st.DataObject
) -> None:
    workers, _ = case
    params = _params()
    rows = data.draw(st.lists(st.integers(0, len(workers) - 1), max_size=12))
    pool = encode_pool(workers, params.taxonomy, AS_OF)
    got = select_workers(pool, np.array(rows, np.int64))
    _same(got, encode_pool([workers[r] for r in rows], params.taxonomy, AS_OF))


def test_a_course_adds_its_months_and_raises_the_level() -> None:
    """By hand: 12 months of SMAW at level 2; a course conferring SMAW at level 3 with 6
    months, and GMAW (not held) at no level with 3 months, twice (the months add up)."""
    params = _params()
    worker = _worker(SkillFact("smaw-welding", 12, 2, "SMAW"))
    course = CourseFacts(
        id="C",
        title="t",
        provider="p",
        provider_kind="BLK",
        skills=(
            SkillFact("smaw-welding", 6, 3, "course"),
            SkillFact("gmaw-welding", 3, None, "course"),
            SkillFact("gmaw-welding", 2, None, "course"),
        ),
        certificates=(),
        languages=(),
        prerequisite_skills=(),
        prerequisite_languages=(),
        age_min=None,
        age_max=None,
        education=(),
        duration_weeks=4,
        cohorts=((dt.date(2026, 4, 1), 5),),
        cost_amount=0.0,
        cost_currency="IDR",
        pass_rate=1.0,
        line=1,
    )
    pool = encode_pool([worker], params.taxonomy, AS_OF)
    conferred = conferred_pool([(course, dt.date(2026, 5, 1))], params.taxonomy, AS_OF)
    one = np.zeros(1, np.int64)
    got = after_courses(pool, conferred, one, one)
    smaw, gmaw = got.concepts.index("smaw-welding"), got.concepts.index("gmaw-welding")
    listed = got.skills.listed
    found = {
        (int(c), int(w)): (int(m) - 1, int(v))
        for c, w, m, v in zip(
            listed.keys(), listed.workers, listed.months, listed.level, strict=True
        )
    }
    assert found == {(smaw, 0): (18, 3), (gmaw, 0): (5, 0)}
    assert 0 in got.skills.held.of(gmaw).tolist()
