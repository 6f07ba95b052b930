"""Output files written whole or not at all.

Every command that writes a file (results, reports, policy tables) goes through here: the
bytes go to a temporary file beside the target, which replaces it only when writing ends
normally. An error, Ctrl-C or a crash leaves the old file as it was and no temporary file
behind (except after a hard kill).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_output", "atomic_path"]


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that becomes ``path`` when the block ends normally.

    For writers that want a file name rather than a handle (Parquet).

    Parameters
    ----------
    path : Path
        The file to write.

    Yields
    ------
    Path
        The temporary file (exists, empty) to write to.
    """
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(descriptor)
    try:
        yield Path(name)
        with open(name, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(name, 0o644)  # mkstemp makes it private; an output file is not
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """Write a text file whole or not at all (``path`` as :func:`atomic_path` takes it).

    Yields
    ------
    TextIO
        The temporary file, open for writing (UTF-8).
    """
    with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        yield handle
