"""A large bulk upload of workers read in parts: the parts after the first in forked
processes, while the server reads the first.

Reading an upload of workers (decoding, validating), making their facts and encoded rows
for the live pool and the JSON the store keeps took most of ``POST /workers/bulk`` and ran
on one core (issue 17). A JSON Lines upload of at least :data:`MIN_FORKED_BYTES` is cut at
line breaks (:func:`models.file_parts.buffer_parts`); each part after the first is read by a
forked process, which makes of it what the upload stores and ranks (:func:`make_part`:
each record's stored columns, its facts, packed, and its encoded rows, and which records
are returnees) and sends that back, not the records. The parts' reads are joined into the
whole upload's verdict (:func:`models.file_parts.join_parts`: the same errors, warnings and
messages as reading it whole), and nothing is kept unless the whole upload is valid.

A process forked from a server's thread runs only the reader and the live pool's
:meth:`~api.live_pool.ranking.Ranking.prepare_workers`; the only lock on that path another
thread may hold at the fork, a normalizer's memo lock, is renewed in the child
(:mod:`matcher.text.words`). The child writes its result to a pipe and ends with
``os._exit`` (nothing of the server's is flushed or torn down twice). A part whose process
fails (killed, out of memory) is read in the server instead: slower, never another answer.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from api.deps import Server
from api.live_pool.workers import PreparedWorkers
from api.storage.store import WORKERS
from matcher.pool.packed import PackedFacts
from matcher.pool.parallel import MIN_PARALLEL_BYTES
from matcher.scoring.encoding import EncodedPool
from models.file_parts import Part, PartRead, read_buffer_part
from models.worker import Worker

__all__ = ["MIN_FORKED_BYTES", "MadePart", "OtherParts", "make_part"]

MIN_FORKED_BYTES = MIN_PARALLEL_BYTES
"""Smallest upload read in parts (about 10,000 workers), as for a batch command's file."""

# A child that sends nothing for this long is taken for stuck (its part is read here).
_SILENT_SECONDS = 120.0
_CHUNK = 1024 * 1024
_FORKING = threading.Lock()


@dataclass(frozen=True)
class MadePart:
    """What the upload needs of one part read elsewhere.

    Attributes
    ----------
    read : PartRead
        The part's verdict, lines and keys, without its records.
    columns : list of dict
        Each record's stored columns (:meth:`api.storage.store.RecordTable.columns`);
        empty when the part has an error.
    facts : PackedFacts or None
        Each record's facts under the live pool's keys (None when the part has an error).
    encoded : EncodedPool or None
        Their encoded rows.
    returnees : list of int
        The records (by place in the part) with a ``returned`` date.
    """

    read: PartRead
    columns: list[dict[str, Any]]
    facts: PackedFacts | None
    encoded: EncodedPool | None
    returnees: list[int]

    def prepared(self) -> PreparedWorkers:
        """The part's workers as :meth:`Ranking.prepare_workers` gives them."""
        if self.facts is None or self.encoded is None:
            raise ValueError("a part with errors prepares nothing")
        agencies = [agency_id for agency_id, _ in self.read.keys]
        workers = list(zip(self.facts.decode_all(), agencies, strict=True))
        return PreparedWorkers(workers, self.encoded)

    def returnee_records(self) -> list[Worker]:
        """The returnees of the part, read again from their stored JSON (as the store's
        readers read it)."""
        return [WORKERS.read(self.columns[at]["record"]) for at in self.returnees]

    def settled(self) -> list[tuple[str, str]]:
        """The agency and id of every record of the part without a ``returned`` date."""
        returnees = set(self.returnees)
        keys = self.read.keys
        return [(keys[at][0], keys[at][1]) for at in range(len(keys)) if at not in returnees]


def make_part(server: Server, data: bytes, part: Part, *, name: str) -> MadePart:
    """Read one part of a workers upload and make what the upload needs of it.

    Parameters
    ----------
    server : Server
        The server whose live pool prepares the workers (its normalizers, its keys).
    data : bytes
        The whole upload.
    part : Part
        One of :func:`models.file_parts.buffer_parts`'s parts of ``data``.
    name : str
        The file name used in messages.

    Returns
    -------
    MadePart
    """
    read = read_buffer_part(data, "workers", part, name=name, views=True)
    records: list[Worker] = read.records
    bare = replace(read, records=[])
    if read.lines_with_errors:
        return MadePart(bare, [], None, None, [])
    prepared = server.ranking.prepare_workers(records)
    return MadePart(
        bare,
        [WORKERS.columns(record) for record in records],
        PackedFacts.pack([facts for facts, _ in prepared.workers]),
        prepared.encoded,
        [at for at, record in enumerate(records) if record.returned is not None],
    )


class OtherParts:
    """The parts of an upload after its first, each read by a process forked on creation.

    Parameters
    ----------
    server : Server
    data : bytes
        The whole upload.
    parts : Sequence[Part]
        The parts to read elsewhere.
    name : str
        The file name used in messages.
    """

    def __init__(self, server: Server, data: bytes, parts: Sequence[Part], *, name: str) -> None:
        self._server, self._data, self._name = server, data, name
        self._parts = list(parts)
        self._children: list[tuple[int, int] | None] = [self._fork(part) for part in parts]

    def _fork(self, part: Part) -> tuple[int, int] | None:
        """A child reading ``part``: its pid and the pipe it writes to (None: no fork)."""
        # One fork at a time: a child forked by another upload between this pipe's opening
        # and the closing of its write end here would hold it open, and this pipe would
        # not end before that child does.
        with _FORKING:
            read_end, write_end = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(read_end)
                os.close(write_end)
                return None  # read in the server
            if pid != 0:
                os.close(write_end)
                return pid, read_end
        if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
            code = 1
            try:
                os.close(read_end)
                made = make_part(self._server, self._data, part, name=self._name)
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(made, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        return None  # never: the child ends above

    def results(self) -> list[MadePart]:
        """Each part's result, in order (waiting for the processes); a part whose process
        failed is read here."""
        made = []
        for at, part in enumerate(self._parts):
            child = self._children[at]
            self._children[at] = None
            received = None if child is None else _received(*child)
            made.append(received or make_part(self._server, self._data, part, name=self._name))
        return made

    def close(self) -> None:
        """End the processes whose results were not taken (an upload that failed)."""
        for at, child in enumerate(self._children):
            if child is not None:
                pid, read_end = child
                os.close(read_end)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                self._children[at] = None


def _received(pid: int, read_end: int) -> MadePart | None:
    """A child's result (None when it failed, or went silent for :data:`_SILENT_SECONDS`:
    then it is ended)."""
    chunks = []
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], _SILENT_SECONDS)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = pipe.read(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        made = pickle.loads(b"".join(chunks))
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None
    return made if isinstance(made, MadePart) else None
