"""Query parameters shared by several routes, with their bounds and descriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query

from api.settings import MAX_K, MAX_PAGE_SIZE
from matcher.text.messages import Lang
from models.bounds import BoundedDateTime, Day
from models.common import Identifier
from models.files import FileFormat

__all__ = [
    "ActionQuery",
    "AfterQuery",
    "AgencyQuery",
    "AsOfQuery",
    "CandidatesQuery",
    "CursorQuery",
    "ExplanationQuery",
    "FormatQuery",
    "JobOrderExplanationQuery",
    "KQuery",
    "KeyIdPath",
    "KeyIdQuery",
    "LangQuery",
    "LogPage",
    "LogPageQuery",
    "PageSizeQuery",
    "PairsQuery",
    "RankingQuery",
    "ReturneeExplanationQuery",
    "RunIdPath",
    "UpdatedSinceQuery",
    "explanation_query",
    "ranking_query",
]

AgencyQuery = Annotated[
    Identifier | None,
    Query(description="The owning agency (officers: needed when several agencies use the id)."),
]
PageSizeQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size.")]
CursorQuery = Annotated[
    str | None, Query(max_length=400, description="The previous page's `next_cursor`.")
]
UpdatedSinceQuery = Annotated[
    BoundedDateTime | None,
    Query(description="Only records written at or after this instant (years 1900-2199)."),
]
AfterQuery = Annotated[int, Query(ge=0, le=2**62, description="Entries after this seq.")]
"""The ``seq`` a page of a log (audit, quarantine) starts after."""
KQuery = Annotated[int, Query(ge=1, le=MAX_K, description="How many results.")]
AsOfQuery = Annotated[
    Day | None,
    Query(description="Evaluation date, 1900-01-01 to 2199-12-31 (default: today, on the server)."),
]
LangQuery = Annotated[Lang, Query(description="Language of gaps, flags and reasons.")]
FormatQuery = Annotated[
    FileFormat | None,
    Query(description="jsonl, json or csv (default: the file name's extension, else sniffed)."),
]

# Key ids, run ids and audit actions are short ASCII tokens: anything else (a NUL, which
# PostgreSQL cannot even compare with a text column) is a 422 before it reaches the store.
_TOKEN = r"^[A-Za-z0-9_-]{1,32}$"
KeyIdPath = Annotated[str, Path(pattern=_TOKEN, description="A key id (not the key).")]
KeyIdQuery = Annotated[str | None, Query(pattern=_TOKEN, description="Only this key's entries.")]
RunIdPath = Annotated[str, Path(pattern=_TOKEN, description="A batch run's id.")]
ActionQuery = Annotated[
    str | None, Query(pattern=r"^[a-z_.]{1,32}$", description="Only entries of this action.")
]


@dataclass(frozen=True)
class LogPage:
    """Which page of a log (audit, quarantine) a request reads.

    Attributes
    ----------
    after : int
        The ``seq`` the page starts after.
    limit : int
        Most entries on the page.
    """

    after: int
    limit: int

    def next_after(self, seqs: Sequence[int]) -> int | None:
        """The ``after`` of the next page, given the page's ``seqs``; None when this page
        is the last (it is not full)."""
        return seqs[-1] if len(seqs) == self.limit else None


async def _log_page(after: AfterQuery = 0, limit: PageSizeQuery = 100) -> LogPage:
    return LogPage(after, limit)


LogPageQuery = Annotated[LogPage, Depends(_log_page)]
"""The ``after`` and ``limit`` of a log's page (declare it before the log's filters:
FastAPI lists a dependency's parameters where the dependency stands)."""


@dataclass(frozen=True)
class RankingQuery:
    """The query of a route that ranks one stored record's counterparts.

    Attributes
    ----------
    k : int
        How many results.
    as_of : datetime.date
        The evaluation date (today, on the server, when the query names none).
    include_ineligible : bool
        Also list the ineligible, after the eligible.
    lang : Lang
        Language of gaps, flags and reasons.
    agency_id : str or None
        The agency of the stored record the path names, when several use its id.
    """

    k: int
    as_of: dt.date
    include_ineligible: bool
    lang: Lang
    agency_id: str | None

    def audited(self) -> dict[str, Any]:
        """The parameters its audit entry records."""
        return {
            "k": self.k,
            "as_of": self.as_of,
            "include_ineligible": self.include_ineligible,
            "lang": self.lang,
        }


def ranking_query(ranked: str) -> Callable[..., Coroutine[Any, Any, RankingQuery]]:
    """The dependency that reads a :class:`RankingQuery` from the query string.

    Parameters
    ----------
    ranked : str
        What the route ranks (``workers``, ``pairs``), for the description of
        ``include_ineligible``.

    Returns
    -------
    callable
        The dependency (``Annotated[RankingQuery, Depends(...)]``): a coroutine, as
        every dependency of the ranking routes is (FastAPI runs a plain function in a
        worker thread, a hop that costs more than reading five parameters).
    """

    async def query(
        k: KQuery = 10,
        as_of: AsOfQuery = None,
        include_ineligible: bool = False,
        lang: LangQuery = "en",
        agency_id: AgencyQuery = None,
    ) -> RankingQuery:
        return RankingQuery(k, as_of or dt.date.today(), include_ineligible, lang, agency_id)

    # FastAPI reads the description from the annotation, which this module's postponed
    # evaluation cannot resolve from a local name.
    description = f"Also list ineligible {ranked} (after the eligible), with gaps."
    query.__annotations__["include_ineligible"] = Annotated[bool, Query(description=description)]
    return query


CandidatesQuery = Annotated[RankingQuery, Depends(ranking_query("workers"))]
"""The query of the routes that rank workers for a job order."""
PairsQuery = Annotated[RankingQuery, Depends(ranking_query("pairs"))]
"""The query of the reintegration routes that rank returnee-opportunity pairs."""


@dataclass(frozen=True)
class ExplanationQuery:
    """The query of a route that explains one pair of two stored records.

    Attributes
    ----------
    as_of : datetime.date
        The evaluation date (today, on the server, when the query names none).
    lang : Lang
        Language of gaps, flags and reasons.
    agency_id : str or None
        The agency of the path's first record, when several use its id.
    other_agency_id : str or None
        The agency of the path's second record, when several use its id.
    """

    as_of: dt.date
    lang: Lang
    agency_id: str | None
    other_agency_id: str | None


def explanation_query(
    other: str, description: str | None
) -> Callable[..., Coroutine[Any, Any, ExplanationQuery]]:
    """The dependency that reads an :class:`ExplanationQuery` from the query string.

    Parameters
    ----------
    other : str
        The query parameter naming the second record's agency (``worker_agency_id``...).
    description : str or None
        Its description in the OpenAPI document.

    Returns
    -------
    callable
        The dependency (``Annotated[ExplanationQuery, Depends(...)]``), a coroutine as in
        :func:`ranking_query`.
    """

    async def query(
        as_of: AsOfQuery = None,
        lang: LangQuery = "en",
        agency_id: AgencyQuery = None,
        other_agency_id: Identifier | None = None,
    ) -> ExplanationQuery:
        return ExplanationQuery(as_of or dt.date.today(), lang, agency_id, other_agency_id)

    # As in ranking_query: the annotation is set here, where the local names resolve.
    query.__annotations__["other_agency_id"] = Annotated[
        Identifier | None, Query(alias=other, description=description)
    ]
    return query


JobOrderExplanationQuery = Annotated[
    ExplanationQuery,
    Depends(explanation_query("worker_agency_id", "The worker's agency, when several use the id.")),
]
"""The query of the explanation of a job order's candidate (the second record: the worker)."""
ReturneeExplanationQuery = Annotated[
    ExplanationQuery, Depends(explanation_query("opportunity_agency_id", None))
]
"""The query of the explanation of a returnee's opportunity (the second: the opportunity)."""
