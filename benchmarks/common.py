"""What the benchmarks share: a quick mode, timing lines, and validated synthetic records."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from benchmarks.synthetic import Pool
from models.agency import Agency
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["int_list", "ms", "parse_args", "timed", "validated"]


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, quick: Mapping[str, Any]
) -> argparse.Namespace:
    """Parse the options, with ``--quick`` switching the defaults to ``quick``.

    The quick mode is a smoke test (``make bench QUICK=1``, run by ``make test``): every
    part of the benchmark runs on small inputs, so a broken benchmark fails in seconds.
    Its numbers mean nothing. Options given explicitly still win.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The benchmark's options (``--quick`` is added here).
    argv : sequence of str or None
        The arguments; ``sys.argv[1:]`` when None.
    quick : mapping
        Option destinations -> their quick-mode defaults.

    Returns
    -------
    argparse.Namespace
    """
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes: check that every part runs (the numbers mean nothing)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        parser.set_defaults(**quick)
        args = parser.parse_args(argv)
    return args


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Print ``  what: 1.2 s`` once the block has run."""
    start = time.perf_counter()
    yield
    print(f"  {what}: {time.perf_counter() - start:.1f} s", flush=True)


def int_list(text: str) -> list[int]:
    """A comma-separated list of integers (an option such as ``--n-jobs 1,2``)."""
    return [int(item) for item in text.split(",")]


def ms(seconds: float) -> str:
    """``0.0123`` -> ``"12.3 ms"``."""
    return f"{1000 * seconds:.1f} ms"


def validated(raw: Pool) -> tuple[list[Worker], list[Vacancy], list[Agency]]:
    """The records of a synthetic pool validated with ``models``, as a run reads them."""
    with timed("validate (models)"):
        return (
            [Worker.model_validate(w) for w in raw.workers],
            [Vacancy.model_validate(v) for v in raw.vacancies],
            [Agency.model_validate(a) for a in raw.agencies],
        )
