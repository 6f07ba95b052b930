"""The live pool's job orders and their screening, memoized.

Screening a job order (rule packs, wage floor, licence, moratoria) depends on the job order,
the evaluation date and the licence record of its agency, nothing else; it is kept under
that key. A stored job order is known by the serial of its stored version, a job order that
is not stored (POST /match) or differs from the stored one by its JSON text.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from api.live_pool.cache import Lru
from matcher.rules.screening import ScreenedVacancy, screen_vacancies
from matcher.rules.types import RulePack
from matcher.taxonomy.skills import SkillNormalizer
from models.agency import Agency
from models.vacancy import Vacancy

__all__ = ["OrderStore", "Screened", "StoredOrder"]

# Screenings kept: every stored job order for a few evaluation dates, at 10^4 job orders.
_SCREENINGS = 65_536


@dataclass(frozen=True)
class StoredOrder:
    """The current version of a stored job order."""

    vacancy: Vacancy
    agency_id: str
    serial: int


@dataclass(frozen=True)
class Screened:
    """A screened job order and the key its screening (and its pairs' records) is kept by."""

    screened: ScreenedVacancy
    key: Hashable


class OrderStore:
    """Stored job orders by id, and screening with a memo.

    Parameters
    ----------
    packs : Mapping[str, RulePack]
        Rule packs by programme, with ``ID-LAW``.
    skills : SkillNormalizer
        Reads requirement skill names.
    """

    def __init__(self, packs: Mapping[str, RulePack], skills: SkillNormalizer) -> None:
        self.packs = packs
        self.skills = skills
        self._lock = threading.Lock()
        self._orders: dict[str, StoredOrder] = {}
        self._n_serials = 0
        self._screened: Lru[ScreenedVacancy] = Lru(_SCREENINGS)

    def load(self, orders: Iterable[tuple[Vacancy, str]]) -> None:
        """Replace every job order."""
        with self._lock:
            self._orders = {}
            for vacancy, agency_id in orders:
                self._put(vacancy, agency_id)

    def put(self, vacancy: Vacancy, agency_id: str) -> None:
        """Add or replace a job order."""
        with self._lock:
            self._put(vacancy, agency_id)

    def _put(self, vacancy: Vacancy, agency_id: str) -> None:
        self._orders[vacancy.id] = StoredOrder(vacancy, agency_id, self._n_serials)
        self._n_serials += 1

    def delete(self, vacancy_id: str) -> bool:
        """Remove a job order; returns whether there was one."""
        with self._lock:
            return self._orders.pop(vacancy_id, None) is not None

    def get(self, vacancy_id: str) -> StoredOrder | None:
        """The stored job order ``vacancy_id``, or None."""
        with self._lock:
            return self._orders.get(vacancy_id)

    def orders(self, agency_id: str | None = None) -> list[StoredOrder]:
        """The stored job orders (of ``agency_id``, or all), by id."""
        with self._lock:
            found = [o for o in self._orders.values() if agency_id in (None, o.agency_id)]
        return sorted(found, key=lambda o: o.vacancy.id)

    def identity(self, vacancy: Vacancy) -> Hashable:
        """The stored version's serial when ``vacancy`` is the stored record, else its text."""
        with self._lock:
            stored = self._orders.get(vacancy.id)
        if stored is not None and (stored.vacancy is vacancy or stored.vacancy == vacancy):
            return stored.serial
        return vacancy.model_dump_json()

    def screen(
        self,
        vacancies: Sequence[tuple[Vacancy, Hashable]],
        register: Mapping[str, Agency],
        as_of: dt.date,
    ) -> list[Screened]:
        """Screen job orders, each given with its :meth:`identity`.

        Parameters
        ----------
        vacancies : sequence of (Vacancy, identity)
        register : Mapping[str, Agency]
            The agency register by id.
        as_of : datetime.date
            The evaluation date.

        Returns
        -------
        list of Screened
            In order.
        """
        licences: dict[str, str | None] = {}
        for vacancy, _ in vacancies:
            if vacancy.agency_id not in licences:
                agency = register.get(vacancy.agency_id)
                licences[vacancy.agency_id] = None if agency is None else agency.model_dump_json()
        keys = [(identity, as_of, licences[v.agency_id]) for v, identity in vacancies]
        found = {i: s for i, key in enumerate(keys) if (s := self._screened.get(key)) is not None}
        missing = [i for i in range(len(keys)) if i not in found]
        if missing:
            fresh = screen_vacancies(
                [vacancies[i][0] for i in missing], self.packs, register, as_of, self.skills
            )
            for i, screened in zip(missing, fresh, strict=True):
                self._screened.put(keys[i], screened)
                found[i] = screened
        return [Screened(found[i], key) for i, key in enumerate(keys)]
