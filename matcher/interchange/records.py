"""What the interchange functions report about the records they write or read.

Exports name a record by its Selaras id; imports name it by file and line through
:class:`models.files.Problem` (the same errors ``selaras validate`` prints) and return a
:class:`models.files.ReadResult` whose ``warnings`` are the notes on what was not mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ExportError", "RecordNote"]


@dataclass(frozen=True)
class RecordNote:
    """Something about one exported record: ``record`` is its id, ``field`` a JSON path."""

    record: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.record}: {self.field}" if self.field else self.record
        return f"{where}: {self.message}"


class ExportError(ValueError):
    """An export produced a document that does not validate; nothing was written."""

    def __init__(self, problems: Sequence[RecordNote]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
