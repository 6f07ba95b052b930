"""Every stored returnee's best domestic opportunities, kept between requests.

``GET /returnees/{id}/opportunities`` answers from one kernel pass over all stored
returnees (:class:`matcher.reintegration.book.OpportunityBook`) instead of scoring every
opportunity per request. The book is kept for one (live-pool generation, opportunity
uploads, day) at a time: a write of a worker advances the generation, an upload of
opportunities calls :meth:`OpportunityBooks.written`.

A request answers on the event loop from a book already built (:meth:`OpportunityBooks.kept`,
which never waits); only a request that finds none goes to a worker thread, where
:meth:`OpportunityBooks.book` builds it.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine

from api.storage.database import read_session
from api.storage.reintegration import all_opportunities, returnees_in
from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.run import prepare_reintegration

__all__ = ["BOOK_DEPTH", "OpportunityBooks"]

BOOK_DEPTH = 20
"""Most opportunities per returnee the kept book answers (a larger ``k`` is ranked afresh)."""


class OpportunityBooks:
    """The server's kept book: built on first use, rebuilt when its key changes."""

    def __init__(self) -> None:
        # One build at a time: a second caller of the same key waits and finds it kept.
        self._lock = threading.Lock()
        self._kept: tuple[tuple[int, int, dt.date], OpportunityBook] | None = None
        self._uploads = 0

    def written(self) -> None:
        """Opportunities were uploaded: a book built before is stale."""
        with self._lock:
            self._uploads += 1

    def kept(self, generation: int, day: dt.date) -> OpportunityBook | None:
        """The book of ``(generation, day)`` if it is built, else None; never waits.

        Called on the event loop: a build in progress holds the lock for seconds, so the
        kept pair is read without it (one reference, swapped whole by :meth:`book`).

        Parameters
        ----------
        generation : int
            The live pool's generation.
        day : datetime.date
            The evaluation date.

        Returns
        -------
        OpportunityBook or None
        """
        found = self._kept
        if found is None or found[0] != (generation, self._uploads, day):
            return None
        return found[1]

    def book(self, engine: Engine, generation: int, day: dt.date) -> OpportunityBook:
        """The book of every stored returnee's best opportunities on ``day``.

        Parameters
        ----------
        engine : Engine
            The store.
        generation : int
            The live pool's generation (advanced by every write of a worker).
        day : datetime.date
            The evaluation date.

        Returns
        -------
        OpportunityBook
            Returnees named ``"<agency_id>/<id>"`` (ids are unique within an agency only).
        """
        with self._lock:
            key = (generation, self._uploads, day)
            if self._kept is None or self._kept[0] != key:
                with read_session(engine) as session:
                    people = returnees_in(session, None)
                    offers = all_opportunities(session)
                named = [p.model_copy(update={"id": f"{p.agency_id}/{p.id}"}) for p in people]
                run = prepare_reintegration(named, offers, day)
                self._kept = key, OpportunityBook.build(run, BOOK_DEPTH)
            return self._kept[1]
