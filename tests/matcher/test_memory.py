"""matcher.memory: the collector paused while long-lived objects are built, then they are
frozen; shared by the batch commands (a run's inputs) and the API (bulk uploads)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from functools import partial

import pytest

from cli.matching import load_records
from matcher.memory import building_long_lived, collector_paused
from tests.paths import POOL as SAMPLE

# As the batch commands use it: no collection before freezing.
loading = partial(building_long_lived, collect=False)


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


def test_collection_pauses_until_the_last_builder_ends() -> None:
    gc.unfreeze()
    second_in, first_out = threading.Event(), threading.Event()
    seen: list[bool] = []

    def second() -> None:
        with building_long_lived():
            second_in.set()
            first_out.wait()
            seen.append(gc.isenabled())  # the first builder ended: still paused

    assert gc.isenabled()
    with building_long_lived():
        thread = threading.Thread(target=second)
        thread.start()
        second_in.wait()
        assert not gc.isenabled()
    first_out.set()
    thread.join()
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_collection_resumes_when_the_block_fails() -> None:
    try:
        with building_long_lived():
            raise ValueError("a rejected upload")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_pause_and_a_build_interleaved_in_two_threads_share_one_pause() -> None:
    # A round's records (collector_paused) in one thread while an upload builds
    # (building_long_lived) in another: the pause ending first must not resume the
    # collector under the build, and the build ending last must resume it.
    gc.unfreeze()
    building, paused_out = threading.Event(), threading.Event()
    seen: list[bool] = []

    def upload() -> None:
        with building_long_lived(collect=False):
            building.set()
            paused_out.wait()
            seen.append(gc.isenabled())

    assert gc.isenabled()
    with collector_paused():
        thread = threading.Thread(target=upload)
        thread.start()
        building.wait()
    paused_out.set()
    thread.join()
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_pause_freezes_nothing_and_resumes_after_an_error() -> None:
    gc.unfreeze()
    seen: list[bool] = []

    def records() -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("records failed")

    with pytest.raises(RuntimeError), collector_paused():
        records()
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
