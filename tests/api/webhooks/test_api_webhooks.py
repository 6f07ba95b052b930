"""Webhooks end to end: registration with SSRF refusals, signed deliveries to a receiver on
the loopback address (allow-listed), retries with backoff, the delivery log and replay."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from tests.api.conftest import AGENCY_A, Api, PoolData

REFUSED_TARGETS = [
    ("http://127.0.0.1/hook", "loopback"),
    ("http://127.1/hook", "loopback"),
    ("http://2130706433/hook", "loopback"),
    ("http://0x7f000001/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "IPv4-mapped"),
    ("http://10.1.2.3/hook", "private"),
    ("http://172.16.0.9/hook", "private"),
    ("http://192.168.1.20/hook", "private"),
    ("http://[fc00::5]/hook", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://100.64.0.1/hook", "carrier-grade NAT"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("ftp://example.com/hook", "only http and https"),
    ("http://user:secret@example.com/hook", "credentials"),
]


@dataclass
class Receiver:
    """An HTTP receiver on 127.0.0.1 that records what it is sent."""

    url: str
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    delay_s: float = 0.0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def wait_for(self, count: int, timeout_s: float = 20.0) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, self.received
        return self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(state.delay_s)
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/selaras"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()


def _register(api: Api, url: str, events: list[str], headers: dict[str, str]) -> Any:
    return api.client.post(
        "/webhooks/endpoints", json={"url": url, "events": events}, headers=headers
    )


def _allow_loopback(api: Api) -> None:
    answer = api.client.put(
        "/webhooks/allow-list", json={"entries": ["127.0.0.0/8"]}, headers=api.officer
    )
    assert answer.status_code == 200, answer.text


def _verified_independently(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification written from the specification, not Selaras's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    fresh = abs(time.time() - int(headers["webhook-timestamp"])) <= 300
    given = [s.removeprefix("v1,") for s in headers["webhook-signature"].split()]
    return fresh and any(hmac.compare_digest(s, expected) for s in given)


@pytest.mark.parametrize(("url", "reason"), REFUSED_TARGETS)
def test_internal_targets_are_refused(api: Api, url: str, reason: str) -> None:
    answer = _register(api, url, ["upload.finished"], api.keys["a"])
    assert answer.status_code == 422, answer.text
    assert reason in json.dumps(answer.json())


def test_only_an_officer_allow_lists(api: Api, receiver: Receiver) -> None:
    refused = api.client.put(
        "/webhooks/allow-list", json={"entries": ["127.0.0.0/8"]}, headers=api.keys["a"]
    )
    assert refused.status_code == 403
    assert _register(api, receiver.url, ["upload.finished"], api.keys["a"]).status_code == 422
    _allow_loopback(api)
    assert _register(api, receiver.url, ["upload.finished"], api.keys["a"]).status_code == 201
    # Another private range is still refused: the entry admits only its network.
    assert (
        _register(api, "http://10.0.0.1/x", ["upload.finished"], api.keys["a"]).status_code == 422
    )


def test_an_upload_is_delivered_signed(api: Api, pool_data: PoolData, receiver: Receiver) -> None:
    _allow_loopback(api)
    created = _register(api, receiver.url, ["upload.finished"], api.keys["a"]).json()
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert "secret" not in json.dumps(
        api.client.get("/webhooks/endpoints", headers=api.keys["a"]).json()
    )
    api.upload("vacancies", pool_data.of("vacancies", AGENCY_A)[:2], api.keys["a"])
    [(headers, body)] = receiver.wait_for(1)
    assert _verified_independently(secret, headers, body)
    payload = Webhook(secret).verify(body, headers)  # the reference library
    assert payload["type"] == "upload.finished"
    assert payload["data"] == {"kind": "job_orders", "created": 0, "updated": 2, "warning_count": 0}
    assert not _verified_independently(secret, headers, body.replace(b"job_orders", b"workers__"))
    # An agency B upload reaches none of A's endpoints.
    api.upload("vacancies", pool_data.of("vacancies", "P3MI-0002")[:1], api.keys["b"])
    time.sleep(1.0)
    assert len(receiver.received) == 1


def test_a_failed_delivery_is_retried_then_logged_and_replayed(
    api: Api, pool_data: PoolData, receiver: Receiver
) -> None:
    _allow_loopback(api)
    api.client.app.state.webhooks.first_delay_s = 0.2  # type: ignore[attr-defined]
    receiver.statuses = [500, 503]
    secret = _register(api, receiver.url, ["upload.finished"], api.keys["a"]).json()["secret"]
    api.upload("vacancies", pool_data.of("vacancies", AGENCY_A)[:1], api.keys["a"])
    attempts = receiver.wait_for(3)
    assert len({h["webhook-id"] for h, _ in attempts}) == 1  # one message, three attempts
    assert all(_verified_independently(secret, h, b) for h, b in attempts)
    log = _log(api, lambda items: items and items[0]["status"] == "delivered")
    [entry] = log
    assert entry["attempts"] == 3
    assert entry["last_status"] == 200
    replayed = api.client.post(f"/webhooks/deliveries/{entry['id']}/replay", headers=api.keys["a"])
    assert replayed.status_code == 202
    headers, _ = receiver.wait_for(4)[3]
    assert headers["webhook-id"] == entry["message_id"]
    # Another agency cannot see or replay it.
    assert api.client.get("/webhooks/deliveries", headers=api.keys["b"]).json()["items"] == []
    other = api.client.post(f"/webhooks/deliveries/{entry['id']}/replay", headers=api.keys["b"])
    assert other.status_code == 404
    # ... and is told exactly what a missing delivery would tell it (no endpoint named).
    assert other.json()["detail"] == f"no delivery {entry['id']!r}"


def _log(api: Api, done: Callable[[list[dict[str, Any]]], Any]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 20
    while True:
        items: list[dict[str, Any]] = api.client.get(
            "/webhooks/deliveries", headers=api.keys["a"]
        ).json()["items"]
        if done(items) or time.monotonic() > deadline:
            return items
        time.sleep(0.1)


def test_a_slow_receiver_never_blocks_an_upload(
    api: Api, pool_data: PoolData, receiver: Receiver
) -> None:
    _allow_loopback(api)
    receiver.delay_s = 3.0
    _register(api, receiver.url, ["upload.finished"], api.keys["a"])
    for _ in range(3):
        started = time.monotonic()
        api.upload("vacancies", pool_data.of("vacancies", AGENCY_A)[:1], api.keys["a"])
        assert time.monotonic() - started < 2.0


def test_a_refused_job_order_is_announced(api: Api, receiver: Receiver) -> None:
    _allow_loopback(api)
    _register(api, receiver.url, ["job_order.refused"], api.keys["a"])
    change = {"status": "suspended"}
    answer = api.client.patch(f"/agencies/{AGENCY_A}/licence", json=change, headers=api.officer)
    assert answer.status_code == 200, answer.text
    received = receiver.wait_for(1)
    time.sleep(0.5)
    events = [json.loads(body) for _, body in received]
    assert {e["type"] for e in events} == {"job_order.refused"}
    assert all(e["data"]["agency_id"] == AGENCY_A for e in events)
    assert all(r["kind"] == "agency_not_licensed" for e in events for r in e["data"]["reasons"])


def test_a_finished_round_is_announced(api: Api, receiver: Receiver) -> None:
    _allow_loopback(api)
    _register(api, receiver.url, ["round.finished"], api.keys["a"])
    first = api.client.post("/batch-runs", json={"as_of": "2026-03-01"}, headers=api.officer)
    second = api.client.post("/batch-runs", json={"as_of": "2026-03-01"}, headers=api.officer)
    api.client.post(f"/batch-runs/{second.json()['id']}/cancel", headers=api.officer)
    received = receiver.wait_for(2, timeout_s=120)
    finished = {
        e["data"]["run_id"]: e["data"]["status"] for e in (json.loads(b) for _, b in received)
    }
    assert finished == {first.json()["id"]: "done", second.json()["id"]: "cancelled"}


def test_a_change_in_a_top_k_is_announced(
    api: Api, pool_data: PoolData, receiver: Receiver
) -> None:
    _allow_loopback(api)
    mine = api.keys["a"]
    order = next(
        v["id"]
        for v in pool_data.of("vacancies", AGENCY_A)
        if len(
            api.client.get(
                f"/job-orders/{v['id']}/candidates", params={"k": 3}, headers=mine
            ).json()["results"]
        )
        == 3
    )
    top = api.client.get(f"/job-orders/{order}/candidates", params={"k": 3}, headers=mine)
    before = [r["worker_id"] for r in top.json()["results"]]
    endpoint = api.client.post(
        "/webhooks/endpoints",
        json={"url": receiver.url, "events": ["ranking.changed"], "top_k": 3},
        headers=mine,
    )
    assert endpoint.status_code == 201, endpoint.text
    time.sleep(2.0)  # the first look at the rankings, taken in the background
    assert api.client.delete(f"/workers/{before[0]}", headers=mine).status_code == 204
    received = receiver.wait_for(1)
    time.sleep(0.5)
    events = [json.loads(body)["data"] for _, body in received]
    changed = next(e for e in events if e["job_order_id"] == order)
    assert changed["before"] == before
    assert before[0] not in changed["after"]
    assert changed["after"][:2] == before[1:]
    assert all(before[0] in e["before"] for e in events)  # nothing else moved
