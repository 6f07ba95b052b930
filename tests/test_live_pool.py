"""The live pool answers as ``selaras match`` / ``selaras explain`` do on the same records.

Every check replays a history of writes (loads, single and batch upserts, replacements,
moves between agencies, deletes, job-order changes) on a :class:`api.live_pool.pool.LivePool`
with small segments, so that tails seal, segments merge and dead rows are purged along the
way, and compares its answers with :func:`matcher.scoring.matching.prepare_run` over the records
the history leaves, for the whole pool and per agency, in both directions.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import api.live_pool.workers as workers_module
from api.live_pool.pool import LivePool
from matcher.scoring.explain import explanation
from matcher.scoring.matching import MatchRun, prepare_run
from models.agency import Agency
from models.files import read_records
from models.results import MatchResult, Refusal
from models.vacancy import Vacancy
from models.worker import Worker

AS_OF = dt.date(2026, 3, 1)
POOL = Path(__file__).resolve().parents[1] / "data" / "sample" / "pool"
BIG_AGENCY, SMALL_AGENCY = "P3MI-0001", "P3MI-0029"


@dataclass(frozen=True)
class Sample:
    workers: tuple[Worker, ...]
    vacancies: tuple[Vacancy, ...]
    agencies: tuple[Agency, ...]


@pytest.fixture(scope="module")
def sample() -> Sample:
    def read(kind: str) -> tuple[object, ...]:
        return tuple(read_records(POOL / f"{kind}.jsonl", kind).records)  # type: ignore[arg-type]

    return Sample(read("workers"), read("vacancies"), read("agencies"))  # type: ignore[arg-type]


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tails of 16 rows and a compaction every 3 sealed segments: layouts change often."""
    monkeypatch.setattr(workers_module, "TAIL_ROWS", 16)
    monkeypatch.setattr(workers_module, "MAX_SEALED", 3)


@dataclass
class History:
    """A live pool and the records it should hold (by id, in write order)."""

    pool: LivePool
    workers: dict[str, Worker] = field(default_factory=dict)
    vacancies: dict[str, Vacancy] = field(default_factory=dict)

    def put_worker(self, worker: Worker) -> None:
        self.pool.upsert_worker(worker, worker.agency_id)
        self.workers.pop(worker.id, None)
        self.workers[worker.id] = worker

    def put_vacancy(self, vacancy: Vacancy) -> None:
        self.pool.upsert_vacancy(vacancy, vacancy.agency_id)
        self.vacancies[vacancy.id] = vacancy


def _as(worker: Worker, like: Worker, **update: object) -> Worker:
    """``like``'s record under ``worker``'s id (and agency, unless updated)."""
    return like.model_copy(update={"id": worker.id, "agency_id": worker.agency_id, **update})


def _replay(sample: Sample) -> History:
    """Load part of the pool, then write: add, replace, move, delete, batch; job orders too."""
    pool = LivePool(background=False)
    workers, vacancies = sample.workers, sample.vacancies
    pool.load(
        [(w, w.agency_id) for w in workers[:1200]], [(v, v.agency_id) for v in vacancies[:50]]
    )
    history = History(pool, {w.id: w for w in workers[:1200]}, {v.id: v for v in vacancies[:50]})
    for worker in workers[1200:1500]:  # one by one: tails seal, segments merge
        history.put_worker(worker)
    for i, worker in enumerate(workers[:400:4]):  # replaced by another worker's record
        history.put_worker(_as(worker, workers[1500 + i]))
    for worker in workers[1:60:3]:  # moved to another agency
        history.put_worker(worker.model_copy(update={"agency_id": SMALL_AGENCY}))
    for worker in workers[2:1200:3]:  # deleted (enough to purge dead rows)
        pool.delete_worker(worker.id)
        history.workers.pop(worker.id)
    batch = list(workers[1600:1900])
    pool.upsert_workers([(w, w.agency_id) for w in batch])
    for worker in batch:
        history.workers[worker.id] = worker
    # Encoded before the write, as a bulk upload does: new workers, a replacement, and
    # workers twice in the batch (the later wins).
    prepared = [*workers[1900:1990], _as(workers[1600], workers[1990]), *workers[1950:1960]]
    pool.put_prepared(pool.prepare_workers([(w, w.agency_id) for w in prepared]))
    for worker in prepared:
        history.workers.pop(worker.id, None)
        history.workers[worker.id] = worker
    for worker in workers[1200:1250]:  # replaced by themselves
        history.put_worker(worker)
    for vacancy in vacancies[50:]:
        history.put_vacancy(vacancy)
    for vacancy in vacancies[:6]:  # fewer slots does not change the ranking, a title does
        history.put_vacancy(vacancy.model_copy(update={"title": vacancy.title + " II"}))
    for vacancy in vacancies[6:9]:
        pool.delete_vacancy(vacancy.id)
        del history.vacancies[vacancy.id]
    return history


@pytest.fixture(scope="module")
def replayed(sample: Sample) -> Iterator[History]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers_module, "TAIL_ROWS", 16)
        patch.setattr(workers_module, "MAX_SEALED", 3)
        yield _replay(sample)


def _run(
    workers: Sequence[Worker], vacancies: Sequence[Vacancy], sample: Sample, as_of: dt.date = AS_OF
) -> MatchRun:
    return prepare_run(list(workers), list(vacancies), list(sample.agencies), as_of)


def _candidates(
    history: History, sample: Sample, *, k: int, include_ineligible: bool, agency_id: str | None,
    as_of: dt.date = AS_OF,
) -> list[MatchResult]:  # fmt: skip
    found: list[MatchResult] = []
    for vacancy in history.vacancies.values():
        result = history.pool.candidates(
            vacancy,
            agencies=sample.agencies,
            as_of=as_of,
            k=k,
            include_ineligible=include_ineligible,
            agency_id=agency_id,
        )
        if isinstance(result, list):
            found.extend(result)
    return found


def _scoped(workers: dict[str, Worker], agency_id: str | None) -> list[Worker]:
    return [w for w in workers.values() if agency_id in (None, w.agency_id)]


@pytest.mark.parametrize("agency_id", [None, BIG_AGENCY, SMALL_AGENCY])
@pytest.mark.parametrize("include_ineligible", [False, True])
def test_candidates_equal_selaras_match(
    replayed: History, sample: Sample, agency_id: str | None, include_ineligible: bool
) -> None:
    run = _run(_scoped(replayed.workers, agency_id), list(replayed.vacancies.values()), sample)
    expected = list(run.rank("vacancies", top=12, include_ineligible=include_ineligible))
    found = _candidates(
        replayed, sample, k=12, include_ineligible=include_ineligible, agency_id=agency_id
    )
    assert found == expected
    # An agency's ranking is exact: a full top k whenever it has k workers to offer.
    if include_ineligible:
        assert len(found) == sum(not v.refused for v in run.vacancies) * min(12, len(run.workers))


# Every 19th worker for all job orders, every 5th for one agency's (fewer, but fewer fit).
@pytest.mark.parametrize(("agency_id", "every"), [(None, 19), (BIG_AGENCY, 5), ("P3MI-0008", 5)])
def test_job_orders_equal_selaras_match(
    replayed: History, sample: Sample, agency_id: str | None, every: int
) -> None:
    vacancies = [v for v in replayed.vacancies.values() if agency_id in (None, v.agency_id)]
    chosen = list(replayed.workers.values())[::every]
    expected = list(_run(chosen, vacancies, sample).rank("workers", top=4))
    found = [
        result
        for worker in chosen
        for result in replayed.pool.job_orders(
            worker.id, agencies=sample.agencies, as_of=AS_OF, k=4, agency_id=agency_id
        )
    ]
    assert found == expected
    assert found  # the comparison is not vacuous


def test_refusals_equal_selaras_match(replayed: History, sample: Sample) -> None:
    run = _run([], list(replayed.vacancies.values()), sample)
    expected = sorted(run.refusals("id"), key=lambda r: r.vacancy_id)
    assert expected
    assert replayed.pool.refusals(agencies=sample.agencies, as_of=AS_OF, lang="id") == expected
    mine = replayed.pool.refusals(agencies=sample.agencies, as_of=AS_OF, agency_id=BIG_AGENCY)
    assert mine == [
        r for r in sorted(run.refusals(), key=lambda r: r.vacancy_id)
        if replayed.vacancies[r.vacancy_id].agency_id == BIG_AGENCY
    ]  # fmt: skip
    refused = replayed.vacancies[expected[0].vacancy_id]
    result = replayed.pool.candidates(refused, agencies=sample.agencies, as_of=AS_OF, k=5)
    assert result == next(r for r in run.refusals() if r.vacancy_id == refused.id)


def test_another_evaluation_date_and_an_unsaved_job_order(
    replayed: History, sample: Sample
) -> None:
    later = dt.date(2027, 1, 15)  # ages, validity and licences all move
    run = _run(list(replayed.workers.values()), list(replayed.vacancies.values()), sample, later)
    expected = list(run.rank("vacancies", top=8))
    assert (
        _candidates(replayed, sample, k=8, include_ineligible=False, agency_id=None, as_of=later)
        == expected
    )
    stored = next(v for v in replayed.vacancies.values() if v.requirements.age is not None)
    unsaved = stored.model_copy(
        update={"requirements": stored.requirements.model_copy(update={"age": None})}
    )
    run = _run(list(replayed.workers.values()), [unsaved], sample)
    result = replayed.pool.candidates(unsaved, agencies=sample.agencies, as_of=AS_OF, k=20)
    assert result == list(run.rank("vacancies", top=20))
    # The stored job order itself is unchanged by the unsaved one.
    run = _run(list(replayed.workers.values()), [stored], sample)
    result = replayed.pool.candidates(stored, agencies=sample.agencies, as_of=AS_OF, k=20)
    assert result == list(run.rank("vacancies", top=20))


def test_the_dates_of_a_segment_share_its_kept_columns(sample: Sample) -> None:
    # One budget of pool-wide columns per segment, whatever the evaluation dates asked.
    run = _run(sample.workers[:40], sample.vacancies[:3], sample)
    later = _run(sample.workers[:40], sample.vacancies[:3], sample, dt.date(2027, 1, 15))
    rows = len(run.workers)
    segment = workers_module.encode_segment(
        run.workers,
        np.arange(rows, dtype=np.int64),
        np.zeros(rows, dtype=np.int32),
        run.params.taxonomy,
    )
    first, second = segment.scorer(run.params), segment.scorer(later.params)
    assert first is not second
    assert first._context._kept is second._context._kept


@pytest.mark.usefixtures("small_segments")
def test_explanation_equals_selaras_explain(sample: Sample) -> None:
    pool = LivePool(background=False)
    workers, vacancies = list(sample.workers[:300]), list(sample.vacancies[:12])
    pool.load([(w, w.agency_id) for w in workers[:250]], [(v, v.agency_id) for v in vacancies])
    for worker in workers[250:]:
        pool.upsert_worker(worker, worker.agency_id)
    for worker in workers[:40:2]:
        pool.delete_worker(worker.id)
    deleted = {w.id for w in workers[:40:2]}
    alive = [w for w in workers if w.id not in deleted]
    run = _run(alive, vacancies, sample)
    for i, vacancy in enumerate(vacancies[:8]):
        worker_id = alive[(37 * i) % len(alive)].id
        lang = ("en", "id")[i % 2]
        expected = explanation(run, worker_id, vacancy.id, lang)
        found = pool.explanation(
            worker_id, vacancy, agencies=sample.agencies, as_of=AS_OF, lang=lang
        )
        assert found == expected
    mine = [w for w in alive if w.agency_id == BIG_AGENCY]
    expected = explanation(_run(mine, vacancies, sample), mine[3].id, vacancies[0].id, "en")
    found = pool.explanation(
        mine[3].id, vacancies[0], agencies=sample.agencies, as_of=AS_OF, agency_id=BIG_AGENCY
    )
    assert found == expected


@pytest.mark.usefixtures("small_segments")
def test_a_write_encodes_only_the_written_workers(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = LivePool(background=False)
    pool.load([(w, w.agency_id) for w in sample.workers[:1200]], [])
    encoded: list[int] = []
    real = workers_module.encode_pool

    def counting(facts, taxonomy, as_of):  # type: ignore[no-untyped-def]
        encoded.append(len(facts))
        return real(facts, taxonomy, as_of)

    monkeypatch.setattr(workers_module, "encode_pool", counting)
    for worker in sample.workers[1200:1240]:
        pool.upsert_worker(worker, worker.agency_id)
    pool.upsert_worker(sample.workers[0], "P3MI-0002")
    pool.delete_worker(sample.workers[1].id)
    assert encoded == [1] * 41  # merges join encoded arrays; few dead rows: no re-encoding
    for worker in sample.workers[2:500]:
        pool.delete_worker(worker.id)
    # Once a quarter of the rows are dead, the live ones (only they) are encoded again.
    assert len(encoded) > 41
    assert all(1 < n < 1241 - 310 for n in encoded[41:])
    assert pool.n_workers == 1240 - 1 - 498


@pytest.mark.usefixtures("small_segments")
def test_concurrent_readers_see_whole_writes(sample: Sample) -> None:
    """Workers are replaced over and over while others rank: no query ever sees a worker
    twice or loses one (ineligible workers included, every query fills its k)."""
    pool = LivePool()  # background compaction
    workers = list(sample.workers[:600])
    pool.load([(w, w.agency_id) for w in workers], [(v, v.agency_id) for v in sample.vacancies])

    def top(vacancy: Vacancy) -> list[MatchResult] | Refusal:
        return pool.candidates(
            vacancy, agencies=sample.agencies, as_of=AS_OF, k=30, include_ineligible=True
        )

    probe = [v for v in sample.vacancies if isinstance(top(v), list)][:3]
    stop = threading.Event()
    problems: list[str] = []

    def write() -> None:
        round_ = 0
        while not stop.is_set():
            for worker in workers[round_ % 50 :: 50]:
                pool.upsert_worker(worker, worker.agency_id)
            round_ += 1

    def read() -> None:
        for i in range(40):
            vacancy = probe[i % len(probe)]
            found = top(vacancy)
            assert isinstance(found, list)
            ids = [r.worker_id for r in found]
            if len(ids) != 30 or len(set(ids)) != 30:
                problems.append(f"{vacancy.id}: {ids}")

    writer = threading.Thread(target=write)
    readers = [threading.Thread(target=read) for _ in range(3)]
    writer.start()
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    stop.set()
    writer.join()
    assert not problems
    pool.compact()
    expected = list(_run(workers, probe, sample).rank("vacancies", top=30, include_ineligible=True))
    assert [r for v in probe for r in top(v)] == expected  # type: ignore[union-attr]


def test_a_repeated_query_sees_the_writes_between(sample: Sample) -> None:
    pool = LivePool(background=False)
    workers, vacancy = list(sample.workers[:400]), sample.vacancies[0]
    pool.load([(w, w.agency_id) for w in workers], [(vacancy, vacancy.agency_id)])

    def top() -> list[MatchResult] | Refusal:
        return pool.candidates(
            vacancy, agencies=sample.agencies, as_of=AS_OF, k=5, include_ineligible=True
        )

    assert (
        top()
        == top()
        == list(_run(workers, [vacancy], sample).rank(top=5, include_ineligible=True))
    )
    first = top()[0]  # type: ignore[index]
    pool.delete_worker(first.worker_id)
    workers = [w for w in workers if w.id != first.worker_id]
    assert top() == list(_run(workers, [vacancy], sample).rank(top=5, include_ineligible=True))


def test_unknown_worker_and_bad_k(replayed: History, sample: Sample) -> None:
    with pytest.raises(KeyError, match="W-9999999"):
        replayed.pool.job_orders("W-9999999", agencies=sample.agencies, as_of=AS_OF, k=3)
    vacancy = next(iter(replayed.vacancies.values()))
    with pytest.raises(KeyError, match="W-9999999"):
        replayed.pool.explanation("W-9999999", vacancy, agencies=sample.agencies, as_of=AS_OF)
    with pytest.raises(ValueError, match=r"The 'k' parameter of candidates must be an int"):
        replayed.pool.candidates(vacancy, agencies=sample.agencies, as_of=AS_OF, k=0)
    result = replayed.pool.candidates(
        vacancy, agencies=sample.agencies, as_of=AS_OF, k=5, agency_id="P3MI-9999"
    )
    assert result == [] or isinstance(result, Refusal)


def test_versions_name_code_taxonomy_rule_packs_and_weights() -> None:
    versions = LivePool().versions
    assert {"code", "taxonomy", "weights", "rule_pack:JP-SSW1", "rule_pack:ID-LAW"} <= set(versions)
    assert all(isinstance(v, str) and v for v in versions.values())
