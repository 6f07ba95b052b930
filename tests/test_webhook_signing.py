"""Standard Webhooks signatures, checked by a verifier written here from the spec, by the
reference library ``standardwebhooks``, and by the openssl recipe in docs/integrations.md."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError as ReferenceVerificationError

from matcher.webhooks.signing import (
    WebhookVerificationError,
    new_message_id,
    new_secret,
    secret_key,
    sign,
    signature_headers,
    verify,
)

BODY = b'{"type":"job_order.refused","timestamp":"2026-03-01T08:00:00Z","data":{"id":"JO-7"}}'
NOW = 1_772_352_000  # 2026-03-01T08:00:00Z
Tamper = Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]]


def spec_verify(secret: str, headers: dict[str, str], body: bytes, now: int) -> bool:
    """An independent verifier, written from the Standard Webhooks specification 1.0.0.

    Signed content is ``msg_id.timestamp.payload``; the key is the base64 after ``whsec_``;
    the signature header is a space-delimited list of ``v1,<base64 HMAC-SHA256>``; the
    timestamp must be within tolerance (5 minutes here).
    """
    key = base64.b64decode(secret.split("_", 1)[1])
    content = (
        headers["webhook-id"].encode() + b"." + headers["webhook-timestamp"].encode() + b"." + body
    )
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
    if abs(now - int(headers["webhook-timestamp"])) > 300:
        return False
    return any(
        version == "v1" and hmac.compare_digest(signature.encode(), expected)
        for version, _, signature in (
            item.partition(",") for item in headers["webhook-signature"].split(" ")
        )
    )


def test_a_signed_delivery_verifies_independently_and_with_the_reference_library() -> None:
    secret = new_secret()
    message_id = new_message_id()
    headers = signature_headers([secret], message_id=message_id, timestamp=NOW, body=BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-timestamp"] == str(NOW)
    assert re.fullmatch(r"v1,[A-Za-z0-9+/]{43}=", headers["webhook-signature"])
    assert spec_verify(secret, headers, BODY, NOW)
    verify(secret, headers=headers, body=BODY, now=NOW)
    # The reference library checks the timestamp against its own clock: sign "now".
    live = signature_headers([secret], message_id=message_id, timestamp=int(time.time()), body=BODY)
    assert Webhook(secret).verify(BODY, live) == {
        "type": "job_order.refused",
        "timestamp": "2026-03-01T08:00:00Z",
        "data": {"id": "JO-7"},
    }


def test_a_signature_made_by_the_reference_library_verifies_here() -> None:
    secret = new_secret(24)
    now = int(time.time())
    signature = Webhook(secret).sign(
        "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", datetime.fromtimestamp(now, UTC), BODY.decode()
    )
    assert signature == sign(
        secret, message_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp=now, body=BODY
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: (h | {"webhook-id": "msg_other"}, b),
        lambda h, b: (h | {"webhook-timestamp": str(NOW + 1)}, b),
        lambda h, b: (h, b + b" "),
        lambda h, b: (h | {"webhook-signature": h["webhook-signature"].replace("v1,", "v1a,")}, b),
    ],
)
def test_any_change_breaks_the_signature(tamper: Tamper) -> None:
    secret = new_secret()
    headers = signature_headers([secret], message_id="msg_1", timestamp=NOW, body=BODY)
    changed, body = tamper(headers, BODY)
    assert not spec_verify(secret, changed, body, NOW)
    with pytest.raises(WebhookVerificationError):
        verify(secret, headers=changed, body=body, now=NOW)


def test_the_tolerance_window_stops_replays() -> None:
    secret = new_secret()
    headers = signature_headers([secret], message_id="msg_1", timestamp=NOW, body=BODY)
    verify(secret, headers=headers, body=BODY, now=NOW + 300)
    for now in (NOW + 301, NOW - 301):
        with pytest.raises(WebhookVerificationError, match="more than 300 s"):
            verify(secret, headers=headers, body=BODY, now=now)
    with pytest.raises(ReferenceVerificationError):  # the reference library refuses it too
        Webhook(secret).verify(BODY, headers)


def test_rotation_sends_one_signature_per_secret_and_either_verifies() -> None:
    old, new = new_secret(), new_secret()
    headers = signature_headers([new, old], message_id="msg_1", timestamp=NOW, body=BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert spec_verify(secret, headers, BODY, NOW)
        verify(secret, headers=headers, body=BODY, now=NOW)
    with pytest.raises(WebhookVerificationError, match="no v1 signature"):
        verify(new_secret(), headers=headers, body=BODY, now=NOW)


def test_headers_are_read_in_any_case_and_missing_ones_are_named() -> None:
    secret = new_secret()
    headers = signature_headers([secret], message_id="msg_1", timestamp=NOW, body=BODY)
    verify(secret, headers={k.title(): v for k, v in headers.items()}, body=BODY, now=NOW)
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(secret, headers={"webhook-id": "msg_1"}, body=BODY, now=NOW)
    with pytest.raises(WebhookVerificationError, match="integer seconds"):
        verify(secret, headers=headers | {"webhook-timestamp": "1.5"}, body=BODY, now=NOW)


def test_secrets_and_message_ids_follow_the_spec() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(secret_key(secret)) == 32
    assert len({new_secret() for _ in range(50)}) == 50
    for bad in (
        "abc",
        "whsec_***",
        "whsec_" + base64.b64encode(b"x" * 23).decode(),
        "whsec_" + base64.b64encode(b"x" * 65).decode(),
    ):
        with pytest.raises(ValueError, match="webhook secret"):
            secret_key(bad)
    with pytest.raises(ValueError, match="24 to 64"):
        new_secret(16)
    message_id = new_message_id()
    assert re.fullmatch(r"msg_[A-Za-z0-9_-]{26}", message_id)
    with pytest.raises(ValueError, match="webhook-id"):
        sign(secret, message_id="msg.1", timestamp=NOW, body=BODY)  # a '.' would be ambiguous
    with pytest.raises(ValueError, match="at least one secret"):
        signature_headers([], message_id="msg_1", timestamp=NOW, body=BODY)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_shell_recipe_in_the_docs_computes_the_same_signature(tmp_path: Path) -> None:
    docs = (Path(__file__).parents[1] / "docs" / "integrations.md").read_text("utf-8")
    recipe = re.search(r"```sh\n(# verify-recipe\n.*?)```", docs, re.S)
    assert recipe is not None, "docs/integrations.md lost its openssl recipe"
    secret = new_secret()
    headers = signature_headers([secret], message_id="msg_1", timestamp=NOW, body=BODY)
    (tmp_path / "body.json").write_bytes(BODY)
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET": secret,
        "WEBHOOK_ID": headers["webhook-id"],
        "WEBHOOK_TIMESTAMP": headers["webhook-timestamp"],
    }
    out = subprocess.run(
        ["bash", "-c", recipe.group(1)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == headers["webhook-signature"]
