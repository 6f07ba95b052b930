"""Every stored returnee's best domestic opportunities, kept current between requests.

``GET /returnees/{id}/opportunities`` answers from one kernel pass over all stored
returnees (:class:`matcher.reintegration.book.OpportunityBook`) instead of scoring every
opportunity per request. The server keeps one book, for one evaluation date:

- it is built in a background thread, the first time a date is asked for (and again when
  the date asked for is a new today); until it is built, answers take the stored path
  (the returnee read from the store and ranked afresh: exact, slower), and a request for
  another date always does;
- every write is applied to it by the writing request, after its commit and before it
  answers (:meth:`OpportunityBooks.returnees_written`,
  :meth:`OpportunityBooks.returnee_deleted`, :meth:`OpportunityBooks.opportunities_written`):
  a written returnee is selected again on its own, a written opportunity is scored
  against every returnee; the next answer sees the write. Writes made while a book is
  being built are applied to it again before it replaces the kept one.

A request reads the kept book on the event loop (:meth:`OpportunityBooks.kept`, which
never waits): each update replaces the kept reference whole, so a reader sees the book
before a write or after it, never half of one.

Answers given from the book are kept with it as sent (:meth:`OpportunityBooks.answer`:
the response body and the ids its audit entry names), at most
:data:`MAX_KEPT_ANSWERS` of them: the same question asked again while the book
gives that returnee the same answer is not evaluated and rendered again. A write drops
the kept answers of exactly the returnees whose answers it may change
(:meth:`matcher.reintegration.book.OpportunityBook.changed`); a new book starts with
none.

A book over 100,000 returnees is millions of Python objects that live until the next
build. Each full collection of the cyclic garbage collector traversed them all (2-8 s
each: about 40 % of a build's time at 100,000 x 5,000, and a stall of every answer when
one came while serving), so a build
moves what is alive out of the collector's generations (:func:`gc.freeze`) before it
reads the store and again once its book is kept. That is safe because a book holds no
reference cycles (``tests/matcher/reintegration/test_reintegration_book.py``): a
replaced one is freed by reference counting, frozen or not. Unlike the live pool's load
(:func:`matcher.memory.building_long_lived`), the collector is neither paused during the
build nor run at its end: the server answers meanwhile, so a pause would let the
requests' cyclic garbage pile up and be frozen with the book, and a full collection at
the end would stop every answer for seconds.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from api.storage.database import read_session
from api.storage.reintegration import OpportunityRow, list_opportunities, returnees_in
from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.run import prepare_reintegration
from models.opportunity import Opportunity
from models.typed_workers import with_id
from models.worker import Worker

__all__ = [
    "BOOK_DEPTH",
    "MAX_KEPT_ANSWERS",
    "KeptAnswer",
    "OpportunityBooks",
    "book_name",
    "named_offers",
    "offer_name",
    "offer_of",
]

BOOK_DEPTH = 20
"""Most opportunities per returnee the kept book answers (a larger ``k`` is ranked afresh)."""

MAX_KEPT_ANSWERS = 20_000
"""Most answers kept (1-10 kB each: ten to twenty records), counted since the book was
built (an upper bound: a write drops some without counting them); past it the kept
answers are dropped and kept again as they are asked."""


@dataclass(frozen=True)
class KeptAnswer:
    """One returnee's answer from the book, as sent.

    Attributes
    ----------
    body : bytes
        The JSON response body.
    result_ids : tuple of (str, str)
        The owner and id of each opportunity it names, in order (its audit entry's).
    """

    body: bytes
    result_ids: tuple[tuple[str, str], ...]


# Returnee name (book_name) -> question (k, language...) -> its answer.
_Answers = dict[str, dict[Hashable, KeptAnswer]]


@dataclass(frozen=True)
class _Kept:
    """The kept book of one day and the answers given from it.

    ``answers`` belongs to this state: a write copies it (the copy shares the inner
    dictionaries of the returnees it leaves unchanged, whose answers stay valid) and
    drops the changed returnees from the copy, so an answer a reader of this state adds
    later never reaches a newer state that it might not fit.
    """

    day: dt.date
    book: OpportunityBook
    answers: _Answers
    kept: list[int]
    """How many answers were added to ``answers`` and its ancestors' since the last
    time they were dropped (one item, counted on the event loop)."""


_log = logging.getLogger(__name__)

_Update = Callable[[OpportunityBook, dt.date], OpportunityBook]


# Names join two identifiers with a space: no identifier holds one (a "/" may be in an
# agency's id and a record's, so "A/B" with "C" was named as "A" with "B/C"), and it sorts
# before every character of one, so names sort as their (first, second) pairs.
_JOIN = " "


def book_name(agency_id: str, record_id: str) -> str:
    """The name of a returnee in the book and in a ranking of several agencies' returnees
    (ids are unique within an agency only): equal scores rank by agency, then id."""
    return f"{agency_id}{_JOIN}{record_id}"


def offer_name(owner: str, opportunity_id: str) -> str:
    """The name an opportunity is ranked under, in the book and in a ranking afresh: its
    id, then its owner (agencies may share an id). Equal scores then rank by id, then by
    owner, and the name reads back (:func:`offer_of`)."""
    return f"{opportunity_id}{_JOIN}{owner}"


def offer_of(name: str) -> tuple[str, str]:
    """The owner and id of an opportunity from its :func:`offer_name`."""
    opportunity_id, owner = name.split(_JOIN, 1)
    return owner, opportunity_id


def named_offers(rows: Sequence[OpportunityRow]) -> list[Opportunity]:
    """Stored opportunities under their :func:`offer_name`, to be ranked."""
    return [_named(r.owner_agency_id, Opportunity.model_validate_json(r.record)) for r in rows]


def _named(owner: str, opportunity: Opportunity) -> Opportunity:
    return opportunity.model_copy(update={"id": offer_name(owner, opportunity.id)})


class OpportunityBooks:
    """The server's kept book, its background build and the writes applied to it."""

    def __init__(self) -> None:
        # Orders the writes' updates with a build's replay and publication; never taken
        # on the event loop.
        self._lock = threading.Lock()
        # Held for an instant, on the event loop too: whether a build is running.
        self._starting = threading.Lock()
        self._kept: _Kept | None = None
        self._building: threading.Thread | None = None
        # Writes applied since the running build began reading the store (replayed on
        # its book: applying a write twice gives the same book answers).
        self._pending: list[_Update] | None = None

    def kept(self, engine: Engine, day: dt.date) -> OpportunityBook | None:
        """The book of ``day`` if it is built, else None (and a build begins when due);
        never waits.

        Parameters
        ----------
        engine : Engine
            The store a build reads.
        day : datetime.date
            The evaluation date.

        Returns
        -------
        OpportunityBook or None
        """
        found = self._current(engine, day)
        return None if found is None else found.book

    def answer(
        self,
        engine: Engine,
        day: dt.date,
        name: str,
        question: Hashable,
        render: Callable[[OpportunityBook], KeptAnswer | None],
    ) -> KeptAnswer | None:
        """Returnee ``name``'s answer to ``question`` from the book of ``day``: the kept
        one, or ``render`` of the book, then kept; None when there is no book of ``day``
        yet (a build begins when due) or ``render`` gives none. Never waits.

        Parameters
        ----------
        engine : Engine
            The store a build reads.
        day : datetime.date
            The evaluation date.
        name : str
            The returnee's :func:`book_name`.
        question : hashable
            Everything else the answer depends on (``k``, the language).
        render : callable
            The answer from the book, or None when the book cannot give it (not kept).

        Returns
        -------
        KeptAnswer or None
        """
        found = self._current(engine, day)
        if found is None:
            return None
        answers = found.answers
        kept = answers.get(name)
        if kept is not None and question in kept:
            return kept[question]
        rendered = render(found.book)
        if rendered is None:
            return None
        if found.kept[0] >= MAX_KEPT_ANSWERS:
            answers.clear()
            found.kept[0] = 0
        answers.setdefault(name, {})[question] = rendered
        found.kept[0] += 1
        return rendered

    def _current(self, engine: Engine, day: dt.date) -> _Kept | None:
        found = self._kept
        if found is not None and found.day == day:
            return found
        # One book is kept: another date than the kept one's replaces it only when it is
        # today (a new day has come); any other date takes the stored path.
        if found is None or day == dt.date.today():
            self._begin(engine, day)
        return None

    def settle(self, timeout: float | None = None) -> None:
        """Wait for a build in progress to end (tests, benchmarks)."""
        thread = self._building
        if thread is not None:
            thread.join(timeout)

    def returnees_written(
        self, workers: Sequence[Worker], settled: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Workers were committed (added or replaced): update their entries.

        A worker without a ``returned`` date leaves the book. Called by the writing
        request, under the server's write lock, after the commit.

        Parameters
        ----------
        workers : Sequence[Worker]
            The workers written (records or views).
        settled : Sequence[tuple[str, str]]
            The agency and id of more workers written without a ``returned`` date, whose
            records are not at hand (a bulk upload's part read in another process).
        """
        # The last of a name is the one stored (an upload may repeat an id).
        last = {book_name(w.agency_id, w.id): w for w in workers}
        named = [with_id(w, name) for name, w in last.items() if w.returned is not None]
        settled_names = [name for name, w in last.items() if w.returned is None]
        settled_names += [book_name(agency_id, worker_id) for agency_id, worker_id in settled]

        def update(book: OpportunityBook, day: dt.date) -> OpportunityBook:
            read = prepare_reintegration(named, [], day).returnees
            return book.without_returnees(settled_names).with_returnees(read)

        self._apply(update)

    def returnee_deleted(self, agency_id: str, worker_id: str) -> None:
        """A worker was deleted (under the write lock, after the commit)."""
        name = book_name(agency_id, worker_id)
        self._apply(lambda book, _: book.without_returnees([name]))

    def opportunities_written(self, owner: str, opportunities: Sequence[Opportunity]) -> None:
        """Opportunities of ``owner`` were committed (added or replaced): score them
        against every returnee (under the write lock, after the commit)."""
        named = [_named(owner, o) for o in opportunities]
        keys = [o.id for o in named]

        def update(book: OpportunityBook, day: dt.date) -> OpportunityBook:
            screened = prepare_reintegration([], named, day).opportunities
            return book.with_opportunities(list(zip(keys, screened, strict=True)))

        self._apply(update)

    def _apply(self, update: _Update) -> None:
        with self._lock:
            if self._pending is not None:
                self._pending.append(update)
            found = self._kept
            if found is None:
                return
            try:
                book = update(found.book, found.day)
                answers = found.answers.copy()
                for name in book.changed(found.book):
                    answers.pop(name, None)
                self._kept = _Kept(found.day, book, answers, [found.kept[0]])
            except Exception:
                # The write is committed: its request must not fail. A book that missed
                # it must not answer either; the next request builds a new one.
                _log.exception("the opportunity book could not apply a write: dropped")
                self._kept = None

    def _begin(self, engine: Engine, day: dt.date) -> None:
        with self._starting:
            if self._building is not None:
                return
            thread = threading.Thread(
                target=self._build, args=(engine, day), name="opportunity-book", daemon=True
            )
            self._building = thread
        thread.start()

    def _build(self, engine: Engine, day: dt.date) -> None:
        """Read the store, select every returnee's best, replay the writes made since the
        read began, and keep the book (a background thread)."""
        try:
            # Before the read: a write committed after it began is replayed below.
            self._pending = []
            gc.freeze()  # what is alive now (the live pool...) is not traversed again
            book = _read_and_build(engine, day)
            with self._lock:
                for update in self._pending or ():
                    book = update(book, day)
                self._kept = _Kept(day, book, {}, [0])
            gc.freeze()  # nor the book (the build's temporaries are gone: not frozen)
            _log.info("opportunity book of %s built: %d returnees", day, len(book.rows))
        except Exception:
            _log.exception("the opportunity book of %s could not be built", day)
        finally:
            with self._lock:
                self._pending = None
            with self._starting:
                self._building = None


def _read_and_build(engine: Engine, day: dt.date) -> OpportunityBook:
    """Every stored returnee's best opportunities on ``day``, read from the store."""
    with read_session(engine) as session:
        people = returnees_in(session, None)
        rows = list_opportunities(session, None)
    named = [with_id(p, book_name(p.agency_id, p.id)) for p in people]
    offers = named_offers(rows)
    run = prepare_reintegration(named, offers, day)
    return OpportunityBook.build(run, BOOK_DEPTH, keys=[o.id for o in offers])
