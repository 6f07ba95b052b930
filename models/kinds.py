"""The kinds of record file and the file formats the reader takes.

Kept apart from :mod:`models.files` (which loads pydantic and every schema) so that the
command line can declare its arguments without loading them.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["FileFormat", "RecordKind"]

RecordKind = Literal[
    "workers", "vacancies", "agencies", "courses", "returnees", "opportunities", "outcomes"
]
FileFormat = Literal["jsonl", "json", "csv"]
