"""Reading the engine's sourced JSON data files with exact errors.

The rule packs (:mod:`matcher.rules.parse`) and the v2 tables built on their conventions
(minimum wages and recognition rules, :mod:`matcher.reintegration.reading`) are read
through one :class:`Node`: typed getters that raise the caller's error class with the file
and the key path (``KR-EPS.json: key 'wage_floors[2].amount': expected a number > 0, got
'x'``), entries that name their sources by key of the file's ``sources`` table, and
:meth:`Node.finish`, which makes an unknown key an error too, so a misspelt key never
silently drops a rule or a figure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

from models.iso_codes import COUNTRIES, CURRENCIES

__all__ = ["DataFileError", "DataLoader", "Node", "data_file", "decode", "show"]

_T = TypeVar("_T")


class DataFileError(ValueError):
    """A data file is malformed; the message names the file and the key."""


def show(value: object) -> str:
    """``repr(value)`` cut to 60 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def data_file(path: str | Path | None, name: str) -> tuple[str, str]:
    """The text of an operator's replacement file, or of the shipped ``matcher/data/name``.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The replacement file; the shipped one when None.
    name : str
        The shipped file's name in matcher/data.

    Returns
    -------
    tuple of str
        The text and the file's name for messages.
    """
    if path is None:
        text = (resources.files("matcher") / "data" / name).read_text(encoding="utf-8")
        return text, f"matcher/data/{name}"
    return Path(path).read_text(encoding="utf-8"), str(path)


class DataLoader(Generic[_T]):
    """Loads one kind of data file: the shipped ``matcher/data/name`` (read once and kept)
    or an operator's replacement file of the same shape (read every time).

    Parameters
    ----------
    name : str
        The shipped file's name in matcher/data.
    read : callable
        (text, file name for messages) -> the validated table; raises naming the file.
    """

    def __init__(self, name: str, read: Callable[[str, str], _T]) -> None:
        self._name = name
        self._read = read
        self._shipped: _T | None = None

    def __call__(self, path: str | Path | None = None) -> _T:
        """The table of ``path``, or the shipped one when None (:func:`data_file`)."""
        if path is not None:
            return self._read(*data_file(path, self._name))
        if self._shipped is None:
            self._shipped = self._read(*data_file(None, self._name))
        return self._shipped


def decode(text: str, file: str, error: type[DataFileError]) -> object:
    """Decode JSON text, raising ``error`` naming the file."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{file}: not valid JSON: {exc}") from None


class Node:
    """A JSON object being read: typed getters that raise with the file and the key path.

    Parameters
    ----------
    raw : object
        The decoded value; anything but an object is an error.
    file : str
        The file name for messages.
    path : str
        The key path of this object ('' at the top level).
    error : type[DataFileError]
        The error class to raise.
    sources : frozenset of str
        The keys of the file's ``sources`` table (what ``source_key`` accepts).

    A file kind adds its own getters in a subclass; the objects under a node are of the
    node's class.
    """

    def __init__(
        self,
        raw: object,
        file: str,
        path: str,
        error: type[DataFileError],
        sources: frozenset[str] = frozenset(),
    ) -> None:
        self.file, self.path, self.error_class, self.sources = file, path, error, sources
        if not isinstance(raw, dict):
            where = f"key '{path}'" if path else "top level"
            raise error(f"{file}: {where}: expected an object, got {show(raw)}")
        self._raw: dict[str, Any] = raw
        self._seen: set[str] = set()

    def where(self, key: str) -> str:
        """The key path of ``key`` under this object."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str) -> DataFileError:
        """An error about ``key`` of this object."""
        return self.error_class(f"{self.file}: key '{self.where(key)}': {message}")

    def has(self, key: str) -> bool:
        """Whether ``key`` is present (without marking it read)."""
        return key in self._raw

    def raw(self, key: str, *, required: bool = True, default: object = None) -> Any:
        """The value of ``key`` as decoded (``default`` when optional and absent)."""
        self._seen.add(key)
        if key not in self._raw:
            if required:
                raise self.error(key, "is required")
            return default
        return self._raw[key]

    def skip(self, *keys: str) -> None:
        """Accept ``keys`` as documentation that the engine does not read."""
        self._seen.update(keys)

    def text(self, key: str) -> str:
        """A non-empty string."""
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a non-empty string, got {show(value)}")
        return value

    def opt_text(self, key: str) -> str | None:
        """A non-empty string, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.text(key)

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        """A string from ``allowed``."""
        value = self.text(key)
        if value not in allowed:
            raise self.error(key, f"must be one of {', '.join(allowed)}; got {value!r}")
        return value

    def integer(self, key: str, *, low: int = 0, high: int | None = None) -> int:
        """An integer in ``[low, high]``."""
        value = self.raw(key)
        bad = isinstance(value, bool) or not isinstance(value, int)
        if bad or value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"from {low} to {high}"
            raise self.error(key, f"expected an integer {bound}, got {show(value)}")
        return int(value)

    def opt_integer(self, key: str, *, low: int = 0) -> int | None:
        """An integer ``>= low``, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.integer(key, low=low)

    def positive(self, key: str) -> float:
        """A number above zero."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.error(key, f"expected a number > 0, got {show(value)}")
        return float(value)

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        """True or false (``default`` when given and absent)."""
        value = self.raw(key, required=default is None, default=default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {show(value)}")
        return value

    def day(self, key: str) -> dt.date:
        """A date ``YYYY-MM-DD``."""
        value = self.text(key)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(key, f"expected a date YYYY-MM-DD, got {value!r}") from None

    def opt_day(self, key: str) -> dt.date | None:
        """A date, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.day(key)

    def country(self, key: str) -> str:
        """An ISO 3166-1 alpha-2 country code."""
        value = self.text(key)
        if value not in COUNTRIES:
            raise self.error(key, f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    def opt_country(self, key: str) -> str | None:
        """A country code, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.country(key)

    def currency(self, key: str) -> str:
        """An ISO 4217 currency code."""
        value = self.text(key)
        if value not in CURRENCIES:
            raise self.error(key, f"{value!r} is not an ISO 4217 currency code")
        return value

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """A list of non-empty strings (empty when optional and absent or null)."""
        value = self.raw(key, required=required)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, f"expected a list of strings, got {show(value)}")
        return tuple(value)

    def members(self) -> list[str]:
        """The keys of this object, in file order."""
        return list(self._raw)

    def node(self, key: str) -> Self:
        """The object under ``key``."""
        return type(self)(self.raw(key), self.file, self.where(key), self.error_class, self.sources)

    def opt_node(self, key: str, *, required: bool = False) -> Self | None:
        """The object under ``key``, or None when null (or absent and optional)."""
        return None if self.raw(key, required=required) is None else self.node(key)

    def nodes(self, key: str, *, required: bool = True) -> list[Self]:
        """The objects of the list under ``key`` (empty when optional and absent)."""
        value = self.raw(key, required=required)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {show(value)}")
        return [
            type(self)(item, self.file, f"{self.where(key)}[{i}]", self.error_class, self.sources)
            for i, item in enumerate(value)
        ]

    def source_key(self, key: str = "source") -> str:
        """A key of the file's ``sources`` table."""
        value = self.text(key)
        if value not in self.sources:
            raise self.error(key, f"{value!r} is not a key of 'sources'")
        return value

    def source_keys(self, key: str = "also", *, required: bool = False) -> tuple[str, ...]:
        """A list of keys of the file's ``sources`` table."""
        keys = self.texts(key, required=required)
        missing = [k for k in keys if k not in self.sources]
        if missing:
            raise self.error(key, f"{', '.join(missing)} not keys of 'sources'")
        return keys

    def finish(self) -> None:
        """Raise on a key nothing read (misspelt or unknown)."""
        unknown = [k for k in self._raw if k not in self._seen]
        if unknown:
            raise self.error(unknown[0], "is not a known key here (misspelt?)")
