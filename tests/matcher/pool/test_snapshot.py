"""A snapshot maps back to exactly what the run would have computed from the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from matcher.pool.snapshot import (
    SnapshotError,
    Source,
    StaleSnapshotError,
    build_snapshot,
    file_sha256,
    read_snapshot,
)
from matcher.scoring.encoding import encode_pool, on_day
from matcher.scoring.facts import worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.files import read_records
from tests.paths import POOL

WORKERS = POOL / "workers.jsonl"
BUILT = dt.date(2026, 1, 15)


def _same(a: object, b: object, path: str = "") -> None:
    """Column by column: equal values, dtypes and (for tuples) element types."""
    for f in fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, path + f.name
            assert x.shape == y.shape, path + f.name
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), path + f.name
        elif hasattr(x, "__dataclass_fields__"):
            _same(x, y, f"{path}{f.name}.")
        else:
            assert repr(x) == repr(y), path + f.name


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    workers = list(read_records(WORKERS, "workers").records)
    out = tmp_path_factory.mktemp("snap") / "workers.pool"
    build_snapshot(out, workers, Source(str(WORKERS), file_sha256(WORKERS)), built=BUILT)
    return out, workers


def test_round_trip_is_exact(built: tuple[Path, list]) -> None:
    path, workers = built
    snapshot = read_snapshot(path)
    skills = default_skill_normalizer()
    facts = worker_facts(workers, skills, default_occupation_normalizer())
    # repr: 5 and 5.0 are equal but would not print the same.
    assert repr(list(snapshot.facts)) == repr(facts)
    assert [repr(snapshot.facts[i]) for i in (0, -1)] == [repr(facts[0]), repr(facts[-1])]
    assert snapshot.agencies is None
    assert snapshot.manifest["workers"] == {
        "file": str(WORKERS), "sha256": file_sha256(WORKERS), "count": len(workers),
    }  # fmt: skip
    for day in (BUILT, dt.date(2027, 2, 28)):
        _same(on_day(snapshot.encoded, day), encode_pool(facts, skills.taxonomy, day))


def test_mapped_columns_are_read_only(built: tuple[Path, list]) -> None:
    snapshot = read_snapshot(built[0])
    with pytest.raises(ValueError, match="read-only"):
        snapshot.encoded.skills.listed.months[0] = 1


def test_other_versions_are_refused(
    built: tuple[Path, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.pool import snapshot as module

    current = module.engine_versions()
    changed = {**current, "rule_pack:eps_korea": "2099-01-01.1"}
    del changed["weights"]
    monkeypatch.setattr(module, "engine_versions", lambda: changed)
    with pytest.raises(StaleSnapshotError) as caught:
        read_snapshot(built[0])
    assert caught.value.changed == {
        "rule_pack:eps_korea": (current.get("rule_pack:eps_korea"), "2099-01-01.1"),
        "weights": (current["weights"], None),
    }


def test_a_snapshot_of_the_previous_layout_is_refused(
    built: tuple[Path, list], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Layout 3 packed the facts as maps by field name: never read as 4."""
    from matcher.pool import snapshot as module

    assert module.FORMAT == "selaras-pool/4"
    monkeypatch.setattr(module, "FORMAT", "selaras-pool/3")
    old = tmp_path / "old.pool"
    build_snapshot(old, built[1][:5], Source(str(WORKERS), file_sha256(WORKERS)), built=BUILT)
    monkeypatch.undo()
    with pytest.raises(StaleSnapshotError, match="selaras-pool/3 in the snapshot") as caught:
        read_snapshot(old)
    assert caught.value.changed == {"format": ("selaras-pool/3", "selaras-pool/4")}


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (lambda n: n - 1, "the payload has"),
        (lambda n: 80, "manifest checksum fails"),
        (lambda n: 10, "too short"),
    ],
)
def test_truncated_files_are_refused(
    built: tuple[Path, list], tmp_path: Path, cut: object, message: str
) -> None:
    data = built[0].read_bytes()
    damaged = tmp_path / "cut.pool"
    damaged.write_bytes(data[: cut(len(data))])  # type: ignore[operator]
    with pytest.raises(SnapshotError, match=message):
        read_snapshot(damaged)


def test_every_damaged_payload_byte_is_caught(built: tuple[Path, list], tmp_path: Path) -> None:
    data = bytearray(built[0].read_bytes())
    damaged = tmp_path / "flipped.pool"
    for position in np.linspace(len(data) // 4, len(data) - 1, 5).astype(int):
        copy = bytearray(data)
        copy[position] ^= 0x80
        damaged.write_bytes(bytes(copy))
        with pytest.raises(SnapshotError, match="checksum fails"):
            read_snapshot(damaged)


def test_not_a_snapshot(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="not a pool snapshot"):
        read_snapshot(WORKERS)
