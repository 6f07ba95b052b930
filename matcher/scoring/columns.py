"""Columns of the encoded pool, each declared once: how it is filled from worker facts and
how pools encoded apart are joined.

A table of the pool is a frozen dataclass whose fields are declared with the helpers
below; a field's metadata says its role, and :func:`gather` and :func:`fill` (the
encoder) and :func:`join` (concatenation) are driven by it:

* :func:`per_worker`: one value per worker, read from the worker's facts;
* :func:`entry`: one value per entry of the table (certificates, language results, ...),
  read from the entry; :func:`ptr` and :func:`worker` are the table's CSR pointers and
  each entry's worker;
* a value is read as an attribute (all of a pool's attributes in one pass,
  :func:`gather`) and, where the column stores something derived, turned into it by
  ``convert`` over the whole column at once (a comprehension, not a call per value);
* ``codes=NAME`` on either: the values are small integer codes into the code table NAME
  (in order of first appearance, -1 for None), declared once with :func:`code_table` on
  the table that holds it (a table may index one held by the pool, e.g. countries);
* :func:`built`: filled by the encoder's own code (a bitset, the ages), joined along
  entries or workers;
  :func:`postings`: an inverted index built by the encoder (:class:`Postings`), joined
  key by key; :func:`keyed`: a key-major entry table with values per entry
  (:class:`Listed`, the skills listed by concept), joined and taken like an index;
* :func:`nested`: a table inside the pool; :func:`shared`: the same in every pool
  (joined pools must agree); :func:`ids` and :func:`id_rank`: the worker ids and their
  ranking.

The same declarations drive :func:`take` (some workers of a pool, without encoding them
again) and :func:`overlay` (a pool whose workers also hold another pool's entries).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Literal, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Ints, grouped, members
from matcher.scoring import publish

__all__ = [
    "Coded",
    "Codes",
    "Gathered",
    "Listed",
    "Postings",
    "built",
    "code_table",
    "declared",
    "entry",
    "fill",
    "gather",
    "gathered_attributes",
    "id_rank",
    "ids",
    "index_pairs",
    "join",
    "keyed",
    "keyed_entries",
    "merge_gathered",
    "nested",
    "overlay",
    "per_worker",
    "postings",
    "ptr",
    "recode_first_seen",
    "shared",
    "take",
    "worker",
]

Role = Literal[
    "per_worker", "entry", "ptr", "worker", "codes", "built", "postings", "keyed",
    "nested", "shared", "ids", "id_rank",
]  # fmt: skip
_META = "selaras.column"
_G = TypeVar("_G", bound=np.generic)
T = TypeVar("T")


Read = str | tuple[str, ...] | None
"""An attribute of the facts or entry (several: a tuple of them); None: the entry itself."""
Convert = Callable[[Iterable[Any]], Iterable[Any] | NDArray[Any]]
"""A whole column's values read -> the values stored (or the keys of its code table)."""


@dataclass(frozen=True)
class _Column:
    role: Role
    dtype: Any = None
    read: Read = None
    convert: Convert | None = None
    codes: str | None = None  # the code table indexed, or (role "codes") the one held
    key: Callable[[Any], Hashable] | None = None  # code table: a value's key
    value: Callable[[Any], Any] | None = None  # code table: a key's value


def _declare(column: _Column) -> Any:
    return field(metadata={_META: column})


class _Values(Protocol):
    """Declares a column of values: attribute ``read`` (of the facts, or of the entry),
    through ``convert`` if given, stored as ``dtype`` (as codes into the code table
    ``codes`` if given)."""

    def __call__(
        self,
        dtype: type[np.generic],
        read: Read,
        *,
        convert: Convert | None = None,
        codes: str | None = None,
    ) -> Any: ...


def _values(role: Role) -> _Values:
    def declare(
        dtype: type[np.generic],
        read: Read,
        *,
        convert: Convert | None = None,
        codes: str | None = None,
    ) -> Any:
        return _declare(_Column(role, dtype, read, convert, codes))

    return declare


per_worker = _values("per_worker")
"""A column of one value per worker, read from the worker's facts (:class:`_Values`)."""
entry = _values("entry")
"""A column of one value per entry, read from the entry (:class:`_Values`)."""


def ptr() -> Any:
    """CSR pointers: the entries of worker ``i`` are ``ptr[i]:ptr[i + 1]``."""
    return _declare(_Column("ptr", np.int64))


def worker() -> Any:
    """The worker (pool index) of each entry."""
    return _declare(_Column("worker", np.int32))


def code_table(
    name: str,
    *,
    key: Callable[[Any], Hashable] | None = None,
    value: Callable[[Any], Any] | None = None,
) -> Any:
    """The values of code table ``name``, by code. Columns read keys; ``value`` maps a key
    to the value held and ``key`` a value back to its key (both the identity by default),
    so the tables of joined pools merge by key."""
    return _declare(_Column("codes", codes=name, key=key, value=value))


def built() -> Any:
    """Filled by the encoder's own code, one row per entry (per worker in a table without
    entries); joined by concatenating."""
    return _declare(_Column("built"))


def postings() -> Any:
    """An inverted index built by the encoder; joined key by key, united in an overlay."""
    return _declare(_Column("postings"))


def keyed() -> Any:
    """A key-major entry table (:class:`Listed`) built by the encoder; joined and taken key
    by key like an index, the base's own in an overlay (how values held by both combine
    is the caller's rule)."""
    return _declare(_Column("keyed"))


def nested() -> Any:
    """A table of the pool."""
    return _declare(_Column("nested"))


def shared() -> Any:
    """The same in every pool (the taxonomy's concepts, the evaluation date)."""
    return _declare(_Column("shared"))


def ids() -> Any:
    """The worker ids, in pool order."""
    return _declare(_Column("ids"))


def id_rank() -> Any:
    """Position of each id in ascending code-point order
    (:func:`matcher.scoring.publish.id_rank`)."""
    return _declare(_Column("id_rank", np.int64))


@dataclass(frozen=True, eq=False)
class Postings:
    """An inverted index: the sorted worker indices of key ``k`` are
    ``workers[ptr[k]:ptr[k + 1]]``."""

    ptr: NDArray[np.int64]
    workers: NDArray[np.int32]

    def of(self, key: int) -> NDArray[np.int32]:
        """Sorted worker indices of ``key``."""
        return self.workers[self.ptr[key] : self.ptr[key + 1]]

    def keys(self) -> Ints:
        """The key of each entry (entries in key order)."""
        return np.repeat(np.arange(len(self.ptr) - 1), np.diff(self.ptr))


@dataclass(frozen=True, eq=False)
class Listed(Postings):
    """The skills workers list, concept-major: an inverted index with the months and level
    of each (concept, worker) entry, one entry per pair.

    A worker lists a few of the taxonomy's concepts: about 7 bytes an entry where a
    dense concepts x workers matrix took 3 bytes a concept for every worker.

    Attributes
    ----------
    ptr : ndarray of int64, shape (n_concepts + 1,)
        The entries of concept ``c`` are ``ptr[c]:ptr[c + 1]``.
    workers : ndarray of int32
        Each entry's worker, ascending within a concept.
    months : ndarray of uint16
        The most months listed + 1 (so that 0 can stand for "not listed" in a maximum).
    level : ndarray of uint8
        Highest stated level (0: none stated).
    """

    months: NDArray[np.uint16]
    level: NDArray[np.uint8]


class Codes:
    """Keys -> small integer codes, in order of first appearance (None -> -1)."""

    def __init__(self) -> None:
        self.index: dict[Hashable, int] = {}

    def code(self, key: Hashable | None) -> int:
        """The code of ``key``, new keys taking the next one."""
        if key is None:
            return -1
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.index)
        return found

    @property
    def keys(self) -> tuple[Hashable, ...]:
        """Every key, by code."""
        return tuple(self.index)


def _columns(cls: type) -> list[tuple[str, _Column]]:
    return [(f.name, f.metadata[_META]) for f in dataclasses.fields(cls)]


def declared(cls: type) -> list[tuple[str, Role, str | None]]:
    """Each field of a table: its name, role and the code table it indexes or holds."""
    return [(name, column.role, column.codes) for name, column in _columns(cls)]


def _names(cls: type, role: Role) -> list[str]:
    """The attributes the columns of ``role`` read."""
    return list(
        dict.fromkeys(
            n for _, c in _columns(cls) if c.role == role and c.read is not None
            for n in (c.read if isinstance(c.read, tuple) else (c.read,))
        )
    )  # fmt: skip


class Coded(Sequence[Any]):
    """A column's values factorized: each value is ``keys[indices[i]]`` (None where the
    index is -1). It reads as the values; :func:`fill` codes it a key at a time.

    Parameters
    ----------
    keys : Sequence
        The distinct values, in order of first appearance (so that codes are numbered as
        the values would number them one by one).
    indices : ndarray of int64
        Each value's key, -1 for None.
    """

    def __init__(self, keys: Sequence[Hashable], indices: Ints) -> None:
        self.keys = list(keys)
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: Any) -> Any:
        return self.values()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values())

    def values(self) -> list[Any]:
        """Every value, in order."""
        table = np.fromiter([*self.keys, None], dtype=object, count=len(self.keys) + 1)
        return table[self.indices].tolist()  # type: ignore[no-any-return]

    def kept(self, mask: Bools) -> Coded:
        """The values where ``mask`` is true (their keys renumbered in order of first
        appearance among them)."""
        indices = self.indices[mask]
        present = indices[indices >= 0]
        found, first = np.unique(present, return_index=True)
        order = found[np.argsort(first, kind="stable")]
        renumber = np.full(len(self.keys) + 1, -1, np.int64)
        renumber[order] = np.arange(len(order))
        return Coded([self.keys[k] for k in order.tolist()], renumber[indices])


@dataclass
class Gathered:
    """What the columns read, one list per attribute: one value per worker, or per entry.

    Attributes
    ----------
    values : dict of str to list
        Attribute -> its value for each worker (or each entry, in worker order).
    lengths : ndarray of int64 or None
        Entries of each worker (None for per-worker values).
    items : list or None
        The entries themselves, for columns that read the entry itself.
    """

    values: dict[str, Sequence[Any] | NDArray[Any]]
    lengths: Ints | None = None
    items: Sequence[Any] | None = None

    def subset(self, keep: list[bool]) -> Gathered:
        """The entries where ``keep`` is true."""
        assert self.lengths is not None
        owners = np.repeat(np.arange(len(self.lengths)), self.lengths)
        mask = np.asarray(keep, np.bool_)
        lengths = np.bincount(owners[mask], minlength=len(self.lengths)).astype(np.int64)
        values = {n: _kept(v, keep, mask) for n, v in self.values.items()}
        items = None if self.items is None else _kept(self.items, keep, mask)
        return Gathered(values, lengths, items)


def _kept(values: Sequence[Any] | NDArray[Any], keep: list[bool], mask: Bools) -> Any:
    return values.kept(mask) if isinstance(values, Coded) else list(compress(values, keep))


def gather(
    facts: Sequence[Any],
    tables: Mapping[str | None, Sequence[type]],
    extra: Mapping[str, Sequence[str]] | None = None,
) -> dict[str | None, Gathered]:
    """Every attribute the tables' columns read, in one pass over the pool.

    One pass, not one per column or table: each pass would fetch every object from memory
    again. And no container per value: millions of short-lived tuples set off the cyclic
    collector.

    Parameters
    ----------
    facts : Sequence
        The pool's worker facts.
    tables : Mapping
        None -> the tables whose :func:`per_worker` columns to gather; an attribute of the
        facts holding entries (``"certificates"``) -> the tables whose :func:`entry`
        columns read those entries.
    extra : Mapping, optional
        More attributes of the entries to gather, for the encoder's own code.

    Returns
    -------
    dict
        A :class:`Gathered` for each key of ``tables``.
    """
    attributes = gathered_attributes(tables, extra)
    worker_names = attributes[None]
    per_worker: dict[str, list[Any]] = {n: [] for n in worker_names}
    found: dict[str | None, Gathered] = {None: Gathered(dict(per_worker))}
    worker_appends = [(per_worker[n].append, n) for n in worker_names]
    specs = []
    for attr, classes in tables.items():
        if attr is None:
            continue
        names = attributes[attr]
        whole = any(c.role == "entry" and c.read is None for t in classes for _, c in _columns(t))
        lists: dict[str, list[Any]] = {n: [] for n in names}
        items: list[Any] | None = [] if whole else None
        found[attr] = Gathered(dict(lists), items=items)
        counts: list[int] = []
        appends = [(lists[n].append, n) for n in names]
        specs.append((attr, counts, appends, items))
    for fact in facts:
        for append, name in worker_appends:
            append(getattr(fact, name))
        for attr, counts, appends, items in specs:
            entries = getattr(fact, attr)
            counts.append(len(entries))
            if items is not None:
                items.extend(entries)
            for entry in entries:
                for append, name in appends:
                    append(getattr(entry, name))
    for attr, counts, _, _ in specs:
        found[attr].lengths = np.asarray(counts, np.int64)
    return found


def gathered_attributes(
    tables: Mapping[str | None, Sequence[type]], extra: Mapping[str, Sequence[str]] | None = None
) -> dict[str | None, list[str]]:
    """The attributes :func:`gather` reads for ``tables`` and ``extra`` (its parameters):
    None -> those of each worker, an attribute holding entries -> those of its entries.

    Returns
    -------
    dict
    """
    extra = extra or {}
    found: dict[str | None, list[str]] = {}
    for attr, classes in tables.items():
        role: Role = "per_worker" if attr is None else "entry"
        named = [n for t in classes for n in _names(t, role)]
        found[attr] = list(dict.fromkeys([*named, *(extra.get(attr, ()) if attr else ())]))
    return found


def merge_gathered(
    first: Mapping[str | None, Gathered],
    second: Mapping[str | None, Gathered],
    rows: tuple[Ints, Ints],
) -> dict[str | None, Gathered]:
    """Two gatherings of parts of one pool, as the gathering of the whole pool.

    Parameters
    ----------
    first, second : Mapping
        What :func:`gather` (or a peer reading the same values) gave for two sets of workers.
    rows : tuple of two ndarrays of int64
        Each set's workers' positions in the pool, ascending; together every position once.

    Returns
    -------
    dict
        For every key, the values of each worker (and its entries) at its position.
    """
    owners = np.concatenate(rows)
    order = np.argsort(owners, kind="stable")
    merged: dict[str | None, Gathered] = {}
    for key, one in first.items():
        other = second[key]
        if one.lengths is None or other.lengths is None:
            merged[key] = Gathered(
                {n: _taken(v, other.values[n], order) for n, v in one.values.items()}
            )
            continue
        # Entries follow their workers: owners repeated per entry, sorted stably.
        entry_owner = np.concatenate(
            [np.repeat(rows[0], one.lengths), np.repeat(rows[1], other.lengths)]
        )
        entries = np.argsort(entry_owner, kind="stable")
        items = (
            None
            if one.items is None or other.items is None
            else list(_taken(one.items, other.items, entries))
        )
        merged[key] = Gathered(
            {n: _taken(v, other.values[n], entries) for n, v in one.values.items()},
            np.concatenate([one.lengths, other.lengths])[order],
            items,
        )
    return merged


def _taken(
    one: Sequence[Any] | NDArray[Any], other: Sequence[Any] | NDArray[Any], order: Ints
) -> Sequence[Any] | NDArray[Any]:
    """``one`` then ``other``, in ``order`` (an object array: tuples stay elements); an
    array of dates where either is one (numpy reads a date and None as a day and NaT)."""
    dates = [v.dtype for v in (one, other) if isinstance(v, np.ndarray) and v.dtype.kind == "M"]
    if dates:
        both = [np.asarray(v, dates[0]) for v in (one, other)]
        return np.concatenate(both)[order]
    joined = np.empty(len(one) + len(other), dtype=object)
    joined[: len(one)] = _objects(one)
    joined[len(one) :] = _objects(other)
    return joined[order].tolist()  # type: ignore[no-any-return]


def _objects(values: Sequence[Any] | NDArray[Any]) -> NDArray[np.object_]:
    # Not np.asarray: tuples would become rows of a 2-D array.
    return np.fromiter(values, dtype=object, count=len(values))


def _read(column: _Column, gathered: Gathered) -> Iterable[Any] | NDArray[Any]:
    read = column.read
    values: Iterable[Any]
    if read is None:
        assert gathered.items is not None
        values = gathered.items
    elif isinstance(read, tuple):
        # Lazily: a list of a tuple per entry would set off the cyclic collector.
        values = zip(*(gathered.values[n] for n in read), strict=True)
    else:
        values = gathered.values[read]
    return values if column.convert is None else column.convert(values)


def _array(values: Iterable[Any] | NDArray[Any], dtype: Any) -> NDArray[Any]:
    found = values if isinstance(values, (list, np.ndarray)) else list(values)
    return np.asarray(found, dtype=dtype) if len(found) else np.zeros(0, dtype)


def fill(
    cls: type[T],
    codes: dict[str, Codes],
    workers: Gathered,
    entries: Gathered | None = None,
    values: Mapping[str, Any] | None = None,
) -> T:
    """Fill a table as its columns declare, from what :func:`gather` read.

    Parameters
    ----------
    cls : type
        The table (a dataclass declared with this module's helpers).
    codes : dict of str to Codes
        The pool's code tables by name, shared by every table filled for the pool.
    workers : Gathered
        The per-worker values (``gather``'s None).
    entries : Gathered, optional
        The table's entries, for tables with entries.
    values : Mapping, optional
        The :func:`built`, :func:`postings`, :func:`shared`, :func:`ids` and
        :func:`id_rank` fields, and :func:`nested` tables, by field name. A callable
        is called with the other fields once they are filled (a column computed from
        columns).

    Returns
    -------
    The table.
    """
    n = len(next(iter(workers.values.values()), [])) if entries is None else 0
    lengths = entries.lengths if entries is not None else None
    if lengths is not None:
        n = len(lengths)
    given = values or {}
    out: dict[str, Any] = {}
    # Code tables are read back once every column of the table is done.
    held: list[tuple[str, _Column]] = []
    for name, column in _columns(cls):
        role = column.role
        if role in ("per_worker", "entry"):
            source = workers if role == "per_worker" else entries
            assert source is not None
            raw = _read(column, source)
            if column.codes is not None:
                table = codes.setdefault(column.codes, Codes())
                if isinstance(raw, Coded):
                    # Keys in order of first appearance: coded as the values would be.
                    code = np.array([*map(table.code, raw.keys), -1], np.int64)
                    raw = code[raw.indices]
                else:
                    known = table.index.get
                    # New keys take the next code, in order of first appearance.
                    raw = [c if (c := known(k)) is not None else table.code(k) for k in raw]
            out[name] = _array(raw, column.dtype)
        elif role in ("ptr", "worker"):
            assert lengths is not None
            if role == "ptr":
                pointers = np.zeros(n + 1, np.int64)
                np.cumsum(lengths, out=pointers[1:])
                out[name] = pointers
            else:
                out[name] = np.repeat(np.arange(n, dtype=np.int32), lengths)
        elif role == "codes":
            held.append((name, column))
        else:
            out[name] = given[name]
    for name, column in held:
        assert column.codes is not None
        keys = codes.setdefault(column.codes, Codes()).keys
        out[name] = keys if column.value is None else tuple(map(column.value, keys))
    for name, value in list(out.items()):
        if callable(value):
            out[name] = value(out)
    return cls(**out)


def _concat(arrays: Iterable[NDArray[_G]], axis: int = 0) -> NDArray[_G]:
    joined: NDArray[_G] = np.concatenate(list(arrays), axis=axis)
    return joined


def _join_ptr(ptrs: Sequence[Ints]) -> Ints:
    parts = [ptrs[0]]
    # The entries before each part (a part without workers adds no pointer, so the last
    # pointer joined so far is not where the next part starts from).
    before = ptrs[0][-1]
    for pointers in ptrs[1:]:
        parts.append(pointers[1:] + before)
        before = before + pointers[-1]
    return _concat(parts)


_P = TypeVar("_P", bound=Postings)


def _entry_values(table: Postings) -> dict[str, NDArray[Any]]:
    """The values of each entry of a key-major table besides its worker (none for an
    index)."""
    return {
        f.name: getattr(table, f.name)
        for f in dataclasses.fields(table)
        if f.name not in ("ptr", "workers")
    }


def _join_postings(parts: Sequence[_P], offsets: Sequence[int]) -> _P:
    n_keys = len(parts[0].ptr) - 1
    keys = _concat([p.keys() for p in parts])
    workers = _concat([p.workers.astype(np.int64) + o for p, o in zip(parts, offsets, strict=True)])
    order = np.argsort(keys, kind="stable")  # parts come in worker order: stays sorted
    pointers = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n_keys), out=pointers[1:])
    values = {
        name: _concat([_entry_values(p)[name] for p in parts])[order]
        for name in _entry_values(parts[0])
    }
    return type(parts[0])(pointers, workers[order].astype(np.int32), **values)


def _code_tables(
    cls: type,
    tables: Sequence[Any],
    found: dict[str, list[tuple[Any, ...]]],
    keys: dict[str, Callable[[Any], Hashable] | None],
) -> None:
    for name, column in _columns(cls):
        if column.role == "codes":
            assert column.codes is not None
            found[column.codes] = [getattr(t, name) for t in tables]
            keys[column.codes] = column.key
        elif column.role == "nested":
            parts = [getattr(t, name) for t in tables]
            _code_tables(type(parts[0]), parts, found, keys)


def _merge(
    tables: Sequence[tuple[Any, ...]], key: Callable[[Any], Hashable] | None
) -> tuple[tuple[Any, ...], list[Ints]]:
    """Merge code tables; each lookup maps an old code (or -1, via its last slot) to a new one."""
    merged = Codes()
    first: dict[Hashable, Any] = {}
    lookups = []
    for table in tables:
        codes = []
        for value in table:
            k = value if key is None else key(value)
            first.setdefault(k, value)
            codes.append(merged.code(k))
        lookups.append(np.array([*codes, -1], np.int64))
    return tuple(first[k] for k in merged.keys), lookups


def join(cls: type[T], tables: Sequence[T]) -> T:
    """Join tables filled separately (workers of ``tables[0]`` first), as declared.

    Code tables are merged by key and every coded column recoded; CSR pointers, entry
    workers and inverted indices are shifted by the workers before them; ids are chained
    and ranked again.
    """
    found: dict[str, list[tuple[Any, ...]]] = {}
    keys: dict[str, Callable[[Any], Hashable] | None] = {}
    _code_tables(cls, tables, found, keys)
    merged = {name: _merge(parts, keys[name]) for name, parts in found.items()}
    sizes = [_n_workers(t) for t in tables]
    return _join(cls, tables, merged, [int(o) for o in np.cumsum([0, *sizes[:-1]])])


def _join(
    cls: type[T],
    tables: Sequence[Any],
    merged: dict[str, tuple[tuple[Any, ...], list[Ints]]],
    offsets: Sequence[int],
) -> T:
    out: dict[str, Any] = {}
    for name, column in _columns(cls):
        parts = [getattr(t, name) for t in tables]
        role = column.role
        if role in ("per_worker", "entry"):
            if column.codes is not None:
                lookups = merged[column.codes][1]
                parts = [lut[p] for p, lut in zip(parts, lookups, strict=True)]
            out[name] = _concat(parts).astype(column.dtype, copy=False)
        elif role == "ptr":
            out[name] = _join_ptr(parts)
        elif role == "worker":
            shifted = (p + o for p, o in zip(parts, offsets, strict=True))
            out[name] = _concat(shifted).astype(np.int32, copy=False)
        elif role == "codes":
            assert column.codes is not None
            out[name] = merged[column.codes][0]
        elif role == "built":
            out[name] = _concat(parts)
        elif role in ("postings", "keyed"):
            out[name] = _join_postings(parts, offsets)
        elif role == "nested":
            out[name] = _join(type(parts[0]), parts, merged, offsets)
        elif role == "shared":
            out[name] = parts[0]
        elif role == "ids":
            out[name] = tuple(i for p in parts for i in p)
        else:  # id_rank, after ids
            out[name] = publish.id_rank(out["ids"])
    return cls(**out)


def recode_first_seen(table: T, order: Sequence[str | None]) -> T:
    """``table`` with every code table in order of first appearance as :func:`fill` gives it.

    :func:`join` numbers each code table by its first pool's codes, then the keys new in
    the next pool, and so on. Encoding the joined workers at once numbers the keys in the
    order the encoder first meets them: table by table as it fills them, column by column,
    entry by entry. That differs when one code table is read by two tables (a country met
    in the first pool's preferences and the second pool's stints): recoding gives the pool
    the very codes (and bytes) of encoding it whole.

    Parameters
    ----------
    table : a table with nested tables
        Joined pools (every key of each code table held by some coded column).
    order : Sequence of str or None
        The nested tables by field name in the order the encoder fills them; None for
        ``table``'s own columns.

    Returns
    -------
    The same table type, recoded.
    """
    read: dict[str, list[NDArray[Any]]] = {}
    for name in order:
        part = table if name is None else getattr(table, name)
        for column_name, column in _columns(type(part)):
            if column.role in ("per_worker", "entry") and column.codes is not None:
                read.setdefault(column.codes, []).append(getattr(part, column_name))
    lookups: dict[str, tuple[Ints, Ints]] = {}
    for codes, columns in read.items():
        met = np.concatenate([np.asarray(c, np.int64) for c in columns])
        met = met[met >= 0]
        size = int(met.max()) + 1 if len(met) else 0
        # Where each old code first appears (linear: a sort of millions of codes took
        # most of joining a pool's parts).
        first = np.full(size, len(met), np.int64)
        np.minimum.at(first, met, np.arange(len(met), dtype=np.int64))
        found = np.flatnonzero(first < len(met))
        seen = found[np.argsort(first[found], kind="stable")]  # old codes, by first appearance
        # Old code -> new (-1, an unknown value, in the last slot stays -1).
        lookup = np.full(size + 1 if len(found) else 1, -1, np.int64)
        lookup[seen] = np.arange(len(seen))
        lookups[codes] = (seen, lookup)
    return _recode(table, lookups)


def _recode(table: T, lookups: Mapping[str, tuple[Ints, Ints]]) -> T:
    changes: dict[str, Any] = {}
    for name, column in _columns(type(table)):
        value = getattr(table, name)
        if column.codes is not None and column.codes in lookups:
            seen, lookup = lookups[column.codes]
            if column.role == "codes":
                assert len(seen) == len(value), f"code table {column.codes} has unused keys"
                changes[name] = tuple(value[code] for code in seen.tolist())
            elif column.role in ("per_worker", "entry"):
                changes[name] = lookup[value].astype(value.dtype, copy=False)
        elif column.role == "nested":
            changes[name] = _recode(value, lookups)
    return dataclasses.replace(table, **changes)  # type: ignore[type-var]


def _n_workers(table: Any) -> int:
    for name, column in _columns(type(table)):
        if column.role == "ptr":
            return len(getattr(table, name)) - 1
        if column.role in ("per_worker", "ids"):
            return len(getattr(table, name))
    raise TypeError(f"{type(table).__name__} has no column counting its workers")


def _entry_owners(cls: type, table: Any) -> Ints | None:
    """The worker of each entry of ``table``, or None when it has no entries."""
    for name, column in _columns(cls):
        if column.role == "worker":
            return np.asarray(getattr(table, name), np.int64)
    for name, column in _columns(cls):
        if column.role == "ptr":
            pointers = getattr(table, name)
            return np.repeat(np.arange(len(pointers) - 1), np.diff(pointers))
    return None


def _entries_of(owners: Ints, n_workers: int, rows: Ints) -> tuple[Ints, Ints]:
    """The entries of workers ``rows``, in ``rows`` order: their indices and the position
    in ``rows`` each belongs to."""
    return members(grouped(owners, n_workers), rows)


def _postings_pairs(found: Postings) -> tuple[Ints, Ints]:
    return found.keys(), found.workers.astype(np.int64)


def index_pairs(keys: Ints, workers: Ints, n_keys: int, n_workers: int) -> Postings:
    """The inverted index of (key, worker) pairs, repeats dropped.

    By sorting one int64 code per pair, not ``np.unique`` (hashing millions of codes is
    many times slower than sorting them).
    """
    width = max(n_workers, 1)
    code = np.sort(_pair_codes(keys, workers, width))
    code = code[np.concatenate([[True], code[1:] != code[:-1]])] if len(code) else code
    return Postings(*_from_pair_codes(code, width, n_keys))


def _pair_codes(keys: Ints, workers: Ints, width: int) -> Ints:
    # One int64 code per (key, worker) pair: sorting it is many times faster than a
    # lexsort of two columns or hashing pairs.
    return keys.astype(np.int64) * width + workers


def _from_pair_codes(code: Ints, width: int, n_keys: int) -> tuple[Ints, NDArray[np.int32]]:
    """The pointers and workers of an index from its sorted, distinct pair codes."""
    key, worker = np.divmod(code, width)
    pointers = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(key, minlength=n_keys), out=pointers[1:])
    return pointers, worker.astype(np.int32)


def keyed_entries(
    cls: type[_P],
    keys: Ints,
    workers: Ints,
    sizes: tuple[int, int],
    values: Mapping[str, NDArray[Any]],
    reduce: Mapping[str, np.ufunc] | None = None,
) -> _P:
    """A key-major entry table (:class:`Listed`) from entries in any order.

    Parameters
    ----------
    cls : type
        The table: a :class:`Postings` with one more array per entry for each of ``values``.
    keys, workers : ndarray of int64
        The key and worker of each entry.
    sizes : tuple of int
        The number of keys and of workers.
    values : Mapping of str to ndarray
        The table's other arrays, one value per entry, kept in their dtype.
    reduce : Mapping of str to numpy ufunc, optional
        How the values of entries with the same key and worker combine into one
        (``np.maximum``, ``np.add``); needed only when such repeats occur.

    Returns
    -------
    The table, one entry per distinct (key, worker) pair, workers ascending within a key.

    Raises
    ------
    ValueError
        If a (key, worker) pair repeats and ``reduce`` is not given.
    """
    n_keys, n_workers = sizes
    width = max(n_workers, 1)
    code = _pair_codes(keys, workers, width)
    order = np.argsort(code, kind="stable")
    code = code[order]
    starts = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))[: len(code)]
    repeats = len(starts) < len(code)
    if repeats and reduce is None:
        raise ValueError(f"{cls.__name__}: a (key, worker) pair repeats and no reduction is given")
    out = {}
    for name, column in values.items():
        column = column[order]
        out[name] = reduce[name].reduceat(column, starts) if repeats and reduce else column
    return cls(*_from_pair_codes(code[starts], width, n_keys), **out)


def _taken_postings(found: Postings, n_workers: int, rows: Ints) -> tuple[Ints, Ints, Ints]:
    """The (key, new worker) pairs of ``found`` once workers ``rows`` are taken, and the
    entry of ``found`` each comes from."""
    keys, workers = _postings_pairs(found)
    new, of = members(grouped(rows, n_workers), workers)
    return keys[of], new, of


def take(cls: type[T], table: T, rows: Ints) -> T:
    """The workers ``rows`` of ``table`` (repeats allowed), in that order, as declared.

    Code tables are kept whole; entries, inverted indices and the id ranking follow the
    workers (equal ids rank in row order, as :func:`matcher.scoring.publish.id_rank`).
    """
    rows = np.asarray(rows, np.int64)
    return _take(cls, table, rows, _n_workers(table))


def _take(cls: type[T], table: Any, rows: Ints, n_workers: int) -> T:
    owners = _entry_owners(cls, table)
    picked = None if owners is None else _entries_of(owners, n_workers, rows)
    out: dict[str, Any] = {}
    for name, column in _columns(cls):
        value = getattr(table, name)
        role = column.role
        if role == "per_worker":
            out[name] = value[rows]
        elif role in ("entry", "built"):
            # Built over entries, or over workers in a table without entries (ages).
            out[name] = value[rows if picked is None else picked[0]]
        elif role == "ptr":
            assert picked is not None
            out[name] = np.concatenate(
                [[0], np.cumsum(np.bincount(picked[1], minlength=len(rows)))]
            ).astype(np.int64)
        elif role == "worker":
            assert picked is not None
            out[name] = picked[1].astype(np.int32)
        elif role == "postings":
            keys, new, _ = _taken_postings(value, n_workers, rows)
            out[name] = index_pairs(keys, new, len(value.ptr) - 1, len(rows))
        elif role == "keyed":
            keys, new, of = _taken_postings(value, n_workers, rows)
            values = {k: v[of] for k, v in _entry_values(value).items()}
            # Taken rows are distinct workers: no (key, worker) pair repeats.
            sizes = (len(value.ptr) - 1, len(rows))
            out[name] = keyed_entries(type(value), keys, new, sizes, values)
        elif role == "nested":
            out[name] = _take(type(value), value, rows, n_workers)
        elif role == "ids":
            out[name] = tuple(np.asarray(value, dtype=object)[rows].tolist())
        elif role == "id_rank":
            rank = np.empty(len(rows), np.int64)
            rank[np.argsort(value[rows], kind="stable")] = np.arange(len(rows))
            out[name] = rank
        else:  # codes and shared: the same
            out[name] = value
    return cls(**out)


def overlay(cls: type[T], base: T, extra: T, owner: Ints) -> T:
    """``base``'s workers, each with the entries of worker ``owner[i]`` of ``extra`` added
    after her own, as declared.

    Per-worker columns, ids and :func:`keyed` tables (the skills listed) are
    ``base``'s; entry tables gain ``extra``'s entries (recoded into the merged code
    tables) and inverted indices are united. Both must share the :func:`shared` fields.
    """
    found: dict[str, list[tuple[Any, ...]]] = {}
    keys: dict[str, Callable[[Any], Hashable] | None] = {}
    _code_tables(cls, [base, extra], found, keys)
    merged = {name: _merge(parts, keys[name]) for name, parts in found.items()}
    owner = np.asarray(owner, np.int64)
    return _overlay(cls, base, extra, owner, merged, _n_workers(extra))


def _overlay(
    cls: type[T],
    base: Any,
    extra: Any,
    owner: Ints,
    merged: dict[str, tuple[tuple[Any, ...], list[Ints]]],
    n_extra: int,
) -> T:
    n = len(owner)
    owners = _entry_owners(cls, base)
    order, workers = None, None
    picked = None
    if owners is not None:
        extra_owners = _entry_owners(cls, extra)
        assert extra_owners is not None
        picked = _entries_of(extra_owners, n_extra, owner)
        workers = np.concatenate([owners, picked[1]])
        order = np.argsort(workers, kind="stable")  # a worker's own entries first
    out: dict[str, Any] = {}
    for name, column in _columns(cls):
        mine, theirs = getattr(base, name), getattr(extra, name)
        role = column.role
        if role in ("entry", "built") and picked is not None:
            assert order is not None
            if column.codes is not None:
                lookups = merged[column.codes][1]
                mine, theirs = lookups[0][mine], lookups[1][theirs]
            both = _concat([mine, theirs[picked[0]]])
            out[name] = both[order].astype(mine.dtype, copy=False)
        elif role == "per_worker" and column.codes is not None:
            out[name] = merged[column.codes][1][0][mine].astype(column.dtype, copy=False)
        elif role == "ptr":
            assert workers is not None
            out[name] = np.concatenate([[0], np.cumsum(np.bincount(workers, minlength=n))]).astype(
                np.int64
            )
        elif role == "worker":
            assert workers is not None
            assert order is not None
            out[name] = workers[order].astype(np.int32)
        elif role == "postings":
            keys_a, workers_a = _postings_pairs(mine)
            keys_b, workers_b, _ = _taken_postings(theirs, n_extra, owner)
            out[name] = index_pairs(
                _concat([keys_a, keys_b]), _concat([workers_a, workers_b]), len(mine.ptr) - 1, n
            )
        elif role == "nested":
            out[name] = _overlay(type(mine), mine, theirs, owner, merged, n_extra)
        elif role == "codes":
            assert column.codes is not None
            out[name] = merged[column.codes][0]
        else:  # per-worker values, keyed tables, ids, id_rank, shared: base's
            out[name] = mine
    return cls(**out)
