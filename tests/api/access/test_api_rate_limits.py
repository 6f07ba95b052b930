"""Rate limits: per key by role (token bucket), failed authentication per address, one
upload at a time per key; and their settings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.keys import Principal
from api.access.rate_limits import MAX_ADDRESSES, RateLimiter
from api.app import create_app
from api.http.errors import TooManyRequestsError
from api.settings import DEFAULT_RATE_LIMITS, RateLimit, Settings, SettingsError
from tests.api.conftest import ADMIN_KEY, Api, sqlite_settings


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


AGENCY = Principal("k1", "agency", "P3MI-0001")


def test_a_key_gets_its_burst_then_its_rate() -> None:
    clock = _Clock()
    limiter = RateLimiter({"agency": RateLimit(2, 5)}, RateLimit(1, 1), clock)
    for _ in range(5):
        limiter.check_key(AGENCY)
    with pytest.raises(TooManyRequestsError) as refused:
        limiter.check_key(AGENCY)
    assert refused.value.headers == {"Retry-After": "1"}
    clock.now += 0.5  # one token back at 2 a second
    limiter.check_key(AGENCY)
    with pytest.raises(TooManyRequestsError):
        limiter.check_key(AGENCY)
    clock.now += 100  # never more than the burst
    for _ in range(5):
        limiter.check_key(AGENCY)
    with pytest.raises(TooManyRequestsError):
        limiter.check_key(AGENCY)
    # Another key of the same role has its own bucket; an unlimited role none.
    limiter.check_key(Principal("k2", "agency", "P3MI-0002"))
    for _ in range(1000):
        limiter.check_key(Principal("k3", "officer", None))


def test_failed_authentications_lock_an_address_until_a_token_is_back() -> None:
    clock = _Clock()
    limiter = RateLimiter({}, RateLimit(10 / 60, 3), clock)
    for _ in range(3):
        limiter.check_address("10.0.0.1")
        limiter.failed("10.0.0.1")
    with pytest.raises(TooManyRequestsError) as refused:
        limiter.check_address("10.0.0.1")
    assert refused.value.headers == {"Retry-After": "6"}
    limiter.check_address("10.0.0.2")  # another address is not affected
    clock.now += 6
    limiter.check_address("10.0.0.1")


def test_the_address_table_is_bounded() -> None:
    limiter = RateLimiter({}, RateLimit(1, 1), _Clock())
    for i in range(MAX_ADDRESSES + 10):
        limiter.failed(f"addr-{i}")
    assert len(limiter._addresses) == MAX_ADDRESSES
    limiter.check_address("addr-0")  # forgotten first


def test_one_upload_at_a_time_per_key() -> None:
    limiter = RateLimiter({}, RateLimit(1, 1))
    with limiter.upload_slot("k1"):
        with pytest.raises(TooManyRequestsError), limiter.upload_slot("k1"):
            pass
        with limiter.upload_slot("k2"):
            pass
    with limiter.upload_slot("k1"):
        pass


def test_the_api_answers_429_with_retry_after(tmp_path: Path) -> None:
    settings = sqlite_settings(
        tmp_path,
        rate_limits={**DEFAULT_RATE_LIMITS, "officer": RateLimit(1, 3)},
        auth_failures=RateLimit(1 / 60, 2),
    )
    officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/agencies", headers=officer) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert int(answers[-1].headers["Retry-After"]) >= 1
        assert "rate limit" in answers[-1].json()["detail"]
        assert client.get("/health").status_code == 200  # no key, no limit
        wrong = {"Authorization": "Bearer slr_000000000000_" + "x" * 43}
        assert [client.get("/workers", headers=wrong).status_code for _ in range(3)] == [
            401,
            401,
            429,
        ]
        # While the address is locked, nothing from it is checked (a right key neither).
        locked = client.get("/agencies", headers=officer)
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) >= 1


def test_a_second_upload_of_a_key_while_one_runs_is_429(empty_api: Api) -> None:
    server = empty_api.client.app.state.server  # type: ignore[attr-defined]
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        with server.limits.upload_slot("admin"):
            started.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        started.wait(30)
        response = empty_api.client.post(
            "/workers/bulk", files={"file": ("w.jsonl", b"{}\n")}, headers=empty_api.officer
        )
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "5"
    finally:
        release.set()
        holder.join()
    response = empty_api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", b"{}\n")}, headers=empty_api.officer
    )
    assert response.status_code == 422


def test_rate_limit_settings() -> None:
    chosen = Settings.from_env(
        {
            "SELARAS_RATE_LIMITS": "agency=50/200, officer=0/0",
            "SELARAS_AUTH_FAILURES_BURST": "5",
            "SELARAS_AUTH_FAILURES_PER_MINUTE": "30",
        }
    )
    assert chosen.rate_limits["agency"] == RateLimit(50, 200)
    assert chosen.rate_limits["officer"].unlimited
    assert chosen.rate_limits["auditor"] == DEFAULT_RATE_LIMITS["auditor"]
    assert chosen.auth_failures == RateLimit(0.5, 5)
    for bad in ("agency=5/0", "boss=1/1", "agency=fast", "agency=1.5/2", "agency=-1/2"):
        with pytest.raises(SettingsError, match="SELARAS_RATE_LIMITS"):
            Settings.from_env({"SELARAS_RATE_LIMITS": bad})
