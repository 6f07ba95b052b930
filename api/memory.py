"""Keeping the live pool out of the cyclic garbage collector's full collections."""

from __future__ import annotations

import gc

__all__ = ["freeze_long_lived"]


def freeze_long_lived(*, collect: bool = True) -> None:
    """Exempt every object alive now from later collections (after collecting garbage).

    The live pool is millions of long-lived objects (a worker's facts, her encoded rows,
    the stored job orders). Left to the cyclic collector, each full collection walks them
    all: 1.5 s with 100,000 workers, every ten seconds or so under load, and every
    request waits meanwhile. Called once the pool is loaded and after each bulk upload, so
    that only what requests allocate is ever walked.

    Parameters
    ----------
    collect : bool
        Collect garbage first (a full collection: seconds at 100,000 workers). Without
        it, garbage in reference cycles alive now is never collected; a bulk upload makes
        next to none, and its records are still freed when the last reference goes.
    """
    if collect:
        gc.collect()
    gc.freeze()
