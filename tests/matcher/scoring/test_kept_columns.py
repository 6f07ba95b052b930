"""Pool-wide columns the kernel keeps between job orders (matcher.scoring.kernel.context):
the months listed per concept set, kept from the second time a set is asked for, and the
experience totals per ISCO target set, read whenever they are kept. Reading them must rank
exactly as reading each candidate's own entries does, and the values kept are those asked
for most, within the limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.synthetic import AS_OF as SYNTHETIC_AS_OF
from matcher.scoring.encoding import encode_pool
from matcher.scoring.kernel import PoolScorer, context, kept_columns
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.kept import KeptByUse
from matcher.scoring.kernel.results import TopWorkers
from matcher.scoring.kernel.rows import Rows, row_max
from tests.matcher.scoring.synthetic_runs import synthetic_run
from tests.matcher.scoring.test_kernel import AS_OF, Case, _case, _params, _slow


def _nothing_kept(self: Context, *args: object, **kwargs: object) -> None:
    return None


@_slow(30)
@given(case=_case(), k=st.sampled_from([1, 3, None]))
def test_kept_columns_rank_as_reading_the_rows(case: Case, k: int | None) -> None:
    pool, orders = case
    params = _params()
    encoded = encode_pool(pool, params.taxonomy, AS_OF)
    with (
        patch.object(Context, "months_listed", _nothing_kept),
        patch.object(Context, "experience_totals", _nothing_kept),
    ):
        expected = PoolScorer(encoded, params).top_workers(orders, k=k)
    kernel = PoolScorer(encoded, params)
    # Twice: the second pass finds every concept set of the first kept.
    for _ in range(2):
        for order, got, want in zip(orders, kernel.top_workers(orders, k=k), expected, strict=True):
            if want is None:
                assert got is None
                continue
            assert got is not None
            assert got.workers.tolist() == want.workers.tolist(), order.vacancy.id
            assert got.eligible.tolist() == want.eligible.tolist(), order.vacancy.id
            assert got.score.tolist() == want.score.tolist(), order.vacancy.id


def test_the_kept_columns_are_used_on_a_realistic_pool() -> None:
    run = synthetic_run(600, 30, seed=11)
    encoded = encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF)
    orders = [v for v in run.vacancies if not v.refused]
    kernel = PoolScorer(encoded, run.params)
    first = _answers(kernel.top_workers(orders, k=10))
    assert kernel._context._kept.months.keys(), "no concept set was asked for twice"
    assert _answers(kernel.top_workers(orders, k=10)) == first
    with patch.object(Context, "months_listed", _nothing_kept):
        assert _answers(PoolScorer(encoded, run.params).top_workers(orders, k=10)) == first


def _answers(found: list[TopWorkers | None]) -> list[tuple[list[int], list[float]] | None]:
    return [None if f is None else (f.workers.tolist(), f.score.tolist()) for f in found]


@pytest.fixture
def ctx() -> Context:
    run = synthetic_run(300, 5, seed=3)
    return Context(encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF), run.params)


def test_months_kept_are_the_pool_wide_maxima(ctx: Context) -> None:
    pool = ctx.pool
    everyone = Rows(0, pool.n_workers, np.arange(pool.n_workers, dtype=np.int64))
    held = np.flatnonzero(np.diff(pool.skills.listed.ptr)).astype(np.intp)
    for concepts in (held[:1], held[1:4], held[::2]):
        assert ctx.months_listed(concepts) is None  # asked once: the caller reads its rows
        kept = ctx.months_listed(concepts)
        assert kept is not None
        full = row_max(pool.skills.listed, "months", everyone, concepts, ctx.skills_by_worker)
        assert kept.tolist() == full.tolist()


def test_a_value_is_built_from_the_second_ask_and_the_most_asked_stay() -> None:
    kept: KeptByUse[str, str] = KeptByUse(2)
    built: list[str] = []

    def get(key: str, *, now: bool = False) -> str | None:
        return kept.get(key, lambda: built.append(key) or key.upper(), now=now)

    assert get("a") is None  # asked once: not built
    assert get("a") == "A"
    assert [get("b") for _ in range(3)] == [None, "B", "B"]  # b: asked 3 times, a: 2
    # Full: c, asked as often as a (the least recently used), does not replace it ...
    assert [get("c"), get("c")] == [None, None]
    assert kept.keys() == ["a", "b"]
    # ... until it has been asked for more often.
    assert get("c") == "C"
    assert kept.keys() == ["b", "c"]
    # A caller that reads most of the pool builds at once, in place of the oldest.
    assert get("d", now=True) == "D"
    assert kept.keys() == ["c", "d"]
    assert built == ["a", "b", "c", "d"]


def test_the_months_kept_fit_their_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Room for one column of this pool's size: a second set replaces it, never joins it.
    run = synthetic_run(300, 5, seed=3)
    encoded = encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF)
    monkeypatch.setattr(context, "_MONTHS_BYTES", 2 * encoded.n_workers)
    ctx = Context(encoded, run.params)
    held = np.flatnonzero(np.diff(encoded.skills.listed.ptr)).astype(np.intp)
    for concepts, asks in ((held[:1], 2), (held[1:2], 3)):
        for _ in range(asks):
            ctx.months_listed(concepts)
    assert ctx._kept.months.keys() == [held[1:2].tobytes()]


def test_experience_totals_are_built_now_or_from_the_second_ask(ctx: Context) -> None:
    first, second = (tuple(ctx.pool.experience.isco_codes[i : i + 1]) for i in (0, 1))
    assert ctx.experience_totals(first) is None
    again = ctx.experience_totals(first)
    assert again is not None
    assert ctx.experience_totals(first) is again  # kept, not built again
    assert ctx.experience_totals(second, now=True) is not None


def test_scorers_of_several_dates_share_the_columns_of_their_rows() -> None:
    # A live pool keeps a scorer per evaluation date over the same rows: the columns kept
    # for one date serve the next, and each date ranks as it would on its own.
    run = synthetic_run(600, 30, seed=11)
    encoded = encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF)
    orders = [v for v in run.vacancies if not v.refused]
    shared = kept_columns(encoded.n_workers)
    first = PoolScorer(encoded, run.params, kept=shared)
    first.top_workers(orders, k=10)
    first.top_workers(orders, k=10)
    kept_before = shared.months.keys()
    assert kept_before, "no concept set was asked for twice"
    later = replace(run.params, as_of=SYNTHETIC_AS_OF + dt.timedelta(days=40))
    second = PoolScorer(replace(encoded, as_of=later.as_of), later, kept=shared)
    alone = PoolScorer(replace(encoded, as_of=later.as_of), later)
    assert _answers(second.top_workers(orders, k=10)) == _answers(alone.top_workers(orders, k=10))
    assert set(kept_before) <= set(shared.months.keys())


def test_experience_totals_are_kept_per_isco_credits() -> None:
    # Two runs weighing ISCO closeness differently share rows but not their totals.
    run = synthetic_run(300, 5, seed=3)
    encoded = encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF)
    shared = kept_columns(encoded.n_workers)
    other = replace(run.params, isco_credit={k: v / 2 for k, v in run.params.isco_credit.items()})
    targets = tuple(encoded.experience.isco_codes[:1])
    one = Context(encoded, run.params, shared).experience_totals(targets, now=True)
    two = Context(encoded, other, shared).experience_totals(targets, now=True)
    own = Context(encoded, other).experience_totals(targets, now=True)
    assert one is not None
    assert two is not None
    assert own is not None
    assert one[0].tolist() != two[0].tolist()  # the credits weigh these months differently
    assert two[0].tolist() == own[0].tolist()
    assert len(shared.experience.keys()) == 2
