"""Write and map pool snapshots: one file, numpy arrays a run maps instead of reading.

Layout (every integer little-endian)::

    magic (16 bytes) | SHA-256 of the manifest (32) | manifest length (8) | manifest (JSON)
    | zero padding to a multiple of 64 | payload

The manifest names the versions of everything that made the pool (code, skill taxonomy,
occupation table, rule packs, exchange rates, weights: :func:`engine_versions`), where
the pool comes from (the SHA-256 of the worker file and agency register ``pool build``
read, or the state of the store a server saved its live pool from), and the payload:
where each array lies, its type and shape, and the payload's length and CRC-32. The
payload holds the encoded pool's arrays (:class:`EncodedPool`, each at a 64-byte
boundary, mapped in place) and the caller's more columns, its code tables and ids
(MessagePack), and every worker's facts (:class:`WorkerFacts`, one MessagePack message
each after one array header: decoded only when a run reads that worker, as explanations
and records touch a few of them, or all at once by a server restoring its pool).

The payload's checksum is a CRC-32, there to catch damage (a disk, a copy cut short): it
runs at about 4 GB/s here where SHA-256 ran at 1.7, and a 1,000,000-worker payload (0.7
GB) is checked on every load. The manifest's SHA-256 covers the layout and that CRC.

A file is used only whole: the manifest and the payload are checked against their
checksums before anything is read from them (a truncated or damaged file is refused,
never half read), and a snapshot made under other versions is refused
(:class:`StaleSnapshotError`): the pool it holds may no longer be what those inputs mean.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mmap
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import IO, Any, get_type_hints

import msgspec
import numpy as np
from numpy.typing import NDArray

from matcher.atomic import atomic_path
from matcher.pool.packed import PackedFacts
from matcher.scoring.encoding import EncodedPool, encode_pool
from matcher.scoring.facts import WorkerFacts, worker_facts
from matcher.scoring.versions import engine_versions
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.agency import Agency
from models.worker import Worker

__all__ = [
    "FORMAT",
    "PoolSnapshot",
    "SnapshotError",
    "Source",
    "StaleSnapshotError",
    "build_snapshot",
    "file_sha256",
    "read_snapshot",
    "snapshot_from_facts",
    "write_snapshot",
]

FORMAT = "selaras-pool/4"
"""The layout written here; a file of another layout is refused like a stale one (4: each
worker's facts packed as MessagePack arrays, field by position, where 3 packed them as
maps by field name; 3 listed the skills as a concept-major entry table, where 2 held dense
concept x worker matrices)."""

_COLUMNS = "columns."
_EXTRA = "extra"
_MAGIC = b"SELARAS-POOL\x00\x00\x00\x01"
_ALIGN = 64
_HEAD = len(_MAGIC) + 32 + 8


class SnapshotError(ValueError):
    """A file that is not a usable pool snapshot (not one, truncated or damaged)."""


class StaleSnapshotError(SnapshotError):
    """A snapshot made under other versions of the engine or its data.

    Attributes
    ----------
    changed : dict[str, tuple[str | None, str | None]]
        Each differing version: (in the snapshot, in this engine); None where absent.
    manifest : dict
        The snapshot's manifest (it names the files it was built from).
    """

    def __init__(
        self,
        message: str,
        changed: dict[str, tuple[str | None, str | None]],
        manifest: dict[str, Any],
    ) -> None:
        super().__init__(message)
        self.changed = changed
        self.manifest = manifest


@dataclass(frozen=True)
class Source:
    """An input file of a snapshot: its path as given and its SHA-256 (hex)."""

    file: str
    sha256: str


@dataclass(frozen=True)
class PoolSnapshot:
    """A snapshot mapped for a run.

    Attributes
    ----------
    facts : Sequence[WorkerFacts]
        The workers' facts, in pool order, decoded when read.
    encoded : EncodedPool
        The pool's columns (arrays mapped read-only from the file), encoded on the build
        date: :func:`matcher.scoring.encoding.on_day` dates them for a run.
    agencies : list[Agency] or None
        The agency register given to ``build``, or None.
    manifest : dict
        The file's manifest (versions, sources, payload).
    columns : dict of str to ndarray
        The more arrays given to :func:`write_snapshot` (mapped read-only).
    extra : dict
        The more values given to :func:`write_snapshot`.
    """

    facts: Sequence[WorkerFacts]
    encoded: EncodedPool
    agencies: list[Agency] | None
    manifest: dict[str, Any]
    columns: dict[str, NDArray[Any]]
    extra: dict[str, Any]

    def all_facts(self) -> list[WorkerFacts]:
        """Every worker's facts, decoded at once (much faster than one by one)."""
        if isinstance(self.facts, PackedFacts):
            return self.facts.decode_all()
        return list(self.facts)


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_snapshot(
    out: Path,
    workers: Sequence[Worker],
    source: Source,
    *,
    agencies: Sequence[Agency] | None = None,
    agencies_source: Source | None = None,
    built: dt.date | None = None,
    notes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalize and encode validated workers and write them as a snapshot (atomically).

    Parameters
    ----------
    out : Path
        The snapshot file (replaced only once it is complete).
    workers : Sequence[Worker]
        The validated records of ``source``, in file order.
    source : Source
        The worker file.
    agencies, agencies_source : optional
        The validated agency register and its file, kept for runs that give none.
    built : datetime.date, optional
        The date the pool is encoded on (today by default; runs re-date it).
    notes : Mapping, optional
        What the caller keeps about the records beside the pool (JSON values), stored as
        the manifest's ``notes``.

    Returns
    -------
    dict
        The manifest written.
    """
    skills = default_skill_normalizer()
    facts = worker_facts(workers, skills, default_occupation_normalizer())
    encoded = encode_pool(facts, skills.taxonomy, built or dt.date.today())
    return snapshot_from_facts(
        out,
        facts,
        encoded,
        source,
        agencies=agencies,
        agencies_source=agencies_source,
        notes=notes,
    )


def snapshot_from_facts(
    out: Path,
    facts: Sequence[WorkerFacts],
    encoded: EncodedPool,
    source: Source,
    *,
    agencies: Sequence[Agency] | None = None,
    agencies_source: Source | None = None,
    notes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """:func:`build_snapshot` of workers already read into facts and encoded (e.g. by
    :func:`matcher.pool.parallel.read_pool`).

    Parameters
    ----------
    out : Path
    facts : Sequence[WorkerFacts]
        The facts of ``source``'s workers, in file order.
    encoded : EncodedPool
        ``facts`` encoded with the shipped taxonomy, on the build date.
    source, agencies, agencies_source, notes
        As for :func:`build_snapshot`.

    Returns
    -------
    dict
        The manifest written.
    """
    manifest: dict[str, Any] = {
        "workers": {"file": source.file, "sha256": source.sha256, "count": len(facts)},
        "agencies": None
        if agencies_source is None
        else {
            "file": agencies_source.file,
            "sha256": agencies_source.sha256,
            "count": len(agencies or ()),
        },
        "notes": dict(notes or {}),
    }
    return write_snapshot(out, facts, encoded, manifest, agencies=agencies)


def write_snapshot(
    out: Path,
    facts: Sequence[WorkerFacts],
    encoded: EncodedPool,
    about: Mapping[str, Any],
    *,
    agencies: Sequence[Agency] | None = None,
    columns: Mapping[str, NDArray[Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a pool already read into facts and encoded as a snapshot (atomically).

    Parameters
    ----------
    out : Path
        The snapshot file (replaced only once it is complete).
    facts : Sequence[WorkerFacts]
        The workers' facts, in the order of ``encoded``'s rows.
    encoded : EncodedPool
        ``facts`` encoded with the shipped taxonomy, on any date.
    about : Mapping
        What the manifest says of where the pool comes from (JSON values): its sources,
        or the store it was saved from.
    agencies : sequence of Agency, optional
        An agency register kept with the pool.
    columns : Mapping of str to ndarray, optional
        More arrays, one value per worker or not (:attr:`PoolSnapshot.columns`).
    extra : Mapping, optional
        More values (MessagePack-able: :attr:`PoolSnapshot.extra`).

    Returns
    -------
    dict
        The manifest written.
    """
    arrays: dict[str, NDArray[Any]] = {}
    meta: dict[str, Any] = {}
    _flatten(encoded, "", arrays, meta)
    arrays.update((f"{_COLUMNS}{name}", array) for name, array in (columns or {}).items())
    meta[_EXTRA] = dict(extra or {})
    meta["agencies"] = None if agencies is None else [a.model_dump_json() for a in agencies]
    # One MessagePack array of every worker's facts: decoded whole by a server restoring
    # its pool, a message at a time by a run reading a few workers.
    packed = facts if isinstance(facts, PackedFacts) else PackedFacts.pack(facts)
    arrays["facts.ends"] = packed.ends
    blobs = {"meta": msgspec.msgpack.encode(meta), "facts": packed.blob}
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "versions": engine_versions(),
        **about,
        "built": encoded.as_of.isoformat(),
    }
    with atomic_path(out) as temporary, temporary.open("wb") as handle:
        return _write(handle, manifest, arrays, blobs)


def _flatten(
    obj: object, prefix: str, arrays: dict[str, NDArray[Any]], meta: dict[str, Any]
) -> None:
    """Arrays of ``obj`` (nested dataclasses walked) by dotted path; other values to meta."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        path = prefix + f.name
        if isinstance(value, np.ndarray):
            arrays[path] = value
        elif is_dataclass(value):
            _flatten(value, path + ".", arrays, meta)
        else:
            meta[path] = value


def _padding(position: int) -> bytes:
    return bytes(-position % _ALIGN)


def _write(
    handle: IO[bytes],
    manifest: dict[str, Any],
    arrays: Mapping[str, NDArray[Any]],
    blobs: Mapping[str, bytes | memoryview],
) -> dict[str, Any]:
    """Lay the payload out, then write header, manifest and payload; the manifest written."""
    table: list[tuple[str, str, list[int], int]] = []
    position = 0
    for name, array in arrays.items():
        position += len(_padding(position))
        table.append((name, array.dtype.str, list(array.shape), position))
        position += array.nbytes
    spans: dict[str, list[int]] = {}
    for name, blob in blobs.items():
        spans[name] = [position, len(blob)]
        position += len(blob)
    crc = 0
    chunks: list[bytes | memoryview] = []
    written = 0
    for (_, _, _, offset), array in zip(table, arrays.values(), strict=True):
        chunks.append(_padding(written))
        chunks.append(np.ascontiguousarray(array).view(np.uint8).reshape(-1).data)
        written = offset + array.nbytes
    chunks.extend(blobs.values())
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    manifest = {
        **manifest,
        "arrays": table,
        **spans,
        "payload": {"bytes": position, "crc32": crc},
    }
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
    head = _MAGIC + hashlib.sha256(text).digest() + len(text).to_bytes(8, "little")
    handle.write(head + text + _padding(_HEAD + len(text)))
    for chunk in chunks:
        handle.write(chunk)
    return manifest


def read_snapshot(path: Path) -> PoolSnapshot:
    """Map a snapshot for a run, after checking its versions and checksums.

    Parameters
    ----------
    path : Path

    Returns
    -------
    PoolSnapshot

    Raises
    ------
    StaleSnapshotError
        If it was made under other versions of the engine or its data.
    SnapshotError
        If the file is not a snapshot, is truncated or is damaged.
    """
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size < _HEAD:
            raise SnapshotError(f"{path}: not a pool snapshot (too short: {size} bytes)")
        view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if view[: len(_MAGIC)] != _MAGIC:
        raise SnapshotError(f"{path}: not a pool snapshot (or one of another layout)")
    length = int.from_bytes(view[len(_MAGIC) + 32 : _HEAD], "little")
    text = view[_HEAD : _HEAD + length]
    if len(text) < length or hashlib.sha256(text).digest() != view[len(_MAGIC) : _HEAD - 8]:
        raise SnapshotError(f"{path}: damaged or truncated snapshot (manifest checksum fails)")
    manifest: dict[str, Any] = json.loads(text)
    _check_versions(path, manifest)
    start = _HEAD + length + len(_padding(_HEAD + length))
    payload = memoryview(view)[start:]
    expected = manifest["payload"]
    if len(payload) != expected["bytes"]:
        raise SnapshotError(
            f"{path}: truncated or damaged snapshot: the payload has {len(payload):,} bytes, "
            f"the manifest says {expected['bytes']:,}"
        )
    if zlib.crc32(payload) != expected["crc32"]:
        raise SnapshotError(f"{path}: damaged snapshot (payload checksum fails)")
    mapped = {
        name: np.frombuffer(
            payload, np.dtype(dtype), int(np.prod(shape, dtype=np.int64)), offset
        ).reshape(shape)
        for name, dtype, shape, offset in manifest["arrays"]
    }
    meta = msgspec.msgpack.decode(_span(payload, manifest["meta"]))
    agencies = meta.pop("agencies")
    extra = meta.pop(_EXTRA)
    columns = {k[len(_COLUMNS) :]: v for k, v in mapped.items() if k.startswith(_COLUMNS)}
    arrays = {k: v for k, v in mapped.items() if not k.startswith(_COLUMNS)}
    encoded = _unflatten(EncodedPool, "", arrays, meta)
    return PoolSnapshot(
        facts=PackedFacts(_span(payload, manifest["facts"]), arrays["facts.ends"]),
        encoded=encoded,
        agencies=None if agencies is None else [Agency.model_validate_json(a) for a in agencies],
        manifest=manifest,
        columns=columns,
        extra=extra,
    )


def _span(payload: memoryview, span: list[int]) -> memoryview:
    offset, length = span
    return payload[offset : offset + length]


def _check_versions(path: Path, manifest: dict[str, Any]) -> None:
    stored = {**manifest.get("versions", {}), "format": manifest.get("format")}
    current = {**engine_versions(), "format": FORMAT}
    changed = {
        key: (stored.get(key), current.get(key))
        for key in sorted(stored.keys() | current.keys())
        if stored.get(key) != current.get(key)
    }
    if changed:
        listed = "; ".join(
            f"{k}: {old} in the snapshot, {new} now" for k, (old, new) in changed.items()
        )
        raise StaleSnapshotError(f"{path}: made under other versions ({listed})", changed, manifest)


def _unflatten(cls: type[Any], prefix: str, arrays: dict[str, Any], meta: dict[str, Any]) -> Any:
    """The inverse of :func:`_flatten`, typed by ``cls``'s annotations."""
    hints = get_type_hints(cls)
    values = {}
    for f in fields(cls):
        path = prefix + f.name
        if path in arrays:
            values[f.name] = arrays[path]
        elif path in meta:
            values[f.name] = msgspec.convert(meta[path], hints[f.name])
        else:
            values[f.name] = _unflatten(hints[f.name], path + ".", arrays, meta)
    return cls(**values)
