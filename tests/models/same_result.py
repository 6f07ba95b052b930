"""Two read results held to report the same: shared by the reader-equivalence tests."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from models.files import ReadResult


def assert_same_value(fast: Any, slow: Any, where: str = "record") -> None:
    """Equal values of the same types, records with the same fields given, recursively."""
    assert type(fast) is type(slow), where
    if isinstance(slow, BaseModel):
        assert fast.model_fields_set == slow.model_fields_set, where
        for name in type(slow).model_fields:
            assert_same_value(getattr(fast, name), getattr(slow, name), f"{where}.{name}")
    elif isinstance(slow, list | tuple):
        assert len(fast) == len(slow), where
        for index, (a, b) in enumerate(zip(fast, slow, strict=True)):
            assert_same_value(a, b, f"{where}[{index}]")
    elif isinstance(slow, dict):
        assert list(fast) == list(slow), where
        for key in slow:
            assert_same_value(fast[key], slow[key], f"{where}[{key!r}]")
    else:
        assert fast == slow, where


def assert_same_result(fast: ReadResult[Any], slow: ReadResult[Any]) -> None:
    """The two readers' results agree in everything they report."""
    assert fast.errors == slow.errors
    assert fast.warnings == slow.warnings
    assert fast.lines == slow.lines
    assert (fast.lines_with_errors, fast.warning_count) == (
        slow.lines_with_errors,
        slow.warning_count,
    )
    assert_same_value(fast.records, slow.records, "records")
