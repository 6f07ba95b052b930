"""A whole pool: the agency register, the job orders and the workers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from benchmarks.synthetic.agencies import generate_agencies
from benchmarks.synthetic.job_orders import generate_vacancies
from benchmarks.synthetic.settings import AS_OF, SEED, Record
from benchmarks.synthetic.workers import iter_workers


@dataclass(frozen=True)
class Pool:
    """A synthetic pool in the Selaras format (plain dicts, FORMAT.md field order).

    Attributes
    ----------
    workers : list of dict
        Worker records, ids ``W-0000001`` upwards.
    vacancies : list of dict
        Job orders, ids ``JO-<as_of year>-0001`` upwards.
    agencies : list of dict
        The agency register the workers and job orders refer to.
    """

    workers: list[Record]
    vacancies: list[Record]
    agencies: list[Record]


def generate_pool(
    n_workers: int,
    n_vacancies: int,
    seed: int = SEED,
    as_of: dt.date = AS_OF,
    *,
    dense: bool = False,
) -> Pool:
    """Generate a whole synthetic pool: 30 agencies, the job orders and the workers.

    Parameters
    ----------
    n_workers : int
        Number of workers.
    n_vacancies : int
        Number of job orders.
    seed : int
        Random seed; the same arguments always give the same pool.
    as_of : datetime.date
        The evaluation date the pool is built around (ages, validity, licences).
    dense : bool
        Job orders whose requirements let most workers qualify for several of them
        (:func:`~benchmarks.synthetic.job_orders.generate_vacancies`); the workers and
        agencies are the same.

    Returns
    -------
    Pool
        Lists of plain dicts in the Selaras format.

    Examples
    --------
    >>> pool = generate_pool(100, 10, seed=7)
    >>> len(pool.workers), len(pool.vacancies), len(pool.agencies)
    (100, 10, 30)
    """
    agencies = generate_agencies(seed=seed, as_of=as_of)
    vacancies = generate_vacancies(n_vacancies, agencies, seed=seed, as_of=as_of, dense=dense)
    workers = list(iter_workers(n_workers, agencies, seed=seed, as_of=as_of))
    return Pool(workers=workers, vacancies=vacancies, agencies=agencies)
