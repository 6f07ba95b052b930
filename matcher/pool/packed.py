"""Workers' facts packed as MessagePack: one buffer, decoded a worker at a time or whole.

A pool snapshot stores the facts this way, and the parallel read of a worker file
(:mod:`matcher.pool.parallel`) sends them back from its processes this way: one buffer
and an array of offsets cross a pipe as a copy, where pickled frozen objects would be
rebuilt one by one in the parent (a run decodes only the facts of the workers it shows).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import overload

import msgspec
import numpy as np
from numpy.typing import NDArray

from matcher.scoring.facts import WorkerFacts

__all__ = ["MadeWhenRead", "PackedFacts"]

_ARRAY32 = b"\xdd"
"""MessagePack's header of an array of up to 2**32 - 1 items (the count follows, 4 bytes)."""
_HEADER = len(_ARRAY32) + 4


class MadeWhenRead(Sequence[WorkerFacts]):
    """Workers' facts made one at a time when read (:meth:`_at`): the indexing every such
    sequence shares."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def _at(self, index: int) -> WorkerFacts:
        """The facts of the worker at ``index`` (within bounds)."""

    @overload
    def __getitem__(self, index: int) -> WorkerFacts: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[WorkerFacts]: ...

    def __getitem__(self, index: int | slice) -> WorkerFacts | Sequence[WorkerFacts]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"worker index {index} out of range")
        return self._at(index)


class PackedFacts(MadeWhenRead):
    """Workers' facts as one MessagePack array, each decoded from its message when read.

    Parameters
    ----------
    blob : bytes or memoryview
        An array header, then one message per worker: the whole blob decodes as the
        list of every worker's facts in one call, one message as one worker's.
    ends : ndarray of int64, shape (n_workers + 1,)
        Where each message ends; ``ends[0]`` is where the first begins.
    """

    _decoder = msgspec.msgpack.Decoder(WorkerFacts)
    _all = msgspec.msgpack.Decoder(list[WorkerFacts])

    def __init__(self, blob: bytes | memoryview, ends: NDArray[np.int64]) -> None:
        self.blob = blob
        self.ends = ends
        self._ends = ends.tolist()

    @classmethod
    def pack(cls, facts: Sequence[WorkerFacts]) -> PackedFacts:
        """Encode ``facts``, in order."""
        encode = msgspec.msgpack.Encoder().encode
        messages = list(map(encode, facts))
        ends = np.zeros(len(messages) + 1, np.int64)
        ends[0] = _HEADER
        np.cumsum(np.fromiter(map(len, messages), np.int64, len(messages)), out=ends[1:])
        ends[1:] += _HEADER
        return cls(b"".join([_header(len(messages)), *messages]), ends)

    @classmethod
    def join(cls, parts: Sequence[PackedFacts]) -> PackedFacts:
        """The facts of ``parts`` one after the other (the same bytes as packing them all)."""
        bodies = [memoryview(p.blob)[_HEADER:] for p in parts]
        count = sum(map(len, parts))
        shifts = np.cumsum([0, *(len(b) for b in bodies[:-1])], dtype=np.int64)
        ends = np.concatenate(
            [np.array([_HEADER], np.int64)]
            + [p.ends[1:] + shift for p, shift in zip(parts, shifts, strict=True)]
        )
        return cls(b"".join([_header(count), *bodies]), ends)

    def __reduce__(self) -> tuple[type[PackedFacts], tuple[bytes, NDArray[np.int64]]]:
        # Sent between processes as the buffer and the offsets, not their list.
        return type(self), (bytes(self.blob), self.ends)

    def __len__(self) -> int:
        return len(self._ends) - 1

    def decode_all(self) -> list[WorkerFacts]:
        """Every worker's facts (much faster than one by one)."""
        return self._all.decode(self.blob)

    def _at(self, index: int) -> WorkerFacts:
        return self._decoder.decode(self.blob[self._ends[index] : self._ends[index + 1]])

    def __iter__(self) -> Iterator[WorkerFacts]:
        decode, blob, ends = self._decoder.decode, self.blob, self._ends
        return (decode(blob[a:b]) for a, b in pairwise(ends))


def _header(count: int) -> bytes:
    return _ARRAY32 + count.to_bytes(4, "big")
