"""The cyclic collector is paused while long-lived objects are built, then they are frozen."""

from __future__ import annotations

import gc
import threading

from api.live_pool.memory import building_long_lived


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
