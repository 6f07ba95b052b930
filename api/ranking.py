"""The live pool as the API uses it: records keyed by agency, results keyed back.

Worker and job-order ids are unique only within an agency (FORMAT.md), while the live
pool knows a record by one id. Records therefore enter the pool under a *pool key*,
``agency_id + "\\x1f" + id`` (the unit separator cannot occur in an id, and sorts before
every character an id may hold, so ties still break by agency, then id), and every
result is translated back to ``worker_id``/``vacancy_id`` plus the owning agencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from api.live_pool import LivePool
from matcher.messages import Lang
from models.agency import Agency
from models.results import MatchResult, Reason
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["Ranking", "pool_key", "split_key"]

_SEP = "\x1f"
# Prefix of an unsaved job order's key (POST /match), so it never meets a stored one.
_UNSAVED = "\x1e"


def pool_key(agency_id: str, record_id: str) -> str:
    """The id a record has in the live pool."""
    return f"{agency_id}{_SEP}{record_id}"


def split_key(key: str) -> tuple[str, str]:
    """``(agency_id, id)`` of a pool key."""
    agency_id, _, record_id = key.partition(_SEP)
    return agency_id, record_id


class Ranking:
    """Rankings, explanations and refusals over the live pool, in the API's ids.

    Parameters
    ----------
    pool : LivePool
        The pool; this class owns every write to it.
    """

    def __init__(self, pool: LivePool) -> None:
        self.pool = pool

    @property
    def versions(self) -> dict[str, str]:
        """Versions of the code and data behind every result (for the audit log)."""
        return dict(self.pool.versions)

    def load(self, workers: Iterable[Worker], vacancies: Iterable[Vacancy]) -> None:
        """Fill the pool with the stored records (on start)."""
        self.pool.load(
            ((_keyed(w), w.agency_id) for w in workers),
            ((_keyed(v), v.agency_id) for v in vacancies),
        )

    def put_worker(self, worker: Worker) -> None:
        """Add or replace a worker."""
        self.pool.upsert_worker(_keyed(worker), worker.agency_id)

    def put_workers(self, workers: Sequence[Worker]) -> None:
        """Add or replace many workers with one encoding (bulk uploads)."""
        self.pool.upsert_workers((_keyed(w), w.agency_id) for w in workers)

    def drop_worker(self, agency_id: str, worker_id: str) -> None:
        """Remove a worker."""
        self.pool.delete_worker(pool_key(agency_id, worker_id))

    def put_vacancy(self, vacancy: Vacancy) -> None:
        """Add or replace a job order."""
        self.pool.upsert_vacancy(_keyed(vacancy), vacancy.agency_id)

    def drop_vacancy(self, agency_id: str, vacancy_id: str) -> None:
        """Remove a job order."""
        self.pool.delete_vacancy(pool_key(agency_id, vacancy_id))

    def candidates(
        self,
        vacancy: Vacancy,
        *,
        stored: bool,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        include_ineligible: bool,
        agency_id: str | None,
        lang: Lang,
    ) -> tuple[list[dict[str, Any]], list[Reason] | None]:
        """The top ``k`` workers for a job order, or its refusal reasons.

        Parameters
        ----------
        vacancy : Vacancy
            A stored job order (``stored``) or an unsaved one (POST /match).
        stored : bool
            Whether ``vacancy`` is the stored record of its id.
        agencies : sequence of Agency
            The register (licences are checked on ``as_of``).
        as_of : date
        k : int
        include_ineligible : bool
        agency_id : str or None
            Rank only this agency's workers; None ranks the whole pool (officers).
        lang : {"en", "id"}

        Returns
        -------
        results : list of dict
            :class:`api.schemas.RankedPair` records, by rank (empty when refused).
        refusal : list of Reason or None
            Why the job order is refused, or None.
        """
        keyed = _keyed(vacancy) if stored else _unsaved(vacancy)
        found = self.pool.candidates(
            keyed,
            agencies=agencies,
            as_of=as_of,
            k=k,
            include_ineligible=include_ineligible,
            agency_id=agency_id,
            lang=lang,
        )
        if not isinstance(found, list):
            return [], list(found.reasons)
        owner = vacancy.agency_id if stored else None
        return [_pair(r, vacancy_id=vacancy.id, vacancy_agency_id=owner) for r in found], None

    def job_orders(
        self,
        agency_id: str,
        worker_id: str,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        scope: str | None,
        lang: Lang,
    ) -> list[dict[str, Any]]:
        """The top ``k`` open job orders for a worker (of agency ``scope``, or all)."""
        found = self.pool.job_orders(
            pool_key(agency_id, worker_id),
            agencies=agencies,
            as_of=as_of,
            k=k,
            agency_id=scope,
            lang=lang,
        )
        return [_pair(r) for r in found]

    def explanation(
        self,
        agency_id: str,
        worker_id: str,
        vacancy: Vacancy,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        lang: Lang,
    ) -> dict[str, Any]:
        """One pair's components, gaps, flags and readable lines."""
        found = self.pool.explanation(
            pool_key(agency_id, worker_id),
            _keyed(vacancy),
            agencies=agencies,
            as_of=as_of,
            lang=lang,
        )
        return {
            **found,
            "vacancy_id": vacancy.id,
            "worker_id": worker_id,
            "worker_agency_id": agency_id,
            "vacancy_agency_id": vacancy.agency_id,
        }

    def refusals(
        self, *, agencies: Sequence[Agency], as_of: dt.date, scope: str | None, lang: Lang
    ) -> list[dict[str, Any]]:
        """Refusal records of the stored job orders (of agency ``scope``, or all)."""
        found = self.pool.refusals(agencies=agencies, as_of=as_of, agency_id=scope, lang=lang)
        records = []
        for refusal in found:
            agency_id, vacancy_id = split_key(refusal.vacancy_id)
            record = refusal.model_dump(mode="json")
            records.append({**record, "vacancy_id": vacancy_id, "agency_id": agency_id})
        return records


def _keyed(record: Worker | Vacancy) -> Any:
    # model_copy does not validate: the key's separator is not a valid id character.
    return record.model_copy(update={"id": pool_key(record.agency_id, record.id)})


def _unsaved(vacancy: Vacancy) -> Vacancy:
    return vacancy.model_copy(update={"id": _UNSAVED + pool_key(vacancy.agency_id, vacancy.id)})


def _pair(
    result: MatchResult, *, vacancy_id: str | None = None, vacancy_agency_id: str | None = None
) -> dict[str, Any]:
    record = result.model_dump(mode="json")
    worker_agency, worker_id = split_key(result.worker_id)
    record["worker_id"], record["worker_agency_id"] = worker_id, worker_agency
    if vacancy_id is None:
        vacancy_agency_id, vacancy_id = split_key(result.vacancy_id)
    record["vacancy_id"], record["vacancy_agency_id"] = vacancy_id, vacancy_agency_id
    return record
