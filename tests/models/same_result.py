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


def assert_reads_as(view: Any, record: Any, where: str = "record") -> None:
    """A view (``models.typed_workers.decode_view``) reads as the record: every field of
    its model of equal value and type, recursively, and every property of the model
    equal. A record where the view is expected (a line the typed decoder declined, read by
    pydantic) is held to :func:`assert_same_value`."""
    if isinstance(view, BaseModel) or not isinstance(record, BaseModel | list | dict):
        assert_same_value(view, record, where)
    elif isinstance(record, BaseModel):
        for name in type(record).model_fields:
            assert_reads_as(getattr(view, name), getattr(record, name), f"{where}.{name}")
        for name in _properties(type(record)):
            assert_same_value(getattr(view, name), getattr(record, name), f"{where}.{name}")
    elif isinstance(record, list):
        assert isinstance(view, list), where
        assert len(view) == len(record), where
        for index, (a, b) in enumerate(zip(view, record, strict=True)):
            assert_reads_as(a, b, f"{where}[{index}]")
    else:
        assert type(view) is dict, where
        assert list(view) == list(record), where
        for key in record:
            assert_reads_as(view[key], record[key], f"{where}[{key!r}]")


def _properties(model: type[BaseModel]) -> list[str]:
    """The properties a model of the format defines (not pydantic's own)."""
    return [
        name
        for klass in model.__mro__[: model.__mro__.index(BaseModel)]
        for name, value in vars(klass).items()
        if isinstance(value, property)
    ]


def assert_same_result(
    fast: ReadResult[Any], slow: ReadResult[Any], *, views: bool = False
) -> None:
    """The two readers' results agree in everything they report (``fast``'s records
    views of ``slow``'s with ``views``)."""
    assert fast.errors == slow.errors
    assert fast.warnings == slow.warnings
    assert fast.lines == slow.lines
    assert (fast.lines_with_errors, fast.warning_count) == (
        slow.lines_with_errors,
        slow.warning_count,
    )
    if views:
        assert_reads_as(fast.records, slow.records, "records")
    else:
        assert_same_value(fast.records, slow.records, "records")
