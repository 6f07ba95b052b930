"""Signed list cursors: a client can pass back a cursor the server made, and nothing else.

A cursor is ``<payload>.<tag>``: the payload is the last ``(agency_id, id)`` of a page as
base64url JSON, the tag the first 16 bytes of its HMAC-SHA256 under the server's key. A
cursor that does not verify is a 422 before its payload is even decoded, so a forged one
cannot decode into junk (a lone surrogate, a huge number...).

The key is ``SELARAS_CURSOR_SECRET`` when set; else 32 random bytes kept in ``cursor.key``
in the data directory, created readable by the owner only on first start, so cursors
stay valid across restarts; with neither (tests), a new key for each start.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path

from api.http.errors import UnprocessableError
from api.settings import Settings
from api.storage.private_files import private_directory, write_private_file
from models.strict_json import JsonError
from models.strict_json import loads as strict_loads

__all__ = ["CURSOR_KEY_FILE", "CursorSigner", "cursor_key"]

CURSOR_KEY_FILE = "cursor.key"
_TAG_BYTES = 16
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorSigner:
    """Makes and checks cursors with one key.

    Parameters
    ----------
    key : bytes
        At least 32 bytes.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a cursor key needs at least 32 bytes")
        self._key = key

    def _tag(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return _b64(digest[:_TAG_BYTES])

    def encode(self, key: tuple[str, str]) -> str:
        """The cursor that continues a list after ``key`` (agency id, record id)."""
        payload = _b64(json.dumps(list(key)).encode())
        return f"{payload}.{self._tag(payload)}"

    def decode(self, cursor: str | None) -> tuple[str, str] | None:
        """The key a cursor stands for (None for no cursor).

        Raises
        ------
        UnprocessableError
            If the cursor was not made by this server (or was changed).
        """
        if cursor is None:
            return None
        payload, _, tag = cursor.partition(".")
        key = None
        if tag and hmac.compare_digest(tag.encode(), self._tag(payload).encode()):
            try:
                key = strict_loads(_unb64(payload))
            except (binascii.Error, ValueError, JsonError):
                key = None
        if not (
            isinstance(key, list)
            and len(key) == 2
            and all(isinstance(part, str) and _ID.match(part) for part in key)
        ):
            raise UnprocessableError([(("query", "cursor"), "not a cursor this API returned")])
        return key[0], key[1]


def cursor_key(settings: Settings) -> bytes:
    """The key cursors are signed with (see the module docstring).

    Parameters
    ----------
    settings : Settings

    Returns
    -------
    bytes
    """
    if settings.cursor_secret is not None:
        return hashlib.sha256(settings.cursor_secret.encode()).digest()
    if settings.data_dir is None:
        return secrets.token_bytes(32)
    private_directory(settings.data_dir)
    path = Path(settings.data_dir) / CURSOR_KEY_FILE
    if not path.exists():
        write_private_file(path, secrets.token_hex(32) + "\n")
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise ValueError(f"{path} does not hold a cursor key (64 hex digits); remove it")
    return key
