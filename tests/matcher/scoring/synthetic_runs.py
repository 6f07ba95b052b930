"""A prepared run over a small pool of the benchmarks' synthetic generator, for tests."""

from __future__ import annotations

from benchmarks.synthetic import AS_OF, generate_pool
from matcher.scoring.matching import MatchRun, prepare_run
from models.agency import Agency
from models.vacancy import Vacancy
from models.worker import Worker


def synthetic_run(n_workers: int, n_vacancies: int, seed: int) -> MatchRun:
    """``generate_pool(n_workers, n_vacancies, seed=seed)`` validated and prepared on its
    evaluation date."""
    raw = generate_pool(n_workers, n_vacancies, seed=seed, as_of=AS_OF)
    return prepare_run(
        [Worker.model_validate(w) for w in raw.workers],
        [Vacancy.model_validate(v) for v in raw.vacancies],
        [Agency.model_validate(a) for a in raw.agencies],
        AS_OF,
    )
