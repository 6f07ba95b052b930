"""Keeping the live pool out of the cyclic garbage collector's way.

The live pool is millions of long-lived objects (a worker's facts, her encoded rows, the
stored job orders). Left to the cyclic collector, each full collection walks them all:
1.5 s with 100,000 workers, every ten seconds or so under load, and every request waits
meanwhile. So what is alive once the pool is loaded, and after each bulk upload, is
frozen: later collections never walk it. While a bulk upload builds its records the
collector is paused: otherwise the growing heap of new, surviving objects sets off
collection after collection (20 of the 52 s of a 100,000-worker upload).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["building_long_lived", "freeze_long_lived"]

_lock = threading.Lock()
_builders = 0


def freeze_long_lived(*, collect: bool = True) -> None:
    """Collect garbage, then exempt every object alive now from later collections.

    ``collect=False`` freezes without the full collection first: for objects read back
    whole (a saved live pool), which leave no cyclic garbage to collect, the collection
    would only walk them (3.5 s for 200,000 workers' facts).
    """
    if collect:
        gc.collect()
    gc.freeze()


@contextmanager
def building_long_lived(*, collect: bool = True) -> Iterator[None]:
    """Pause cyclic collection while the block builds long-lived objects, then freeze them.

    Blocks in several threads at once share the pause: collection resumes, and what is
    alive is collected once and frozen, when the last of them ends (``collect``: as
    :func:`freeze_long_lived`, said by the block that ends last).
    """
    global _builders
    with _lock:
        _builders += 1
        if _builders == 1:
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _builders -= 1
            if _builders == 0:
                gc.enable()
                freeze_long_lived(collect=collect)
