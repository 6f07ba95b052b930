"""``selaras pool build`` and the ``--pool`` flag of ``match`` and ``allocate``.

A pool snapshot (:mod:`matcher.pool.snapshot`) is the worker file validated, normalized
and encoded once; a run given ``--pool`` maps it in place of reading ``--workers``, with the
same results. A snapshot made under other versions, or damaged, is refused (exit 1) with
the command that rebuilds it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.flags import input_file
from cli.report import EXIT_INVALID, count_of, report_problems

# The engine is imported in the commands' bodies, so that other commands start without it.
if TYPE_CHECKING:
    from matcher.pool.snapshot import PoolSnapshot
    from matcher.scoring.matching import MatchRun
    from models.agency import Agency
    from models.files import Problem
    from models.worker import Worker

__all__ = [
    "PoolOption",
    "WorkersOption",
    "build",
    "exactly_one",
    "load_run",
    "open_snapshot",
    "pool_app",
]

pool_app = typer.Typer(
    help="Pool snapshots: the worker file validated, normalized and encoded once.",
    no_args_is_help=True,
)

PoolOption = Annotated[
    Path | None,
    typer.Option(
        "--pool",
        exists=True,
        dir_okay=False,
        metavar="POOL",
        help="A pool snapshot (selaras pool build) in place of --workers.",
    ),
]
WorkersOption = Annotated[Path | None, input_file("The worker file (or give --pool).")]


@pool_app.command("build")
def build(
    workers: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, metavar="FILE", help="The worker file."),
    ],
    out: Annotated[
        Path, typer.Option(dir_okay=False, metavar="POOL", help="The snapshot file to write.")
    ],
    agencies: Annotated[
        Path | None, input_file("The agency register, kept for runs that give no --agencies.")
    ] = None,
) -> None:
    """Validate the workers as match does, then write them normalized and encoded.

    All or nothing: any invalid record (exit 1, every problem on stderr) and no file is
    written. The snapshot names the versions of the engine and its data that made it;
    runs under other versions refuse it.
    """
    from cli.matching import read_into
    from matcher.memory import building_long_lived
    from matcher.pool.snapshot import Source, build_snapshot, file_sha256

    problems: list[Problem] = []
    with building_long_lived(collect=False):  # see matcher.memory
        pool: list[Worker] = read_into(workers, "workers", problems)
        register: list[Agency] | None = (
            None if agencies is None else read_into(agencies, "agencies", problems)
        )
        if problems:
            report_problems(problems)
            raise typer.Exit(EXIT_INVALID)
        manifest = build_snapshot(
            out,
            pool,
            Source(str(workers), file_sha256(workers)),
            agencies=register,
            agencies_source=None
            if agencies is None
            else Source(str(agencies), file_sha256(agencies)),
        )
    typer.echo(
        f"{out}: {count_of(len(pool), 'workers')}, payload {manifest['payload']['bytes']:,} bytes",
        err=True,
    )


def load_run(
    workers: Path | None,
    pool: Path | None,
    vacancies: Path,
    agencies: Path | None,
    as_of: dt.date | None,
) -> MatchRun:
    """The run of ``--workers`` or ``--pool`` (exactly one), as ``cli.matching.load_run``.

    Exits 2 unless exactly one of the two is given, and 1 on an invalid file or a
    snapshot that is stale or damaged.
    """
    from cli.matching import load_records
    from cli.matching import load_run as load_file_run
    from matcher.memory import building_long_lived
    from matcher.scoring.matching import run_from_facts

    exactly_one(workers, pool)
    if pool is None:
        assert workers is not None  # exactly one is given
        return load_file_run(workers, vacancies, agencies, as_of)
    with building_long_lived(collect=False):  # see matcher.memory
        snapshot = open_snapshot(pool)
        _, orders, register = load_records(
            None, vacancies, agencies, stored_register=snapshot.agencies
        )
        return run_from_facts(
            snapshot.facts,
            orders,
            register,
            as_of or dt.date.today(),
            encoded=snapshot.encoded,
        )


def exactly_one(workers: Path | None, pool: Path | None) -> None:
    """Exit 2 unless exactly one of ``--workers`` and ``--pool`` is given."""
    if (workers is None) == (pool is None):
        raise typer.BadParameter(
            "give exactly one of --workers FILE and --pool POOL", param_hint="--workers/--pool"
        )


def open_snapshot(path: Path) -> PoolSnapshot:
    """Map a snapshot, or exit 1 saying why it cannot be used and how to rebuild it."""
    from matcher.pool.snapshot import SnapshotError, StaleSnapshotError, read_snapshot

    try:
        return read_snapshot(path)
    except StaleSnapshotError as error:
        sources = error.manifest
        rebuild = f"selaras pool build --workers {sources['workers']['file']}"
        if sources.get("agencies"):
            rebuild += f" --agencies {sources['agencies']['file']}"
        typer.echo(f"error: {error}\nrebuild it: {rebuild} --out {path}", err=True)
    except SnapshotError as error:
        typer.echo(
            f"error: {error}\nrebuild it: selaras pool build --workers FILE --out {path}",
            err=True,
        )
    raise typer.Exit(EXIT_INVALID)
