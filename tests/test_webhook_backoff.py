"""The retry schedule: exponential, capped, jittered within bounds, reproducible by seed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.webhooks.backoff import retry_delays


def test_without_jitter_it_is_exponential_up_to_the_cap() -> None:
    assert retry_delays(9, seed=0, jitter=0) == [5, 25, 125, 625, 3125, 15625, 78125, 86400, 86400]
    assert retry_delays(0, seed=0) == []


def test_the_same_seed_gives_the_same_schedule_and_others_differ() -> None:
    first = retry_delays(8, seed="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    assert first == retry_delays(8, seed="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    assert first != retry_delays(8, seed="msg_other")


@given(
    retries=st.integers(0, 60),
    seed=st.integers(),
    first=st.floats(0.5, 100),
    factor=st.floats(1, 10),
    jitter=st.floats(0, 0.99),
)
def test_every_delay_stays_within_its_jitter_band_and_the_cap(
    retries: int, seed: int, first: float, factor: float, jitter: float
) -> None:
    cap = 3600.0
    delays = retry_delays(
        retries, seed=seed, first_s=first, factor=factor, cap_s=cap, jitter=jitter
    )
    assert len(delays) == retries
    base = first
    for delay in delays:
        assert base * (1 - jitter) - 1e-9 <= delay <= min(cap, base * (1 + jitter)) + 1e-9
        base = min(cap, base * factor)


def test_a_very_long_schedule_does_not_overflow() -> None:
    delays = retry_delays(2000, seed=1, factor=10, jitter=0)
    assert delays[-1] == 86400


@pytest.mark.parametrize(
    "bad",
    [
        {"retries": -1},
        {"jitter": 1.0},
        {"jitter": -0.1},
        {"first_s": 0},
        {"factor": 0.5},
        {"cap_s": 1},
    ],
)
def test_bad_parameters_are_refused(bad: dict[str, float]) -> None:
    arguments = {"retries": 3, "seed": 0} | bad
    with pytest.raises(ValueError, match="retry_delays"):
        retry_delays(**arguments)  # type: ignore[arg-type]
