"""Entity tags: one strong ETag of a representation, and the If-None-Match check."""

from __future__ import annotations

import hashlib

__all__ = ["etag_of", "not_modified"]


def etag_of(body: bytes) -> str:
    """A strong ETag of a representation: the first 16 bytes of its SHA-256, quoted."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (compared weakly, RFC 9110) or is ``*``."""
    if if_none_match is None:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags
