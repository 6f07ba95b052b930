"""The audit entry's ids, written compact by orjson, read exactly as the stdlib's text of
the entries written before: ``GET /audit`` (``entry_record``) parses the column."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from api.access.keys import Principal
from api.audit.log import entry_record, entry_values
from api.storage.tables import AuditRow

_IDS: list[list[Any]] = [
    [],
    [["AG-1", "W-000001"], ["AG-2", "W-000002"]],
    ["key_abc"],
    [["AG-1", "Wö-ñ-日本"], ["AG-1", None]],
    [["AG-1", 'W-"quoted"\\slash']],
    [2**70],  # beyond orjson's integers: the stdlib writes it
]


def _row(values: dict[str, Any], result_ids: str) -> AuditRow:
    return AuditRow(**{**values, "result_ids": result_ids, "seq": 7})


@pytest.mark.parametrize("ids", _IDS)
def test_new_and_old_entries_read_the_same(ids: list[Any]) -> None:
    values = entry_values(
        Principal("admin", "officer", None),
        "candidates",
        target="AG-1/J-1",
        params={"k": 50, "as_of": dt.date(2026, 12, 6)},
        result_ids=tuple(ids),
        versions={"code": "1"},
    )
    old_text = json.dumps(list(ids), ensure_ascii=False)  # how entries were written before
    new = entry_record(_row(values, values["result_ids"]))
    old = entry_record(_row(values, old_text))
    assert new == old
    assert new["result_ids"] == json.loads(old_text) == ids


def test_ids_are_written_compact_as_utf8() -> None:
    values = entry_values(
        Principal("admin", "officer", None),
        "candidates",
        target=None,
        params={},
        result_ids=[["AG-1", "Wö"]],
        versions={},
    )
    assert values["result_ids"] == '[["AG-1","Wö"]]'
