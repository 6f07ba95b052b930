"""cli.memory.loading: the collector paused while a run loads, what was loaded frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.matching import load_records
from cli.memory import loading

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "pool"


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    # Frozen objects stay frozen for the process: give them back to the collector after.
    yield
    gc.unfreeze()
    gc.enable()


def test_paused_inside_frozen_after() -> None:
    gc.unfreeze()
    with loading():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]
        with loading():  # nested: still paused, nothing frozen yet
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)


def test_an_error_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), loading():
        raise RuntimeError("bad input")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    with loading():
        pass
    assert not gc.isenabled()


def test_reading_the_sample_pool_resumes_the_collector() -> None:
    gc.unfreeze()
    workers, vacancies, agencies = load_records(
        SAMPLE / "workers.jsonl", SAMPLE / "vacancies.jsonl", SAMPLE / "agencies.jsonl"
    )
    assert workers
    assert vacancies
    assert agencies
    assert gc.isenabled()
    assert gc.get_freeze_count() > len(workers)
