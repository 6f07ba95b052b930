"""Server settings, read once from the environment (tests build their own).

``SELARAS_DATABASE_URL``
    SQLAlchemy URL of the store (``postgresql+psycopg://...`` or ``sqlite:///...``); by
    default a SQLite file ``selaras.db`` under the data directory.
``SELARAS_DATA_DIR``
    The data directory (default ``$XDG_DATA_HOME/selaras``, else ``~/.local/share/selaras``).
``SELARAS_ADMIN_KEY``
    An officer API key that the server registers (as key id ``admin``) on start.
``SELARAS_MAX_UPLOAD_MB``
    Largest bulk upload accepted, in MiB (default 128: about 170,000 workers as JSON Lines);
    an upload is held in memory while it is read.
``SELARAS_CACHED_RANKINGS``
    Candidate lists kept for questions asked again while the pool is unchanged (default
    1024, about 50 KB each at k=50; 0 computes every answer afresh).
``SELARAS_RATE_LIMITS``
    Requests per second and burst per key, by role: ``officer=100/400,agency=20/100,
    auditor=5/50`` is the default; a role left out keeps its default; ``0/0`` lifts the
    limit of a role.
``SELARAS_AUTH_FAILURES_BURST``, ``SELARAS_AUTH_FAILURES_PER_MINUTE``
    Failed authentications one client address may make at once (default 20) and then per
    minute (default 10) before it is answered 429 without its key being checked.
``SELARAS_CORS_ORIGINS``
    Origins (``https://host[:port]``, comma-separated) whose browser pages may call the
    API; default none.
``SELARAS_CURSOR_SECRET``
    The key that signs list cursors (at least 32 characters). Default: 32 random bytes
    kept in ``cursor.key`` in the data directory (created readable by the owner only),
    so cursors stay valid across restarts.
``SELARAS_POOL_SNAPSHOT``
    Where the live pool is saved between starts (``api.live_pool.saved``): a file path,
    or ``off``. Default: beside a SQLite store (``selaras.db.pool``), else
    ``live-pool.pool`` in the data directory.
``SELARAS_UPLOAD_READ_JOBS``
    Processes that read a bulk upload of workers of 8 MiB or more in parts, the server's
    own included (``api.upload_parts``; default one per core, at most 64; 1: the server
    reads it alone).

A value that is not a whole number in range (or not of its form) is refused
(:class:`SettingsError` names it), never silently replaced by the default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "DEFAULT_AUTH_FAILURES",
    "DEFAULT_CACHED_RANKINGS",
    "DEFAULT_RATE_LIMITS",
    "MAX_JSON_BODY_BYTES",
    "MAX_K",
    "MAX_PAGE_SIZE",
    "MIN_CURSOR_SECRET_LENGTH",
    "RateLimit",
    "Settings",
    "SettingsError",
    "default_data_dir",
    "default_read_jobs",
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
_MAX_UPLOAD_MB = 4096
_MAX_CACHED_RANKINGS = 1_000_000
_MAX_READ_JOBS = 64
MIN_CURSOR_SECRET_LENGTH = 32
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``burst`` tokens at most, ``per_second`` more each second.

    ``per_second == 0`` means no limit at all.
    """

    per_second: float
    burst: int

    @property
    def unlimited(self) -> bool:
        """True when nothing is limited."""
        return self.per_second <= 0


DEFAULT_RATE_LIMITS: Mapping[str, RateLimit] = MappingProxyType(
    {
        # Desks and dashboards of BP2MI; the benchmark lifts it (0/0).
        "officer": RateLimit(100, 400),
        # One agency's system: a nightly sync of single records (72,000 an hour), or bulk
        # uploads; 20 rankings a second take about a fifth of one core.
        "agency": RateLimit(20, 100),
        "auditor": RateLimit(5, 50),
    }
)
"""Requests per key and second, and burst, by role."""
DEFAULT_AUTH_FAILURES = RateLimit(10 / 60, 20)
"""Failed authentications per client address: 20 at once, then 10 a minute."""


class SettingsError(ValueError):
    """An environment variable holds a value the server cannot use."""


def default_read_jobs() -> int:
    """Processes reading a large bulk upload by default: one per core (at most 64)."""
    return min(os.cpu_count() or 1, _MAX_READ_JOBS)


@dataclass(frozen=True)
class Settings:
    """What the server needs to start: where the data lives, the admin key, the limits."""

    database_url: str
    admin_key: str | None = None
    max_upload_bytes: int = _DEFAULT_UPLOAD_MB * _MIB
    cached_rankings: int = DEFAULT_CACHED_RANKINGS
    rate_limits: Mapping[str, RateLimit] = field(default_factory=lambda: DEFAULT_RATE_LIMITS)
    auth_failures: RateLimit = DEFAULT_AUTH_FAILURES
    cors_origins: tuple[str, ...] = ()
    cursor_secret: str | None = None
    data_dir: Path | None = None
    """Where ``cursor.key`` is kept when no cursor secret is given (None: a new key for each
    start, so cursors end with the process)."""
    pool_snapshot: Path | None = None
    """The saved live pool (None: every start loads every stored worker)."""
    upload_read_jobs: int = field(default_factory=default_read_jobs)
    """Processes that read a large bulk upload of workers, the server's own included
    (:mod:`api.upload_parts`; 1: the server alone)."""

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
        data_dir = default_data_dir(env)
        url = database_url or env.get("SELARAS_DATABASE_URL") or sqlite_url(data_dir)
        upload_mb = _whole(env, "SELARAS_MAX_UPLOAD_MB", _DEFAULT_UPLOAD_MB, 1, _MAX_UPLOAD_MB)
        return cls(
            database_url=url,
            admin_key=env.get("SELARAS_ADMIN_KEY") or None,
            max_upload_bytes=upload_mb * _MIB,
            cached_rankings=_whole(
                env, "SELARAS_CACHED_RANKINGS", DEFAULT_CACHED_RANKINGS, 0, _MAX_CACHED_RANKINGS
            ),
            rate_limits=_rate_limits(env.get("SELARAS_RATE_LIMITS", "")),
            auth_failures=RateLimit(
                _whole(env, "SELARAS_AUTH_FAILURES_PER_MINUTE", 10, 1, 100_000) / 60,
                _whole(env, "SELARAS_AUTH_FAILURES_BURST", DEFAULT_AUTH_FAILURES.burst, 1, 100_000),
            ),
            cors_origins=_origins(env.get("SELARAS_CORS_ORIGINS", "")),
            cursor_secret=_cursor_secret(env.get("SELARAS_CURSOR_SECRET")),
            data_dir=data_dir,
            pool_snapshot=_pool_snapshot(env.get("SELARAS_POOL_SNAPSHOT", ""), url, data_dir),
            upload_read_jobs=_whole(
                env, "SELARAS_UPLOAD_READ_JOBS", default_read_jobs(), 1, _MAX_READ_JOBS
            ),
        )


def _pool_snapshot(given: str, url: str, data_dir: Path) -> Path | None:
    """The saved live pool's file: as given, else beside a SQLite file, else in the data
    directory (the file records which store it was saved from)."""
    if given.strip().lower() == "off":
        return None
    if given.strip():
        return Path(given.strip())
    prefix = "sqlite:///"
    database = url[len(prefix) :].split("?", 1)[0] if url.startswith(prefix) else ""
    if database and database != ":memory:":
        return Path(database + ".pool")
    return data_dir / "live-pool.pool"


def _whole(env: Mapping[str, str], name: str, default: int, least: int, most: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    # isascii: str.isdigit() also accepts digits of other scripts, and int() reads them.
    if not (text.isascii() and text.isdigit() and len(text) <= 9 and least <= int(text) <= most):
        raise SettingsError(
            f"{name} must be a whole number from {least} to {most}; got {text[:40]!r}"
        )
    return int(text)


def _rate_limits(text: str) -> Mapping[str, RateLimit]:
    limits = dict(DEFAULT_RATE_LIMITS)
    for item in filter(None, (part.strip() for part in text.split(","))):
        role, _, value = item.partition("=")
        rate, _, burst = value.partition("/")
        role = role.strip()
        numbers = (rate.strip(), burst.strip())
        well_formed = all(n.isascii() and n.isdigit() and len(n) <= 6 for n in numbers)
        if role not in limits or not well_formed or (int(numbers[0]) > 0) != (int(numbers[1]) > 0):
            raise SettingsError(
                "SELARAS_RATE_LIMITS must be role=requests per second/burst, comma-separated "
                "(officer=100/400,agency=20/100,auditor=5/50; 0/0 lifts a role's limit); "
                f"got {item!r}"
            )
        limits[role] = RateLimit(int(numbers[0]), int(numbers[1]))
    return MappingProxyType(limits)


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(filter(None, (part.strip() for part in text.split(","))))
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise SettingsError(
                "SELARAS_CORS_ORIGINS must list origins such as https://app.example.co.id "
                f"(scheme and host, no path; '*' is not allowed); got {origin!r}"
            )
    return origins


def _cursor_secret(text: str | None) -> str | None:
    if not text:
        return None
    if len(text) < MIN_CURSOR_SECRET_LENGTH:
        raise SettingsError(
            f"SELARAS_CURSOR_SECRET must be at least {MIN_CURSOR_SECRET_LENGTH} characters"
        )
    return text


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
