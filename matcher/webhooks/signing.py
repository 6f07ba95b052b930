"""Signing webhook deliveries the Standard Webhooks way (symmetric ``v1``, HMAC-SHA256).

Specification: https://www.standardwebhooks.com (spec/standard-webhooks.md, version 1.0.0,
of github.com/standard-webhooks/standard-webhooks). A delivery carries three headers:

- ``webhook-id``: the message id, the same on every retry (receivers use it to process a
  message once);
- ``webhook-timestamp``: the attempt's time, integer seconds since the Unix epoch;
- ``webhook-signature``: space-separated ``v1,<base64 HMAC-SHA256>`` signatures of
  ``"<id>.<timestamp>.<body>"`` under each current secret (two during a rotation).

A secret is shown to the agency as ``whsec_`` + base64 of 24 to 64 random bytes; the HMAC
key is the decoded bytes. The body is signed byte for byte as sent: a receiver must verify
the raw body, never a re-serialised one. Verification compares in constant time and refuses
a timestamp outside a tolerance window (default five minutes) to stop replays.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "SECRET_PREFIX",
    "WebhookVerificationError",
    "new_message_id",
    "new_secret",
    "secret_key",
    "sign",
    "signature_headers",
    "verify",
]

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300
"""How far a timestamp may be from the verifier's clock, either way (the spec's example)."""
_MIN_KEY_BYTES, _MAX_KEY_BYTES = 24, 64
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class WebhookVerificationError(ValueError):
    """A delivery's headers or signature do not verify; the message says which check failed."""


def new_secret(n_bytes: int = 32) -> str:
    """A fresh endpoint secret, ``whsec_`` + base64 of ``n_bytes`` random bytes (24-64)."""
    if not _MIN_KEY_BYTES <= n_bytes <= _MAX_KEY_BYTES:
        raise ValueError(f"a secret has {_MIN_KEY_BYTES} to {_MAX_KEY_BYTES} bytes; got {n_bytes}")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(n_bytes)).decode("ascii")


def new_message_id() -> str:
    """A fresh ``webhook-id``: ``msg_`` and 26 random URL-safe characters (never a ``.``)."""
    return "msg_" + secrets.token_urlsafe(20)[:26]


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret.

    Raises
    ------
    ValueError
        If the prefix is missing, the text is not base64, or the key is not 24-64 bytes.
    """
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is base64 after its prefix") from None
    if not _MIN_KEY_BYTES <= len(key) <= _MAX_KEY_BYTES:
        raise ValueError(
            f"a webhook secret holds {_MIN_KEY_BYTES} to {_MAX_KEY_BYTES} bytes; got {len(key)}"
        )
    return key


def sign(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one delivery.

    Parameters
    ----------
    secret : str
        The endpoint's ``whsec_`` secret.
    message_id : str
        ``webhook-id``: letters, digits, ``_`` and ``-`` only (a ``.`` would make the signed
        text ambiguous).
    timestamp : int
        ``webhook-timestamp``, seconds since the Unix epoch.
    body : bytes
        The request body exactly as sent.

    Returns
    -------
    str
    """
    if not _MESSAGE_ID.match(message_id):
        raise ValueError(f"a webhook-id is 1-128 of [A-Za-z0-9_-]; got {message_id!r}")
    signed = f"{message_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(
    endpoint_secrets: Iterable[str], *, message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers of a delivery, signed with every given secret.

    Parameters
    ----------
    endpoint_secrets : iterable of str
        The endpoint's current secret, then the previous one while a rotation is under way.
    message_id, timestamp, body
        As for :func:`sign`.

    Returns
    -------
    dict
        ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``.
    """
    signatures = [
        sign(s, message_id=message_id, timestamp=timestamp, body=body) for s in endpoint_secrets
    ]
    if not signatures:
        raise ValueError("at least one secret is needed to sign a delivery")
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": " ".join(signatures),
    }


def verify(
    secret: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    now: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> None:
    """Check a delivery as a receiver would (Selaras's own tests and tools use it).

    Parameters
    ----------
    secret : str
        The receiver's ``whsec_`` secret.
    headers : Mapping
        Request headers (names in any case).
    body : bytes
        The raw request body.
    now : int
        The receiver's clock, seconds since the Unix epoch.
    tolerance_s : int
        Largest accepted distance between ``webhook-timestamp`` and ``now``.

    Raises
    ------
    WebhookVerificationError
        If a header is missing, the timestamp is malformed or outside the window, or no
        ``v1`` signature matches.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    message_id = lower.get("webhook-id")
    stamp = lower.get("webhook-timestamp")
    signatures = lower.get("webhook-signature")
    if not (message_id and stamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    if not stamp.isdigit():
        raise WebhookVerificationError(f"webhook-timestamp is not integer seconds: {stamp!r}")
    if abs(now - int(stamp)) > tolerance_s:
        raise WebhookVerificationError(
            f"webhook-timestamp {stamp} is more than {tolerance_s} s from now ({now})"
        )
    try:
        expected = sign(secret, message_id=message_id, timestamp=int(stamp), body=body)
    except ValueError as error:
        raise WebhookVerificationError(str(error)) from None
    for candidate in signatures.split():
        if candidate.startswith("v1,") and hmac.compare_digest(candidate, expected):
            return
    raise WebhookVerificationError("no v1 signature matches")
