"""Files and directories of the server that only its owner may read.

The SQLite store holds personal data and the cursor key signs what clients send back, so
both (and the directories the server creates for them) are created with mode 0600 / 0700
whatever the umask; a store created world-readable by an older version is tightened to
0600 on start, with its write-ahead log and shared-memory files (SQLite gives those the
mode of the database when it creates them).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

__all__ = ["private_directory", "private_file", "write_private_file"]

_FILE_MODE = 0o600
_DIRECTORY_MODE = 0o700
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_log = logging.getLogger("selaras.api")


def private_directory(path: Path) -> None:
    """Create ``path`` and its missing parents, each readable by the owner only.

    A directory that exists already is left as it is (it may be the operator's).
    """
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=_DIRECTORY_MODE)
            os.chmod(directory, _DIRECTORY_MODE)  # mkdir's mode is filtered by the umask


def private_file(path: Path) -> None:
    """Make sure the file ``path`` exists and only its owner may read or write it.

    An existing file that others may read (a store made by an older version) is narrowed
    to 0600, and so are SQLite's companion files next to it.
    """
    path = Path(path)
    private_directory(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _FILE_MODE))
    for candidate in (path, *(path.with_name(path.name + s) for s in _SQLITE_COMPANIONS)):
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                os.chmod(candidate, _FILE_MODE)
                _log.warning("%s was readable by others (mode %o): now 0600", candidate, mode)


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` (0600) holding ``text``; if it exists already, leave it as it is."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _FILE_MODE)
    except FileExistsError:
        return  # another process made it first: theirs is the one every process reads
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)
