"""Chunk results of a round saved to a directory, so an interrupted round can resume.

Layout of a checkpoint directory::

    manifest.json        format, key, and the components the key hashes
    score-00000.npz      eligible pairs of scoring chunk 0 (job, worker, score)
    ...
    gaps-00000.npz       gap counts of gap-pass chunk 0 (per job order, per tracked worker)
    ...

The key is a SHA-256 over the inputs' digests, the evaluation date, the method, the
shortlist length, the gap scope and the versions of the engine and its data
(:func:`matcher.scoring.versions.engine_versions`). A checkpoint resumes only under the same key;
anything else is refused with the components that differ. Each chunk file also holds the
job orders it covers (and, for the gap pass, a digest of the tracked workers), checked on
load. Files are written to a temporary name and renamed, so a file present is complete.

Only indices, integer scores and counts are stored (``.npz`` without pickles, and JSON):
no names, no personal data.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from matcher.allocation.chunks import Chunk, GapCounts, ScoredPairs
from matcher.allocation.reasons import GapTally, JobGaps
from matcher.arrays import Ints

__all__ = ["FORMAT_VERSION", "Checkpoint", "CheckpointError", "Stage", "file_digest"]

FORMAT_VERSION = "1"
"""Version of the checkpoint layout; part of the key."""

_MANIFEST = "manifest.json"
Stage = Literal["score", "gaps"]
"""A pass whose chunks are saved: the eligible pairs, or the gap counts."""


class CheckpointError(ValueError):
    """A checkpoint that cannot be used: made for other inputs or settings, or damaged."""


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _array_digest(values: Ints) -> str:
    return hashlib.sha256(np.ascontiguousarray(values, dtype=np.int64).tobytes()).hexdigest()


def _replace(path: Path, write: Any) -> None:
    """Write through ``write(handle)`` to a temporary file beside ``path``, then rename."""
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


class Checkpoint:
    """A round's chunk results under one directory.

    Parameters
    ----------
    directory : Path
        Created if missing.
    inputs : Mapping[str, str]
        Name and digest of every input (e.g. :func:`file_digest` of each file).
    resume : bool
        Continue a checkpoint already in ``directory``. Without it a directory that holds
        one is refused (never overwritten); with it an empty directory starts a new one.
    """

    def __init__(self, directory: Path, inputs: Mapping[str, str], *, resume: bool) -> None:
        self.directory = Path(directory)
        self.inputs = dict(inputs)
        self.resume = resume
        self.key: str | None = None

    def open(self, settings: Mapping[str, str]) -> None:
        """Start or resume the checkpoint for a round with these settings.

        Parameters
        ----------
        settings : Mapping[str, str]
            Everything besides the inputs that the results depend on (evaluation date,
            method, versions).

        Raises
        ------
        CheckpointError
            If the directory holds a checkpoint and ``resume`` is false, or it holds one
            made for other inputs or settings.
        """
        components = {"format": FORMAT_VERSION}
        components.update({f"input:{name}": digest for name, digest in self.inputs.items()})
        components.update(settings)
        key = hashlib.sha256(json.dumps(components, sort_keys=True).encode()).hexdigest()
        manifest = self.directory / _MANIFEST
        if manifest.exists():
            if not self.resume:
                raise CheckpointError(
                    f"{self.directory} already holds a checkpoint: resume it, or remove the "
                    "directory to start over"
                )
            saved = json.loads(manifest.read_text("utf-8"))
            if saved.get("key") != key:
                before = saved.get("components", {})
                differ = sorted(
                    name
                    for name in set(before) | set(components)
                    if before.get(name) != components.get(name)
                )
                raise CheckpointError(
                    f"{self.directory} was made for other inputs or settings (differ: "
                    f"{', '.join(differ) or 'format'}); refusing to resume: remove the "
                    "directory to start over"
                )
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            body = {"format": FORMAT_VERSION, "key": key, "components": components}
            text = json.dumps(body, indent=2, sort_keys=True) + "\n"
            _replace(manifest, lambda handle: handle.write(text.encode()))
        self.key = key

    def _path(self, stage: Stage, chunk: Chunk) -> Path:
        if self.key is None:
            raise RuntimeError("open the checkpoint before reading or writing chunks")
        return self.directory / f"{stage}-{chunk.index:05d}.npz"

    def has(self, stage: Stage, chunk: Chunk) -> bool:
        """Whether a chunk of a pass is saved."""
        return self._path(stage, chunk).exists()

    def load(self, stage: Stage, chunk: Chunk, *shared: Any) -> Any:
        """A saved chunk: :class:`ScoredPairs` for ``"score"``, :class:`GapCounts` for
        ``"gaps"`` (``shared`` is then the tracked workers, as the task had them).

        Raises
        ------
        CheckpointError
            If the file is damaged or was made for another chunk.
        """
        path = self._path(stage, chunk)
        data = self._load(path, chunk)
        if stage == "score":
            return _pairs(data)
        (tracked,) = shared
        return _gaps(path, data, chunk, tracked)

    def save(self, stage: Stage, chunk: Chunk, result: Any) -> None:
        """Save a chunk's result (written to a temporary file, then renamed)."""
        arrays = _pair_arrays(result) if stage == "score" else _gap_arrays(chunk, result)
        arrays["jobs"] = chunk.jobs
        _replace(self._path(stage, chunk), lambda handle: np.savez(handle, **arrays))

    def _load(self, path: Path, chunk: Chunk) -> dict[str, Any]:
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except (OSError, ValueError) as error:
            raise CheckpointError(f"{path} is damaged: {error}") from error
        if "jobs" not in arrays or not np.array_equal(arrays["jobs"], chunk.jobs):
            raise CheckpointError(f"{path} covers other job orders than this round's chunk")
        return arrays


def _pair_arrays(pairs: ScoredPairs) -> dict[str, Any]:
    return {
        "pair_job": pairs.job.astype(np.int32),
        "pair_worker": pairs.worker.astype(np.int32),
        "pair_score": pairs.score.astype(np.int32),
    }


def _pairs(data: dict[str, Any]) -> ScoredPairs:
    return ScoredPairs(
        *(data[name].astype(np.int64) for name in ("pair_job", "pair_worker", "pair_score"))
    )


def _labels(kinds: NDArray[np.str_], requirements: NDArray[np.str_]) -> list[tuple[str, str]]:
    return list(zip(kinds.tolist(), requirements.tolist(), strict=True))


def _gap_arrays(chunk: Chunk, counts: GapCounts) -> dict[str, Any]:
    gaps = [counts.job_gaps[int(j)] for j in chunk.jobs]
    flat = [label for found in gaps for label in found.labels]
    labels, matrix = counts.tally.counts()
    empty = np.zeros(0, np.int64)
    return {
        "tracked_digest": np.array(_array_digest(counts.tally.tracked)),
        "gap_ptr": np.cumsum([0] + [len(found.labels) for found in gaps]),
        "gap_kind": np.array([kind for kind, _ in flat], dtype=str),
        "gap_requirement": np.array([req for _, req in flat], dtype=str),
        "gap_blocked": np.concatenate([found.blocked for found in gaps] + [empty]),
        "gap_only": np.concatenate([found.only for found in gaps] + [empty]),
        "tally_n_jobs": np.array(counts.tally.n_jobs),
        "tally_outside": counts.tally.outside_preferences,
        "tally_kind": np.array([kind for kind, _ in labels], dtype=str),
        "tally_requirement": np.array([req for _, req in labels], dtype=str),
        "tally_counts": matrix,
    }


def _gaps(path: Path, data: dict[str, Any], chunk: Chunk, tracked: Ints) -> GapCounts:
    if str(data["tracked_digest"]) != _array_digest(tracked):
        raise CheckpointError(f"{path} counted other workers than this round tracks")
    ptr = data["gap_ptr"]
    labels = _labels(data["gap_kind"], data["gap_requirement"])
    job_gaps = {
        int(j): JobGaps(
            tuple(labels[ptr[n] : ptr[n + 1]]),
            data["gap_blocked"][ptr[n] : ptr[n + 1]].astype(np.int64),
            data["gap_only"][ptr[n] : ptr[n + 1]].astype(np.int64),
        )
        for n, j in enumerate(chunk.jobs)
    }
    tally = GapTally.from_counts(
        tracked,
        n_jobs=int(data["tally_n_jobs"]),
        outside_preferences=data["tally_outside"],
        labels=_labels(data["tally_kind"], data["tally_requirement"]),
        counts=data["tally_counts"],
    )
    return GapCounts(job_gaps, tally)
