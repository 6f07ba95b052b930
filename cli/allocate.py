"""``selaras allocate``: one recruitment round from files to records and a report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.flags import (
    MAX_SHORTLIST_PER_SLOT,
    AgencyFile,
    AsOfOption,
    DataFile,
    FormatOption,
    OutFile,
    PoolOption,
    ProgressOption,
    ReadJobsOption,
    WorkersOption,
    n_jobs_option,
    output_file,
    read_jobs,
)
from cli.report import EXIT_USAGE
from matcher.options import Backend, GapScope, Method

__all__ = ["allocate"]


def allocate(
    vacancies: DataFile,
    workers: WorkersOption = None,
    pool: PoolOption = None,
    agencies: AgencyFile = None,
    method: Annotated[
        Method,
        typer.Option(
            help="optimal: largest total score; stable: worker-proposing deferred "
            "acceptance (no worker and job order both prefer each other)."
        ),
    ] = "optimal",
    shortlist_per_slot: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_SHORTLIST_PER_SLOT,
            metavar="N",
            help="Shortlists of up to N candidates per slot.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    gap_scope: Annotated[
        GapScope,
        typer.Option(
            help="Job orders whose gaps explain unplaced workers: those left with "
            "open slots, or all (one full pass of the pool per job order)."
        ),
    ] = "open",
    n_jobs: Annotated[
        int | None,
        n_jobs_option(
            "Parallel jobs for scoring and the gap pass: threads or processes here "
            "(default 1), or tasks in flight on the Dask cluster (default: all its cores); "
            "-1 uses every core. The output is the same for any value.",
        ),
    ] = None,
    backend: Annotated[
        Backend,
        typer.Option(
            help="threading: threads of this process; loky: processes of this machine; "
            "fork: processes forked from this one, sharing its pool (POSIX); "
            "dask: the cluster at --scheduler."
        ),
    ] = "threading",
    scheduler: Annotated[
        str | None,
        typer.Option(metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786)."),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            file_okay=False,
            metavar="DIR",
            help="Save every scored chunk of job orders here, for --resume.",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue the round saved in --checkpoint (refused if any input, the "
            "date, the method or the engine changed).",
        ),
    ] = False,
    progress: ProgressOption = None,
    out: OutFile = None,
    fmt: FormatOption = None,
    report: Annotated[Path | None, output_file("Round report (JSON).")] = None,
    report_html: Annotated[Path | None, output_file("Round report as an HTML page.")] = None,
    read_jobs_given: ReadJobsOption = None,
) -> None:
    """Allocate workers to job orders (each worker at most once, slots respected).

    Writes JSON Lines: refusals, then per job order its placements (or shortlist) by
    rank and an "unfilled" record if slots stay open, then every unplaced worker with
    the reason.
    """
    from cli.matching import atomic_output, write_records
    from cli.pool import load_pool
    from cli.progress import stage_bar
    from matcher.allocation.checkpoint import Checkpoint, CheckpointError, file_digest
    from matcher.allocation.round import allocate_round
    from matcher.allocation.runner import ChunkRunner
    from matcher.reporting.html import render_html
    from matcher.reporting.report import round_report

    if resume and checkpoint is None:
        raise typer.BadParameter("--resume needs --checkpoint DIR", param_hint="--resume")
    if pool is not None and (report is not None or report_html is not None):
        # The fairness section counts protected attributes, which a snapshot never holds.
        raise typer.BadParameter(
            "--report and --report-html need --workers FILE (a pool snapshot holds no "
            "protected attributes for the fairness section)",
            param_hint="--pool",
        )
    try:
        runner = ChunkRunner(n_jobs=n_jobs, backend=backend, scheduler=scheduler)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--n-jobs/--backend/--scheduler") from error
    day = as_of.date() if as_of else dt.date.today()
    # The raw records: the round report's fairness section reads their protected
    # attributes, after the allocation (none from a snapshot, refused above). Without a
    # report they are not needed, and a large worker file may be read in parts.
    reporting = report is not None or report_html is not None
    jobs = read_jobs(read_jobs_given)
    run, records = load_pool(workers, pool, vacancies, agencies, day, jobs, keep_records=reporting)
    saved = None
    if checkpoint is not None:
        inputs = {"workers": workers or pool, "vacancies": vacancies, "agencies": agencies}
        digests = {k: "none" if v is None else file_digest(v) for k, v in inputs.items()}
        saved = Checkpoint(checkpoint, digests, resume=resume)
    try:
        with runner, stage_bar(progress) as bar:
            outcome = allocate_round(
                run,
                method=method,
                shortlist_per_slot=shortlist_per_slot,
                gap_scope=gap_scope,
                runner=runner,
                checkpoint=saved,
                progress=bar,
            )
    except CheckpointError as error:
        typer.echo(f"error: --checkpoint {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    # Everything is computed before the first file is replaced.
    summary = (
        None if report is None and report_html is None else round_report(outcome, records, day)
    )
    write_records((_dump(r) for r in outcome.records), out, fmt=fmt)
    if summary is not None and report is not None:
        with atomic_output(report) as handle:
            handle.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    if summary is not None and report_html is not None:
        with atomic_output(report_html) as handle:
            handle.write(render_html(summary))


def _dump(record: Any) -> dict[str, Any]:
    from models.results import Refusal

    # Refusal reasons always name their source; allocation reasons have none to show.
    if isinstance(record, Refusal):
        return record.model_dump()
    dumped: dict[str, Any] = record.model_dump(exclude_none=True)
    return dumped
