"""The API's ranking answers written without a model per result: the same bytes as the
pool's ranked records dumped one by one, for every record shape and both directions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

from api.live_pool.cache import Lru
from api.live_pool.pool import LivePool
from api.live_pool.ranking import Ranked, Ranking, split_key
from models.agency import Agency
from models.files import read_records
from models.results import MatchResult
from models.vacancy import Vacancy
from models.worker import Worker

AS_OF = dt.date(2026, 3, 1)
POOL = Path(__file__).resolve().parents[3] / "data" / "sample" / "pool"


@pytest.fixture(scope="module")
def sample() -> tuple[list[Worker], list[Vacancy], list[Agency]]:
    def read(kind: str) -> list[Any]:
        return list(read_records(POOL / f"{kind}.jsonl", kind).records)

    return read("workers"), read("vacancies"), read("agencies")


@pytest.fixture(scope="module")
def ranking(sample: tuple[list[Worker], list[Vacancy], list[Agency]]) -> Ranking:
    workers, vacancies, _ = sample
    found = Ranking(LivePool(background=False, cached_results=0))
    found.load(workers, vacancies)
    return found


def _shown(result: MatchResult, vacancy: tuple[str | None, str] | None) -> dict[str, Any]:
    """A ranked result as the API shows it, from its model (the reference)."""
    record = result.model_dump(mode="json")
    worker_agency, worker_id = split_key(result.worker_id)
    record["worker_id"], record["worker_agency_id"] = worker_id, worker_agency
    agency, vacancy_id = split_key(result.vacancy_id) if vacancy is None else vacancy
    record["vacancy_id"], record["vacancy_agency_id"] = vacancy_id, agency
    return record


def _check(answer: Ranked, expected: list[dict[str, Any]], by_worker: bool) -> None:
    assert answer.records() == expected
    assert bytes(orjson.dumps({"results": answer.json()})) == orjson.dumps({"results": expected})
    names = ("worker_agency_id", "worker_id") if by_worker else ("vacancy_agency_id", "vacancy_id")
    assert answer.ids == [[r[names[0]], r[names[1]]] for r in expected]


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("include_ineligible", [False, True])
def test_candidates_are_the_ranked_models_bytes(
    sample: tuple[list[Worker], list[Vacancy], list[Agency]],
    ranking: Ranking,
    lang: str,
    include_ineligible: bool,
) -> None:
    _, vacancies, agencies = sample
    shapes = set()
    for vacancy in vacancies[:12]:
        order = ranking.stored_job_order(vacancy.id, vacancy.agency_id)
        query: dict[str, Any] = {
            "agencies": agencies,
            "as_of": AS_OF,
            "k": 40,
            "include_ineligible": include_ineligible,
            "lang": lang,
        }
        answer = ranking.candidates(order, agency_id=None, **query)
        models = ranking.pool.candidates(order.pooled, agency_id=None, **query)
        if not isinstance(models, list):
            assert answer.refusal == list(models.reasons)
            assert answer.records() == []
            assert answer.ids == []
            assert bytes(orjson.dumps(answer.json())) == b"[]"
            continue
        assert answer.refusal is None
        _check(answer, [_shown(r, (vacancy.agency_id, vacancy.id)) for r in models], True)
        # Asked again: the kept JSON of each record serves it at whatever rank.
        _check(ranking.candidates(order, agency_id=None, **query), answer.records(), True)
        shapes |= {(bool(r.gaps), bool(r.flags), r.eligible) for r in models}
    # The answers above had records with and without gaps and flags.
    assert (True, True, False) in shapes or not include_ineligible
    assert any(flags for _, flags, _ in shapes)


def test_unsaved_job_orders_name_no_agency(
    sample: tuple[list[Worker], list[Vacancy], list[Agency]], ranking: Ranking
) -> None:
    _, vacancies, agencies = sample
    for vacancy in vacancies[:12]:
        draft = vacancy.model_copy(update={"id": "DRAFT-1"})
        answer = ranking.candidates(
            draft,
            agencies=agencies,
            as_of=AS_OF,
            k=10,
            include_ineligible=False,
            agency_id=vacancy.agency_id,
            lang="en",
        )
        if answer.refusal is None and answer.records():
            break
    else:
        raise AssertionError("no open job order with candidates")
    stored = ranking.candidates(
        ranking.stored_job_order(vacancy.id, vacancy.agency_id),
        agencies=agencies,
        as_of=AS_OF,
        k=10,
        include_ineligible=False,
        agency_id=vacancy.agency_id,
        lang="en",
    )
    expected = [{**r, "vacancy_id": "DRAFT-1", "vacancy_agency_id": None} for r in stored.records()]
    _check(answer, expected, True)


def test_job_orders_are_the_ranked_models_bytes(
    sample: tuple[list[Worker], list[Vacancy], list[Agency]], ranking: Ranking
) -> None:
    workers, _, agencies = sample
    seen = 0
    for worker in workers[:40]:
        query: dict[str, Any] = {"agencies": agencies, "as_of": AS_OF, "k": 5, "lang": "en"}
        answer = ranking.job_orders(worker.agency_id, worker.id, scope=None, **query)
        models = ranking.pool.job_orders(f"{worker.agency_id}\x1f{worker.id}", **query)
        _check(answer, [_shown(r, None) for r in models], False)
        seen += len(models)
    assert seen


def test_lru_many_at_once() -> None:
    kept: Lru[str] = Lru(3)
    kept.put_many({"a": "A", "b": "B"})
    assert kept.get_many(["a", "x", "b"]) == ["A", None, "B"]
    kept.get_many(["a"])  # now "b" is the least recently used
    kept.put_many({"c": "C", "d": "D"})
    assert kept.get_many(["a", "b", "c", "d"]) == ["A", None, "C", "D"]
    assert len(kept) == 3
