"""When to retry a failed webhook delivery: exponential backoff with jitter, as a pure function.

Standard Webhooks recommends retrying on a schedule that spans days, growing exponentially,
with random jitter so that an endpoint which failed under load is not hit by every retry at
the same instant. :func:`retry_delays` gives the whole schedule at once. The jitter comes
from a ``random.Random`` seeded by the caller (the delivery's message id, say), so the
schedule of a delivery is the same on every worker and in every test.

With the defaults the delays are 5 s, 25 s, about 2 min, 10 min, 52 min, 4.3 h, 21.7 h and
then 24 h (the cap), each within +/-20 %: eight retries span about two days, ten about four.
"""

from __future__ import annotations

import random

__all__ = ["retry_delays"]


def retry_delays(
    retries: int,
    *,
    seed: int | str | bytes,
    first_s: float = 5.0,
    factor: float = 5.0,
    cap_s: float = 86_400.0,
    jitter: float = 0.2,
) -> list[float]:
    """The delay before each retry of a delivery, in seconds.

    Retry ``i`` (0-based) waits ``min(cap_s, first_s * factor**i)`` scaled by a factor drawn
    uniformly from ``[1 - jitter, 1 + jitter]``, and never more than ``cap_s``.

    Parameters
    ----------
    retries : int
        How many retries to schedule (0 or more).
    seed : int, str or bytes
        Seeds the jitter; the same seed gives the same schedule.
    first_s : float
        Base delay of the first retry (> 0).
    factor : float
        Growth from one retry to the next (>= 1).
    cap_s : float
        Longest delay (>= ``first_s``).
    jitter : float
        Relative spread, from 0 (none) to below 1.

    Returns
    -------
    list of float
        ``retries`` delays; each is the wait after the previous attempt failed.
    """
    if retries < 0:
        raise ValueError(f"The 'retries' parameter of retry_delays must be >= 0. Got {retries}.")
    if not first_s > 0 or not factor >= 1 or not cap_s >= first_s:
        raise ValueError(
            "retry_delays needs first_s > 0, factor >= 1 and cap_s >= first_s; "
            f"got first_s={first_s}, factor={factor}, cap_s={cap_s}"
        )
    if not 0 <= jitter < 1:
        raise ValueError(f"The 'jitter' parameter of retry_delays must be in [0, 1). Got {jitter}.")
    draw = random.Random(seed)
    delays = []
    base = first_s
    for _ in range(retries):
        delays.append(min(cap_s, base * draw.uniform(1 - jitter, 1 + jitter)))
        base = min(cap_s, base * factor)  # stops growing at the cap (and never overflows)
    return delays
