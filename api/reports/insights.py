"""The policy tables of the stored pool, cached per data version.

A table is computed from the stored records exactly as ``selaras insights`` computes it
from files (:func:`matcher.insights.build.build_tables`: one engine pass, every table,
disclosure control), for the whole store or one agency's records. The result is kept
under the live pool's :attr:`~api.live_pool.pool.LivePool.generation` (which every write of a
worker or job order advances), the agency register, the scope, the date and the
threshold: a question asked again before any write is answered without the engine.
The ``courses`` table is planned on the stored course catalogue (one training plan of the
scope's pool, as ``selaras insights --courses`` plans it) and kept under the catalogue's
version too.
Records are read from the store, whose commits the live pool follows; a computation
during which a write landed is answered but not kept.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Iterable
from typing import TypeVar

from api.deps import Server
from api.live_pool.cache import Lru
from api.storage.database import read_session
from api.storage.store import JOB_ORDERS, WORKERS, iter_records
from api.storage.training import catalogue_version, list_courses
from api.training_runs import CATALOGUE_FILE
from matcher.allocation.round import round_key
from matcher.insights.build import build_tables
from matcher.insights.courses_table import CourseCatalogue
from matcher.insights.table import ProtectedTable
from matcher.scoring.matching import prepare_run
from models.course import Course
from models.typed_workers import with_id
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["InsightsCache"]

RecordT = TypeVar("RecordT", Worker, Vacancy)

# Tables of a few dates, scopes and thresholds: each entry is aggregates only (kilobytes).
_ENTRIES = 32


class InsightsCache:
    """Protected policy tables by (data version, register, scope, as_of, min_cell)."""

    def __init__(self) -> None:
        self._tables: Lru[list[ProtectedTable]] = Lru(_ENTRIES)
        # One computation at a time: a second caller of the same question waits for the
        # first and then finds it cached instead of running the engine again.
        self._lock = threading.Lock()

    def tables(
        self,
        server: Server,
        *,
        agency_id: str | None,
        as_of: dt.date,
        min_cell: int,
        courses: bool = False,
    ) -> list[ProtectedTable]:
        """Every engine table of the stored pool (or of one agency's records).

        Parameters
        ----------
        server : Server
        agency_id : str or None
            Only this agency's workers and job orders; None: the whole store.
        as_of : datetime.date
        min_cell : int
            At least 3.
        courses : bool
            The ``courses`` table alone instead, planned on the stored course catalogue
            (none when no course is stored).

        Returns
        -------
        list of ProtectedTable

        Raises
        ------
        InvalidInputError
            (``courses``) A stored course the engine cannot plan on ``as_of`` (a currency
            without a rate that day), naming the catalogue's line and field.
        """
        with self._lock:
            generation = server.ranking.pool.generation
            with read_session(server.engine) as session:
                stored = list_courses(session) if courses else []
            if courses and not stored:
                return []
            version = catalogue_version(stored) if courses else None
            key = (generation, _register(server), agency_id, as_of, min_cell, version)
            found = self._tables.get(key)
            if found is not None:
                return found
            with read_session(server.engine) as session:
                workers = _scoped(iter_records(session, WORKERS), agency_id)
                orders = _scoped(iter_records(session, JOB_ORDERS), agency_id)
            run = prepare_run(workers, orders, server.agencies, as_of)
            catalogue = None
            if courses:
                records = [Course.model_validate_json(row.record) for row in stored]
                lines = range(1, len(records) + 1)
                catalogue = CourseCatalogue(records, lines, CATALOGUE_FILE)
            names = ("courses",) if courses else ()
            built = build_tables(run, workers, tables=names, courses=catalogue, min_cell=min_cell)
            if server.ranking.pool.generation == generation:
                self._tables.put(key, built)
            return built


def _register(server: Server) -> Hashable:
    return tuple(a.model_dump_json() for a in server.agencies)


def _scoped(records: Iterable[RecordT], agency_id: str | None) -> list[RecordT]:
    """The records of ``agency_id`` (all when None), ids keyed by agency: ids are unique
    only within an agency, and the round's ties go by id (as ``/batch-runs`` does)."""
    return [
        with_id(r, round_key(r.agency_id, r.id))
        for r in records
        if agency_id is None or r.agency_id == agency_id
    ]
