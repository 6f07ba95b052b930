"""Server settings, read once from the environment (tests build their own).

``SELARAS_DATABASE_URL``
    SQLAlchemy URL of the store (``postgresql+psycopg://...`` or ``sqlite:///...``); by
    default a SQLite file ``selaras.db`` under the data directory.
``SELARAS_DATA_DIR``
    The data directory (default ``$XDG_DATA_HOME/selaras``, else ``~/.local/share/selaras``).
``SELARAS_ADMIN_KEY``
    An officer API key that the server registers (as key id ``admin``) on start.
``SELARAS_MAX_UPLOAD_MB``
    Largest bulk upload accepted, in MiB (default 128: about 170,000 workers as JSON Lines).
``SELARAS_CACHED_RANKINGS``
    Candidate lists kept for questions asked again while the pool is unchanged (default
    1024, about 50 KB each at k=50; 0 computes every answer afresh).

A value that is not a whole number is refused (:class:`SettingsError` names it), never
silently replaced by the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DEFAULT_CACHED_RANKINGS",
    "MAX_JSON_BODY_BYTES",
    "MAX_K",
    "MAX_PAGE_SIZE",
    "Settings",
    "SettingsError",
    "default_data_dir",
    "get_settings",
    "sqlite_url",
]

MAX_K = 500
"""Most results one ranking request returns (the command line has no bound)."""
MAX_PAGE_SIZE = 500
"""Most records one list request returns."""
_MIB = 1024 * 1024
MAX_JSON_BODY_BYTES = _MIB
"""Largest JSON request body (one record); bulk uploads have their own limit."""
_DEFAULT_UPLOAD_MB = 128
DEFAULT_CACHED_RANKINGS = 1024
"""Candidate lists the live pool keeps by default."""


class SettingsError(ValueError):
    """An environment variable holds a value the server cannot use."""


@dataclass(frozen=True)
class Settings:
    """What the server needs to start: where the data lives, the admin key, the limits."""

    database_url: str
    admin_key: str | None = None
    max_upload_bytes: int = _DEFAULT_UPLOAD_MB * _MIB
    cached_rankings: int = DEFAULT_CACHED_RANKINGS

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, database_url: str | None = None
    ) -> Settings:
        """Read the settings from ``environ`` (default ``os.environ``).

        Parameters
        ----------
        environ : mapping, optional
            The environment to read.
        database_url : str, optional
            Overrides ``SELARAS_DATABASE_URL`` (``selaras serve --database``).

        Returns
        -------
        Settings

        Raises
        ------
        SettingsError
            If a numeric variable is not a whole number in its range.
        """
        env = os.environ if environ is None else environ
        url = database_url or env.get("SELARAS_DATABASE_URL") or sqlite_url(default_data_dir(env))
        return cls(
            database_url=url,
            admin_key=env.get("SELARAS_ADMIN_KEY") or None,
            max_upload_bytes=_whole(env, "SELARAS_MAX_UPLOAD_MB", _DEFAULT_UPLOAD_MB, 1) * _MIB,
            cached_rankings=_whole(env, "SELARAS_CACHED_RANKINGS", DEFAULT_CACHED_RANKINGS, 0),
        )


def _whole(env: Mapping[str, str], name: str, default: int, least: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < least:
        raise SettingsError(f"{name} must be a whole number of at least {least}; got {text!r}")
    return int(text)


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """The data directory: ``SELARAS_DATA_DIR``, else the XDG data home's ``selaras``."""
    if environ.get("SELARAS_DATA_DIR"):
        return Path(environ["SELARAS_DATA_DIR"])
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "selaras"


def sqlite_url(data_dir: Path) -> str:
    """The URL of the SQLite store in ``data_dir``."""
    return f"sqlite:///{data_dir / 'selaras.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings from the environment (cached; tests pass their own)."""
    return Settings.from_env()
