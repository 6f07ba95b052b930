"""The live pool as the API uses it: records keyed by agency, results keyed back.

Worker and job-order ids are unique only within an agency (FORMAT.md), while the live
pool knows a record by one id. Records therefore enter the pool under a *pool key*,
``agency_id + "\\x1f" + id`` (the unit separator cannot occur in an id, and sorts before
every character an id may hold, so ties still break by agency, then id), and every
result is translated back to ``worker_id``/``vacancy_id`` plus the owning agencies.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from api.live_pool.cache import Lru
from api.live_pool.pool import LivePool
from api.live_pool.workers import PreparedWorkers
from api.storage.store import JOB_ORDERS, ambiguous, not_found
from matcher.scoring.encoding import EncodedPool
from matcher.scoring.facts import WorkerFacts
from matcher.text.messages import Lang
from models.agency import Agency
from models.results import MatchResult, Reason
from models.typed_workers import with_id
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["Ranked", "Ranking", "StoredJobOrder", "pool_key", "split_key"]

_SEP = "\x1f"
# Prefix of an unsaved job order's key (POST /match), so it never meets a stored one.
_UNSAVED = "\x1e"
# Results as the API shows them, kept: the top 50 of a few hundred job orders in both
# languages.
_SHOWN = 65_536


def pool_key(agency_id: str, record_id: str) -> str:
    """The id a record has in the live pool."""
    return f"{agency_id}{_SEP}{record_id}"


def split_key(key: str) -> tuple[str, str]:
    """``(agency_id, id)`` of a pool key."""
    agency_id, _, record_id = key.partition(_SEP)
    return agency_id, record_id


@dataclass(frozen=True)
class StoredJobOrder:
    """A stored job order as the pool holds it.

    Attributes
    ----------
    agency_id, id : str
        Its agency and its id.
    pooled : Vacancy
        The record under its pool key.
    """

    agency_id: str
    id: str
    pooled: Vacancy


@dataclass(frozen=True, eq=False)
class _Shown:
    """A result record as the API shows it, but for its rank.

    Attributes
    ----------
    record : MatchResult
        The pool's memoized record (kept: no other object can take its id meanwhile).
    fields : dict
        :class:`api.schemas.RankedPair` fields, ``rank`` a placeholder in its place.
    head, tail : bytes
        The record's JSON before and after the rank's digits.
    ids : list of (str or None)
        ``[worker_agency_id, worker_id]`` (candidates) or ``[vacancy_agency_id,
        vacancy_id]`` (a worker's job orders): what the audit entry names.
    """

    record: MatchResult
    fields: dict[str, Any]
    head: bytes
    tail: bytes
    ids: list[str | None]


@dataclass(frozen=True)
class Ranked:
    """A ranking answer: the results by rank, or a refusal.

    Attributes
    ----------
    refusal : list of Reason or None
        Why the job order is refused (then there are no results), or None.
    """

    refusal: list[Reason] | None
    _shown: tuple[_Shown, ...]

    @property
    def ids(self) -> list[list[str | None]]:
        """What each result names, by rank, as the audit entry records it."""
        return [shown.ids for shown in self._shown]

    def records(self) -> list[dict[str, Any]]:
        """The :class:`api.schemas.RankedPair` records, by rank."""
        records = []
        for rank, shown in enumerate(self._shown, 1):
            record = dict(shown.fields)
            record["rank"] = rank
            records.append(record)
        return records

    def json(self) -> orjson.Fragment:
        """The records as a JSON array (bytes equal to ``orjson.dumps(self.records())``),
        written without building a record: each record's JSON is kept around its rank."""
        return orjson.Fragment(
            b"["
            + b",".join(
                b"%b%d%b" % (shown.head, rank, shown.tail)
                for rank, shown in enumerate(self._shown, 1)
            )
            + b"]"
        )


class Ranking:
    """Rankings, explanations and refusals over the live pool, in the API's ids.

    Parameters
    ----------
    pool : LivePool
        The pool; this class owns every write to it.
    """

    def __init__(self, pool: LivePool) -> None:
        self.pool = pool
        self._lock = threading.Lock()
        self._order_agencies: dict[str, set[str]] = {}
        # By id(record), with the record itself: while an entry holds the record, no
        # other object can have its id, so a hit is always the same record.
        self._shown: Lru[_Shown] = Lru(_SHOWN)

    @property
    def versions(self) -> dict[str, str]:
        """Versions of the code and data behind every result (for the audit log)."""
        return dict(self.pool.versions)

    def load(self, workers: Iterable[Worker], vacancies: Iterable[Vacancy]) -> None:
        """Fill the pool with the stored records (on start)."""
        orders = list(vacancies)
        # Records or views (not renamed: their facts take the pool keys, as in a bulk upload).
        stored = [(w, w.agency_id) for w in workers]
        self.pool.load(
            stored,
            ((_keyed(v), v.agency_id) for v in orders),
            ids=[pool_key(agency_id, w.id) for w, agency_id in stored],
        )
        self._index_orders(orders)

    def restore(
        self,
        workers: Sequence[tuple[WorkerFacts, str]],
        encoded: EncodedPool,
        vacancies: Iterable[Vacancy],
    ) -> None:
        """Fill the pool with a saved pool's workers (:meth:`LivePool.saved_rows`: facts
        under pool keys, encoded) and the stored job orders (on start)."""
        orders = list(vacancies)
        self.pool.restore(workers, encoded, ((_keyed(v), v.agency_id) for v in orders))
        self._index_orders(orders)

    def _index_orders(self, orders: Sequence[Vacancy]) -> None:
        with self._lock:
            self._order_agencies = {}
            for vacancy in orders:
                self._order_agencies.setdefault(vacancy.id, set()).add(vacancy.agency_id)

    def put_worker(self, worker: Worker) -> None:
        """Add or replace a worker."""
        self.put_workers([worker])

    def put_workers(self, workers: Sequence[Worker]) -> None:
        """Add or replace many workers with one encoding (bulk uploads)."""
        # Facts read under the pool's keys: no copy of each record with its id replaced.
        keys = [pool_key(w.agency_id, w.id) for w in workers]
        self.pool.upsert_workers([(w, w.agency_id) for w in workers], keys)

    def prepare_workers(self, workers: Sequence[Worker]) -> PreparedWorkers:
        """What :meth:`put_prepared` adds of ``workers`` (records or views): their facts
        under the pool's keys and their encoded rows, read from them alone."""
        keys = [pool_key(w.agency_id, w.id) for w in workers]
        return self.pool.prepare_workers([(w, w.agency_id) for w in workers], keys)

    def put_prepared(self, prepared: PreparedWorkers) -> None:
        """Add or replace the workers :meth:`prepare_workers` prepared."""
        self.pool.put_prepared(prepared)

    def drop_worker(self, agency_id: str, worker_id: str) -> None:
        """Remove a worker."""
        self.pool.delete_worker(pool_key(agency_id, worker_id))

    def put_vacancy(self, vacancy: Vacancy) -> None:
        """Add or replace a job order."""
        self.pool.upsert_vacancy(_keyed(vacancy), vacancy.agency_id)
        with self._lock:
            self._order_agencies.setdefault(vacancy.id, set()).add(vacancy.agency_id)

    def drop_vacancy(self, agency_id: str, vacancy_id: str) -> None:
        """Remove a job order."""
        self.pool.delete_vacancy(pool_key(agency_id, vacancy_id))
        with self._lock:
            owners = self._order_agencies.get(vacancy_id, set())
            owners.discard(agency_id)
            if not owners:
                self._order_agencies.pop(vacancy_id, None)

    def stored_job_order(self, vacancy_id: str, agency_id: str | None) -> StoredJobOrder:
        """The stored job order ``vacancy_id`` of ``agency_id`` (None: of any agency).

        Raises
        ------
        api.storage.store.RecordNotFoundError
            If there is none.
        api.storage.store.AmbiguousIdError
            If ``agency_id`` is None and several agencies use the id.
        """
        with self._lock:
            owners = sorted(self._order_agencies.get(vacancy_id, ()))
        if agency_id is not None:
            owners = [owner for owner in owners if owner == agency_id]
        if len(owners) > 1:
            raise ambiguous(JOB_ORDERS, vacancy_id)
        pooled = None if not owners else self.pool.stored_vacancy(pool_key(owners[0], vacancy_id))
        if pooled is None:  # none, or deleted meanwhile
            raise not_found(JOB_ORDERS, vacancy_id)
        return StoredJobOrder(owners[0], vacancy_id, pooled)

    def candidates(
        self,
        order: StoredJobOrder | Vacancy,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        include_ineligible: bool,
        agency_id: str | None,
        lang: Lang,
    ) -> Ranked:
        """The top ``k`` workers for a job order, or its refusal reasons.

        Parameters
        ----------
        order : StoredJobOrder or Vacancy
            A stored job order, or an unsaved one (POST /match).
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
        Ranked
            :class:`api.schemas.RankedPair` records by rank (none when refused), the
            audit entry's ``[worker_agency_id, worker_id]`` of each.
        """
        keyed = order.pooled if isinstance(order, StoredJobOrder) else _unsaved(order)
        found = self.pool.candidate_records(
            keyed,
            agencies=agencies,
            as_of=as_of,
            k=k,
            include_ineligible=include_ineligible,
            agency_id=agency_id,
            lang=lang,
        )
        if not isinstance(found, tuple):
            return Ranked(list(found.reasons), ())
        return Ranked(None, self._shown_records(found, by_worker=True))

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
    ) -> Ranked:
        """The top ``k`` open job orders for a worker (of agency ``scope``, or all); the
        audit entry's ``[vacancy_agency_id, vacancy_id]`` of each."""
        found = self.pool.job_order_records(
            pool_key(agency_id, worker_id),
            agencies=agencies,
            as_of=as_of,
            k=k,
            agency_id=scope,
            lang=lang,
        )
        return Ranked(None, self._shown_records(found, by_worker=False))

    def explanation(
        self,
        agency_id: str,
        worker_id: str,
        order: StoredJobOrder,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        lang: Lang,
    ) -> dict[str, Any]:
        """One pair's components, gaps, flags and readable lines."""
        found = self.pool.explanation(
            pool_key(agency_id, worker_id),
            order.pooled,
            agencies=agencies,
            as_of=as_of,
            lang=lang,
        )
        return {
            **found,
            "vacancy_id": order.id,
            "worker_id": worker_id,
            "worker_agency_id": agency_id,
            "vacancy_agency_id": order.agency_id,
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

    def _shown_records(
        self, records: Sequence[MatchResult], *, by_worker: bool
    ) -> tuple[_Shown, ...]:
        """Each record as the API shows it, kept by record (one lock for the answer)."""
        kept = self._shown.get_many([id(record) for record in records])
        made: dict[Hashable, _Shown] = {}
        shown = []
        for record, found in zip(records, kept, strict=True):
            if found is None or found.record is not record:
                found = made[id(record)] = _shown(record, by_worker=by_worker)
            shown.append(found)
        if made:
            self._shown.put_many(made)
        return tuple(shown)


def _shown(record: MatchResult, *, by_worker: bool) -> _Shown:
    """A memoized record (rank 1) as the API shows it: ids split from pool keys, the
    owning agencies (none for an unsaved job order), its JSON around the rank."""
    fields = record.model_dump(mode="json")
    worker_agency, worker_id = split_key(record.worker_id)
    fields["worker_id"], fields["worker_agency_id"] = worker_id, worker_agency
    vacancy_agency: str | None
    vacancy_agency, vacancy_id = split_key(record.vacancy_id)
    if vacancy_agency.startswith(_UNSAVED):
        vacancy_agency = None
    fields["vacancy_id"], fields["vacancy_agency_id"] = vacancy_id, vacancy_agency
    names = list(fields)
    at = names.index("rank")
    # ``{...,"rank":0}`` and ``{"score":...}``: the rank's digits go between.
    head = orjson.dumps({**{name: fields[name] for name in names[:at]}, "rank": 0})
    tail = orjson.dumps({name: fields[name] for name in names[at + 1 :]})
    ids: list[str | None] = (
        [worker_agency, worker_id] if by_worker else [vacancy_agency, vacancy_id]
    )
    return _Shown(record, fields, head[: -len(b"0}")], b"," + tail[1:], ids)


def _keyed(vacancy: Vacancy) -> Vacancy:
    return with_id(vacancy, pool_key(vacancy.agency_id, vacancy.id))


def _unsaved(vacancy: Vacancy) -> Vacancy:
    return with_id(vacancy, _UNSAVED + pool_key(vacancy.agency_id, vacancy.id))
