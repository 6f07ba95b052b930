"""Query parameters shared by several routes, with their bounds and descriptions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.settings import MAX_K, MAX_PAGE_SIZE
from matcher.text.messages import Lang
from models.bounds import BoundedDateTime, Day
from models.common import Identifier
from models.files import FileFormat

__all__ = [
    "ActionQuery",
    "AgencyQuery",
    "AsOfQuery",
    "CursorQuery",
    "FormatQuery",
    "KQuery",
    "KeyIdPath",
    "KeyIdQuery",
    "LangQuery",
    "PageSizeQuery",
    "RunIdPath",
    "UpdatedSinceQuery",
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
