"""The batch runner of ``selaras allocate``: chunks, parallel jobs, a Dask cluster,
checkpoints and ``--resume``, the progress bar."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import pickle
import signal
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import Result

from matcher.allocation import round as round_module
from matcher.allocation.checkpoint import Checkpoint, CheckpointError
from matcher.allocation.chunks import MIN_CHUNKS, Chunk, PoolPayload, split_orders
from matcher.allocation.reasons import GapTally
from matcher.allocation.round import STAGES, RoundOutcome, allocate_round
from matcher.allocation.runner import Backend, ChunkRunner
from matcher.scoring.kernel import VacancyScores
from matcher.scoring.matching import MatchRun, prepare_run
from models.files import read_records
from tests.paths import POOL

RunCli = Callable[..., Result]
AS_OF = "2026-03-01"
INPUTS = {"workers": "w", "vacancies": "v", "agencies": "a"}


def _files(directory: Path = POOL) -> list[str | Path]:
    return [
        "--workers", directory / "workers.jsonl",
        "--vacancies", directory / "vacancies.jsonl",
        "--agencies", directory / "agencies.jsonl",
        "--as-of", AS_OF,
        "--gap-scope", "all",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def run() -> MatchRun:
    def read(name: str, kind: Any) -> list[Any]:
        return list(read_records(POOL / f"{name}.jsonl", kind).records)

    return prepare_run(
        read("workers", "workers"),
        read("vacancies", "vacancies"),
        read("agencies", "agencies"),
        dt.date.fromisoformat(AS_OF),
    )


@pytest.fixture(scope="module")
def baseline(run: MatchRun) -> str:
    return _text(allocate_round(run, gap_scope="all"))


def _text(outcome: RoundOutcome) -> str:
    return "\n".join(record.model_dump_json() for record in outcome.records)


class _StopAfter:
    """A progress that raises KeyboardInterrupt (Ctrl-C) after ``k`` chunks of a stage."""

    def __init__(self, stage: str, k: int) -> None:
        self.stage, self.k, self.current, self.done = stage, k, "", 0

    def start(self, stage: str, total: int) -> None:
        self.current = stage

    def advance(self, n: int) -> None:
        if self.current == self.stage:
            self.done += 1
            if self.done == self.k:
                raise KeyboardInterrupt


class _Counting(ChunkRunner):
    """Records the chunks it is asked to compute, by task."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.computed: list[tuple[str, int]] = []

    def map(
        self, task: Callable[..., Any], payload: PoolPayload, chunks: Any, *shared: Any
    ) -> Generator[Any, None, None]:
        self.computed.extend((task.__name__, chunk.index) for chunk in chunks)
        return super().map(task, payload, chunks, *shared)


# ----------------------------------------------------------------------------- chunks


def test_chunks_cover_the_job_orders_in_order_and_fit_the_budget(run: MatchRun) -> None:
    orders = [v for v in run.vacancies if not v.refused]
    jobs = np.arange(len(orders), dtype=np.int64)
    chunks = split_orders(orders, jobs, bytes_per_order=100)
    assert len(chunks) >= MIN_CHUNKS
    assert np.array_equal(np.concatenate([c.jobs for c in chunks]), jobs)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(c.orders == tuple(orders[j] for j in c.jobs) for c in chunks)
    tight = split_orders(orders, jobs, bytes_per_order=100, memory_budget=100)
    assert [len(c.jobs) for c in tight] == [1] * len(orders)


def test_gap_tallies_merge_to_the_sequential_tally() -> None:
    rng = np.random.default_rng(7)
    labels = [("language", "JLPT N4"), ("age", "age <= 30"), ("preference", "countries")]
    tracked = np.array([0, 2, 3, 5])
    found = []
    for _ in range(6):
        pick = sorted(rng.choice(3, size=int(rng.integers(1, 4)), replace=False))
        gaps = rng.random((len(pick), 6)) < 0.5
        named = tuple(labels[i] for i in pick)
        found.append(VacancyScores(~gaps.any(axis=0), np.zeros(6), gaps, named))
    whole = GapTally(tracked)
    for scores in found:
        whole.add(scores)
    merged = GapTally(tracked)
    for at, part in enumerate((found[4:], found[:1], found[1:4])):
        tally = GapTally(tracked)
        for scores in part:
            tally.add(scores)
        # As a forked gap pass sends it: pickled, its counts narrowed.
        merged.merge(pickle.loads(pickle.dumps(tally)) if at else tally)
    assert merged.n_jobs == whole.n_jobs
    assert np.array_equal(merged.outside_preferences, whole.outside_preferences)
    for a, b in zip(merged.top(k=3), whole.top(k=3), strict=True):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(ValueError, match="same tracked workers"):
        merged.merge(GapTally(tracked[:2]))
    received = pickle.loads(pickle.dumps(merged))
    assert received.counts()[0] == merged.counts()[0]
    assert np.array_equal(received.counts()[1], merged.counts()[1])
    with pytest.raises(ValueError, match="read-only"):  # narrow rows never overflow
        received.merge(merged)


# ---------------------------------------------------------------------- parallel jobs


def test_runner_checks_its_parameters() -> None:
    with pytest.raises(ValueError, match="The 'n_jobs' parameter of ChunkRunner"):
        ChunkRunner(n_jobs=0)
    with pytest.raises(ValueError, match="The 'backend' parameter of ChunkRunner"):
        ChunkRunner(backend="processes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="The 'scheduler' parameter of ChunkRunner"):
        ChunkRunner(backend="dask")
    with pytest.raises(ValueError, match="The 'scheduler' parameter of ChunkRunner"):
        ChunkRunner(scheduler="tcp://127.0.0.1:8786")


def test_same_bytes_for_one_and_two_jobs(run_cli: RunCli, tmp_path: Path) -> None:
    outputs = []
    runs = (("threading", "1"), ("threading", "2"), ("loky", "2"), ("fork", "2"))
    for backend, n_jobs in runs:
        out, report = tmp_path / f"out{backend}{n_jobs}.jsonl", tmp_path / f"r{backend}{n_jobs}"
        result = run_cli(
            "allocate", *_files(), "--n-jobs", n_jobs, "--backend", backend,
            "--out", out, "--report", report,
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        outputs.append((out.read_bytes(), report.read_bytes()))
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    assert b'"status": "unfilled"' in outputs[0][0]


def _refused(payload: PoolPayload, chunk: Chunk) -> int:
    if chunk.index == 3:
        raise ValueError(f"chunk {chunk.index} refused")
    return chunk.index


def _killed(payload: PoolPayload, chunk: Chunk) -> int:
    if chunk.index == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return chunk.index


def _chunks(run: MatchRun) -> list[Chunk]:
    orders = [v for v in run.vacancies if not v.refused]
    return split_orders(orders, np.arange(len(orders)), bytes_per_order=1)


def test_forked_processes_give_the_chunks_results_in_order_and_their_errors(
    run: MatchRun,
) -> None:
    chunks, payload = _chunks(run), PoolPayload(run.pool, run.params)
    runner = ChunkRunner(n_jobs=2, backend="fork")
    shared = np.arange(5)
    assert list(runner.map(_shared_sum, payload, chunks, shared)) == [
        chunk.index + 10 for chunk in chunks
    ]
    results = runner.map(_refused, payload, chunks)
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="chunk 3 refused"):
        next(results)
    with pytest.raises(RuntimeError, match="a forked process stopped"):
        list(runner.map(_killed, payload, chunks))


def _shared_sum(payload: PoolPayload, chunk: Chunk, shared: Any) -> int:
    return chunk.index + int(shared.sum())


@contextmanager
def _local_cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_cluster_gives_the_same_bytes(run_cli: RunCli, tmp_path: Path) -> None:
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    assert run_cli("allocate", *_files(), "--out", here).exit_code == 0
    with _local_cluster() as address:
        result = run_cli(
            "allocate", *_files(), "--backend", "dask", "--scheduler", address, "--out", there
        )
    assert result.exit_code == 0, result.stderr
    assert there.read_bytes() == here.read_bytes()


# ------------------------------------------------------------------------ checkpoints


@pytest.mark.parametrize(
    ("stage", "k", "backend"),
    [(STAGES[0], 5, "threading"), (STAGES[2], 3, "threading"), (STAGES[2], 3, "fork")],
)
def test_an_interrupted_round_resumes_to_the_same_result(
    run: MatchRun, baseline: str, tmp_path: Path, stage: str, k: int, backend: Backend
) -> None:
    first = Checkpoint(tmp_path, INPUTS, resume=False)
    with pytest.raises(KeyboardInterrupt):
        allocate_round(
            run, gap_scope="all", runner=ChunkRunner(n_jobs=2, backend=backend),
            checkpoint=first, progress=_StopAfter(stage, k),
        )  # fmt: skip
    saved = sorted(p.name for p in tmp_path.glob("*.npz"))
    prefix = "score" if stage == STAGES[0] else "gaps"
    assert sum(name.startswith(prefix) for name in saved) >= k
    assert not list(tmp_path.glob(".*"))  # no partial chunk file left behind
    runner = _Counting()
    resumed = allocate_round(
        run, gap_scope="all", runner=runner, checkpoint=Checkpoint(tmp_path, INPUTS, resume=True)
    )
    assert _text(resumed) == baseline
    computed = {f"{'score' if task == 'score_pairs' else 'gaps'}-{i:05d}.npz"
                for task, i in runner.computed}  # fmt: skip
    assert not computed & set(saved)  # saved chunks are read, not scored again
    again = _Counting()
    allocate_round(
        run, gap_scope="all", runner=again, checkpoint=Checkpoint(tmp_path, INPUTS, resume=True)
    )
    assert again.computed == []


def test_a_checkpoint_is_never_overwritten_or_resumed_for_another_round(
    run: MatchRun, tmp_path: Path
) -> None:
    allocate_round(run, checkpoint=Checkpoint(tmp_path, INPUTS, resume=False))
    with pytest.raises(CheckpointError, match="already holds a checkpoint"):
        allocate_round(run, checkpoint=Checkpoint(tmp_path, INPUTS, resume=False))
    with pytest.raises(CheckpointError, match=r"differ: method\)"):
        allocate_round(run, method="stable", checkpoint=Checkpoint(tmp_path, INPUTS, resume=True))
    changed = {**INPUTS, "workers": "other"}
    with pytest.raises(CheckpointError, match=r"differ: input:workers\)"):
        allocate_round(run, checkpoint=Checkpoint(tmp_path, changed, resume=True))


def test_a_damaged_chunk_is_refused(run: MatchRun, tmp_path: Path) -> None:
    allocate_round(run, checkpoint=Checkpoint(tmp_path, INPUTS, resume=False))
    (tmp_path / "score-00003.npz").write_bytes(b"not a numpy file")
    with pytest.raises(CheckpointError, match=r"score-00003\.npz is damaged"):
        allocate_round(run, checkpoint=Checkpoint(tmp_path, INPUTS, resume=True))


def test_a_chunk_of_other_job_orders_is_refused(run: MatchRun, tmp_path: Path) -> None:
    store = Checkpoint(tmp_path, INPUTS, resume=False)
    allocate_round(run, checkpoint=store)
    other = Chunk(3, np.array([0, 1], np.int64), ())
    with pytest.raises(CheckpointError, match="covers other job orders"):
        store.load("score", other)


def test_cli_interrupted_run_writes_nothing_and_resumes_byte_for_byte(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, out, report = tmp_path / "whole.jsonl", tmp_path / "out.jsonl", tmp_path / "r.json"
    ckpt = tmp_path / "checkpoint"
    first = run_cli("allocate", *_files(), "--out", whole, "--report", tmp_path / "w.json")
    assert first.exit_code == 0

    @contextmanager
    def ctrl_c(show: bool | None) -> Iterator[_StopAfter]:
        yield _StopAfter(STAGES[2], 4)

    with monkeypatch.context() as patch:
        patch.setattr("cli.progress.stage_bar", ctrl_c)
        stopped = run_cli(
            "allocate", *_files(), "--checkpoint", ckpt, "--out", out, "--report", report
        )
    assert stopped.exit_code == 130  # click: "Aborted!", as after SIGINT
    assert not out.exists()
    assert not report.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint", "w.json", "whole.jsonl"]
    again = run_cli("allocate", *_files(), "--checkpoint", ckpt, "--out", out)
    assert again.exit_code == 2
    assert "already holds a checkpoint" in again.stderr
    resumed = run_cli(
        "allocate", *_files(), "--checkpoint", ckpt, "--resume", "--n-jobs", "2",
        "--out", out, "--report", report,
    )  # fmt: skip
    assert resumed.exit_code == 0, resumed.stderr
    assert out.read_bytes() == whole.read_bytes()
    assert report.read_bytes() == (tmp_path / "w.json").read_bytes()


def test_cli_refuses_to_resume_with_changed_inputs(run_cli: RunCli, tmp_path: Path) -> None:
    ckpt = tmp_path / "checkpoint"
    assert run_cli("allocate", *_files(), "--checkpoint", ckpt).exit_code == 0
    changed = tmp_path / "pool"
    changed.mkdir()
    for name in ("workers", "vacancies", "agencies"):
        (changed / f"{name}.jsonl").write_bytes((POOL / f"{name}.jsonl").read_bytes())
    lines = (changed / "vacancies.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    first["slots"] += 1
    lines[0] = json.dumps(first)
    (changed / "vacancies.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = run_cli("allocate", *_files(changed), "--checkpoint", ckpt, "--resume")
    assert result.exit_code == 2
    assert "differ: input:vacancies" in result.stderr
    assert result.stdout == ""


def test_cli_usage_errors(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("allocate", *_files(), "--resume").exit_code == 2
    assert run_cli("allocate", *_files(), "--backend", "dask").exit_code == 2
    assert run_cli("allocate", *_files(), "--n-jobs", "0").exit_code == 2


# --------------------------------------------------------------------------- progress


def test_progress_goes_to_stderr_only(run_cli: RunCli) -> None:
    shown = run_cli("allocate", *_files(), "--progress")
    assert shown.exit_code == 0, shown.stderr
    for stage in STAGES:
        assert stage in shown.stderr
    assert "job orders" in shown.stderr
    assert "ETA" in shown.stderr
    records = [json.loads(line) for line in shown.stdout.splitlines()]
    quiet = run_cli("allocate", *_files())  # stderr is not a terminal here
    assert "ETA" not in quiet.stderr
    assert [json.loads(line) for line in quiet.stdout.splitlines()] == records


def test_the_collector_is_paused_for_the_records_only(
    run: MatchRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are built with the cyclic collector off; it is on again afterwards (also
    after an error), and stays off for a caller that had turned it off."""
    seen: list[bool] = []
    build = round_module.round_records

    def watching(**kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return build(**kwargs)

    monkeypatch.setattr(round_module, "round_records", watching)
    assert gc.isenabled()
    allocate_round(run)
    assert seen == [False]
    assert gc.isenabled()

    def failing(**kwargs: Any) -> Any:
        raise RuntimeError("records failed")

    monkeypatch.setattr(round_module, "round_records", failing)
    with pytest.raises(RuntimeError, match="records failed"):
        allocate_round(run)
    assert gc.isenabled()
    monkeypatch.setattr(round_module, "round_records", watching)
    gc.disable()
    try:
        allocate_round(run)
        assert not gc.isenabled()
    finally:
        gc.enable()
