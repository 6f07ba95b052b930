"""Keeping long-lived objects out of the cyclic garbage collector's way.

Loading a pool builds millions of objects that live as long as the run or the server: the
records, their facts, the encoded columns, the stored job orders. While they are built,
every few thousand new objects set off a collection that walks the whole growing heap
again (about half of a 100,000-worker ``selaras match``, 20 of the 52 s of a
100,000-worker API bulk upload: issue 17); once built, every full collection walks them
all again (1.5 s with 100,000 workers, every ten seconds or so on a busy server). They
hold no reference cycles worth collecting, so the collector is paused while they are
built, and what is alive then is frozen (:func:`gc.freeze`): later collections never walk
it. The batch commands (``cli``) and the API's live pool and bulk uploads (``api``) share
this one helper.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["building_long_lived", "collector_paused", "freeze_long_lived"]

# One count of every block that pauses the collector, in any thread: it is resumed only
# when the last ends, and only if it was enabled when the first began. Two helpers each
# saving and restoring gc.isenabled() on their own would, interleaved in two threads,
# leave it disabled for good (or resume it under a block that needs it paused).
_lock = threading.Lock()
_pausers = 0
_builders = 0
_was_enabled = True


def _pause() -> None:
    """Called under ``_lock``."""
    global _pausers, _was_enabled
    _pausers += 1
    if _pausers == 1:
        _was_enabled = gc.isenabled()
        gc.disable()


def _resume() -> None:
    """Called under ``_lock``."""
    global _pausers
    _pausers -= 1
    if _pausers == 0 and _was_enabled:
        gc.enable()


def freeze_long_lived() -> None:
    """Collect garbage, then exempt every object alive now from later collections."""
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause cyclic collection while the block makes many objects without reference
    cycles, and freeze nothing.

    Shares the pause of :func:`building_long_lived`: the collector is resumed when the
    last pausing block of any thread ends (also when it raises), if it was enabled when
    the first began.
    """
    with _lock:
        _pause()
    try:
        yield
    finally:
        with _lock:
            _resume()


@contextmanager
def building_long_lived(*, collect: bool = True) -> Iterator[None]:
    """Pause cyclic collection while the block builds long-lived objects, then freeze them.

    Blocks nested or in several threads at once share the pause: when the last of them
    ends (also when it raises), what is alive is frozen; the collector is resumed when the
    last pausing block (this or :func:`collector_paused`) ends, if it was enabled when the
    first began (a collector already disabled stays disabled).

    Parameters
    ----------
    collect : bool
        Collect garbage before freezing (the last block to end decides). A server does,
        to freeze no garbage for its lifetime; a batch run does not, as it ends soon and a
        full collection of its heap would cost more than it frees.
    """
    global _builders
    with _lock:
        _builders += 1
        _pause()
    try:
        yield
    finally:
        with _lock:
            _builders -= 1
            if _builders == 0:
                if collect:
                    gc.collect()
                gc.freeze()
            _resume()
