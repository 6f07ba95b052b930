"""Keeping a batch run's records out of the cyclic garbage collector's way.

Reading a pool builds millions of objects that all live until the run ends (the records,
their facts, the encoded columns). While they are built, every few thousand new objects
set off a collection that walks the whole growing heap again: about half of a
100,000-worker ``selaras match`` went to it (issue 17). Records hold no reference cycles
worth collecting, so the collector is paused while a run loads its inputs, and what was
loaded is then frozen (:func:`gc.freeze`): later collections, during ranking, never walk
it. The API does the same for its live pool (``api.live_pool.memory``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["loading"]

_depth = 0


@contextmanager
def loading() -> Iterator[None]:
    """Pause cyclic collection while the block loads long-lived objects, then freeze them.

    Nested blocks share the pause: the collector resumes, and what is alive is frozen, when
    the outermost block ends (also when it raises). A collector that was already disabled
    stays disabled.
    """
    global _depth
    _depth += 1
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.freeze()
            if was_enabled:
                gc.enable()
