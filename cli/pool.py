"""``selaras pool build`` and the ``--pool`` flag of ``match``, ``allocate``, ``explain``,
``plan-training`` and ``insights``.

A pool snapshot (:mod:`matcher.pool.snapshot`) is the worker file validated, normalized
and encoded once; a run given ``--pool`` maps it in place of reading ``--workers``, with the
same results. A snapshot made under other versions, or damaged, is refused (exit 1) with
the command that rebuilds it. Every command opens it with :func:`open_pool` and makes its
run with :func:`pool_run` (:func:`load_pool` does both after reading the other files).
A large worker file is read in parts by ``--read-jobs`` processes
(:mod:`matcher.pool.parallel`), with the same results.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.flags import ReadJobsOption, input_file, output_file, read_jobs
from cli.report import EXIT_INVALID, count_of, report_problems

# The engine is imported in the commands' bodies, so that other commands start without it.
if TYPE_CHECKING:
    from collections.abc import Sequence

    from matcher.pool.parallel import EachPart, ReadPool
    from matcher.pool.snapshot import PoolSnapshot
    from matcher.scoring.matching import MatchRun
    from models.agency import Agency
    from models.files import Problem
    from models.vacancy import Vacancy
    from models.worker import Worker

__all__ = [
    "build",
    "exactly_one",
    "load_pool",
    "load_run",
    "open_pool",
    "open_snapshot",
    "pool_app",
    "pool_run",
    "with_stored_earliest",
]

pool_app = typer.Typer(
    help="Pool snapshots: the worker file validated, normalized and encoded once.",
    no_args_is_help=True,
)


@pool_app.command("build")
def build(
    workers: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, metavar="FILE", help="The worker file."),
    ],
    out: Annotated[Path, output_file("The snapshot file to write.", metavar="POOL")],
    agencies: Annotated[
        Path | None, input_file("The agency register, kept for runs that give no --agencies.")
    ] = None,
    read_jobs_given: ReadJobsOption = None,
) -> None:
    """Validate the workers as match does, then write them normalized and encoded.

    All or nothing: any invalid record (exit 1, every problem on stderr) and no file is
    written. The snapshot names the versions of the engine and its data that made it;
    runs under other versions refuse it.
    """
    from cli.matching import read_into
    from matcher.memory import building_long_lived
    from matcher.pool.snapshot import Source, build_snapshot, file_sha256, snapshot_from_facts

    problems: list[Problem] = []
    with building_long_lived(collect=False):  # see matcher.memory
        day = dt.date.today()
        jobs = read_jobs(read_jobs_given)
        in_parts = _in_parts(workers, jobs)
        read = _read_pool(workers, day, jobs, problems, _earliest) if in_parts else None
        # Only the facts (and the earliest date) are kept: the workers are read as views.
        pool: list[Worker] = [] if in_parts else read_into(workers, "workers", problems, views=True)
        register: list[Agency] | None = (
            None if agencies is None else read_into(agencies, "agencies", problems)
        )
        if problems:
            report_problems(problems)
            raise typer.Exit(EXIT_INVALID)
        # insights' "--as-of before every record" check reads the raw records' dates,
        # which the snapshot does not keep: their earliest is kept instead (found by the
        # processes that read the parts, which hold the records).
        first = (
            _earliest(pool)
            if read is None
            else min((f for f in read.each_part if f is not None), default=None)
        )
        about: dict[str, Any] = {
            "source": Source(str(workers), file_sha256(workers)),
            "agencies": register,
            "agencies_source": None
            if agencies is None
            else Source(str(agencies), file_sha256(agencies)),
            "notes": {"earliest": None if first is None else [first[0].isoformat(), first[1]]},
        }
        if read is None:
            manifest = build_snapshot(out, pool, built=day, **about)
        else:
            manifest = snapshot_from_facts(out, read.facts, read.encoded, **about)
    count = manifest["workers"]["count"]
    typer.echo(
        f"{out}: {count_of(count, 'workers')}, payload {manifest['payload']['bytes']:,} bytes",
        err=True,
    )


def _earliest(records: Sequence[Worker]) -> tuple[dt.date, str] | None:
    from matcher.insights.build import earliest_record

    return earliest_record(records, ())


def _in_parts(workers: Path | None, jobs: int) -> bool:
    """Whether the worker file is read in parts (:mod:`matcher.pool.parallel`)."""
    from matcher.pool.parallel import read_in_parts

    return workers is not None and read_in_parts(workers, jobs)


def _read_pool(
    workers: Path,
    day: dt.date,
    jobs: int,
    problems: list[Problem],
    each_part: EachPart | None = None,
) -> ReadPool | None:
    """The worker file read in parts, or None with its problems added to ``problems``."""
    from matcher.pool.parallel import read_pool
    from models.files import InvalidInputError

    try:
        return read_pool(workers, day, jobs, each_part=each_part)
    except InvalidInputError as error:
        problems.extend(error.problems)
        return None


def _read_columns(
    workers: Path, day: dt.date, jobs: int, problems: list[Problem]
) -> ReadPool | None:
    """A Parquet worker file read as columns (:mod:`matcher.pool.columnar`), or None: not
    such a file, or refused (its problems added to ``problems``)."""
    from models.files import InvalidInputError, _parquet_file

    if not _parquet_file(workers):
        return None
    from matcher.pool.columnar import read_columnar

    try:
        return read_columnar(workers, day, jobs)
    except InvalidInputError as error:
        problems.extend(error.problems)
        return None


def load_pool(
    workers: Path | None,
    pool: Path | None,
    vacancies: Path,
    agencies: Path | None,
    as_of: dt.date | None,
    read_jobs: int = 1,
    *,
    keep_records: bool = True,
    columns: bool = False,
) -> tuple[MatchRun, list[Worker]]:
    """The run of ``--workers`` or ``--pool`` (exactly one), and the raw worker records.

    Exits 2 unless exactly one of the two is given, and 1 on an invalid file (every problem
    of every file listed) or a snapshot that is stale or damaged. From a snapshot the run
    gives no ``--agencies`` uses the register kept in it.

    Parameters
    ----------
    workers, pool, vacancies, agencies, as_of
        The command's files and evaluation date (today when None).
    read_jobs : int
        Processes that may read a large worker file in parts (``--read-jobs``; the same
        run): only when ``keep_records`` is False, as the records stay in them.
    keep_records : bool
        Whether the caller needs the worker records (read as views,
        :func:`models.typed_workers.decode_view`, which read as records: the round report
        reads their fields). Without, only the workers' facts are kept, and the file may
        be read in parts.
    columns : bool
        Whether a Parquet worker file may be read as columns (:mod:`matcher.pool.columnar`:
        each worker's facts made when read), for a run that reads the facts of the workers
        it shows only (``match``, ``explain``; an allocation round reads every worker's).

    Returns
    -------
    tuple
        The run (as :func:`matcher.scoring.matching.prepare_run` makes it) and the worker
        records read from ``workers``: none from a snapshot, which holds no raw record, nor
        when ``keep_records`` is False.
    """
    from cli.matching import load_records
    from matcher.memory import building_long_lived
    from matcher.scoring.matching import run_from_facts

    with building_long_lived(collect=False):  # see matcher.memory
        snapshot = open_pool(workers, pool)
        day = as_of or dt.date.today()
        problems: list[Problem] = []
        # A Parquet worker file is read as columns; refused, its problems are all there is.
        read = (
            None
            if keep_records or not workers
            else _read_columns(workers, day, read_jobs, problems)
        )
        in_parts = read is not None or bool(problems)
        if not keep_records and not in_parts and _in_parts(workers, read_jobs) and workers:
            read = _read_pool(workers, day, read_jobs, problems)
            in_parts = True
        records, orders, register = load_records(
            workers if snapshot is None and not in_parts else None,
            vacancies,
            agencies,
            stored_register=None if snapshot is None else snapshot.agencies,
            problems=problems,
            views=True,
        )
        if read is not None:
            # As from a snapshot: the facts made when read, the pool already encoded.
            return run_from_facts(read.facts, orders, register, day, encoded=read.encoded), []
        return pool_run(snapshot, records, orders, register, day), records if keep_records else []


def load_run(
    workers: Path | None,
    pool: Path | None,
    vacancies: Path,
    agencies: Path | None,
    as_of: dt.date | None,
    read_jobs: int = 1,
) -> MatchRun:
    """The run of :func:`load_pool`, for the commands that need no raw worker record."""
    return load_pool(
        workers, pool, vacancies, agencies, as_of, read_jobs, keep_records=False, columns=True
    )[0]


def open_pool(workers: Path | None, pool: Path | None) -> PoolSnapshot | None:
    """The snapshot ``--pool`` maps, or None when ``--workers`` is given.

    Exits 2 unless exactly one of the two is given, and 1 when the snapshot is stale or
    damaged (:func:`open_snapshot`).
    """
    exactly_one(workers, pool)
    return None if pool is None else open_snapshot(pool)


def pool_run(
    snapshot: PoolSnapshot | None,
    records: Sequence[Worker],
    orders: Sequence[Vacancy],
    register: Sequence[Agency] | None,
    as_of: dt.date,
) -> MatchRun:
    """The run of one evaluation date: over the snapshot's pool when there is one (its
    facts and encoding, nothing normalized again), else over the worker records read."""
    from matcher.scoring.matching import prepare_run, run_from_facts

    if snapshot is None:
        return prepare_run(records, orders, register, as_of)
    return run_from_facts(snapshot.facts, orders, register, as_of, encoded=snapshot.encoded)


def with_stored_earliest(
    snapshot: PoolSnapshot, orders_first: tuple[dt.date, str] | None, after: dt.date
) -> tuple[dt.date, str] | None:
    """``matcher.insights.build.earliest_record(workers, orders, after=after)`` for the
    snapshot's workers, given ``orders_first``, the earliest record of the job orders.

    The workers' earliest record is found when the snapshot is built (it keeps no raw
    record) and stored in its manifest. As ``earliest_record``, None when any date is on
    or before ``after``.
    """
    stored = snapshot.manifest["notes"]["earliest"]
    workers_first = None if stored is None else (dt.date.fromisoformat(stored[0]), stored[1])
    found = min((f for f in (orders_first, workers_first) if f is not None), default=None)
    return None if found is None or found[0] <= after else found


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
