"""Reading the inputs of ``selaras match`` and ``selaras explain``, and writing results.

Every input file is read whole with the all-or-nothing reader; the problems of all files
are reported before exiting, so one run shows everything to fix.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from cli.report import EXIT_INVALID, report_problems
from matcher.matching import MatchRun, prepare_run, result_record
from matcher.messages import Lang, render
from models.agency import Agency
from models.files import InvalidInputError, Problem, RecordKind, read_records
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["explanation", "load_run", "write_records"]


def _read(path: Path, kind: RecordKind, problems: list[Problem]) -> list[Any]:
    try:
        result = read_records(path, kind)
    except InvalidInputError as error:
        problems.extend(error.problems)
        return []
    return list(result.records)


def load_run(
    workers: Path, vacancies: Path, agencies: Path | None, as_of: dt.date | None
) -> MatchRun:
    """Read and validate the files, then prepare the run (exit 1 on any invalid file).

    Parameters
    ----------
    workers, vacancies : Path
        Worker and job-order files.
    agencies : Path or None
        The agency register; without it licences are not checked (said once on stderr).
    as_of : datetime.date or None
        Evaluation date; today when None.

    Returns
    -------
    MatchRun
    """
    problems: list[Problem] = []
    pool: list[Worker] = _read(workers, "workers", problems)
    orders: list[Vacancy] = _read(vacancies, "vacancies", problems)
    register: list[Agency] | None = (
        None if agencies is None else _read(agencies, "agencies", problems)
    )
    if problems:
        report_problems(problems)
        raise typer.Exit(EXIT_INVALID)
    if register is None:
        typer.echo(
            "note: no agency register given: licences are not checked "
            "(every result carries a licence_unchecked flag)",
            err=True,
        )
    return prepare_run(pool, orders, register, as_of or dt.date.today())


def write_records(records: Iterable[dict[str, Any]], out: Path | None) -> None:
    """Write JSON Lines to ``out`` or stdout."""
    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if out is None:
        for line in lines:
            typer.echo(line, nl=False)
        return
    with out.open("w", encoding="utf-8") as handle:
        handle.writelines(lines)


def explanation(run: MatchRun, worker_id: str, vacancy_id: str, lang: Lang) -> dict[str, Any]:
    """The match record of one pair with a readable explanation.

    Parameters
    ----------
    run : MatchRun
    worker_id, vacancy_id : str
    lang : {"en", "id"}

    Returns
    -------
    dict
        The FORMAT.md match-result fields (``rank`` among every worker of the job order,
        ineligible ones included), plus ``refused`` reasons when the job order is refused
        and ``explanation``: one line per component, gap and flag, in ``lang``.
    """
    worker, screened, outcome = run.evaluate(worker_id, vacancy_id)
    alone = MatchRun(run.workers, (screened,), run.scorer)
    ranked = list(alone.rank("vacancies", top=0, include_ineligible=True, lang=lang))
    rank = next((r.rank for r in ranked if r.worker_id == worker_id), 0)
    record = result_record(worker, screened, outcome, max(rank, 1), lang).model_dump()
    words = _WORDS[lang]
    lines = [
        f"{words['component'][name]}: {value:.2f}" for name, value in outcome.components.items()
    ]
    lines += [f"{words['gap']} ({g.kind}): {render(g.message, lang)}" for g in outcome.gaps]
    lines += [f"{words['flag']} ({f.kind}): {render(f.message, lang)}" for f in outcome.flags]
    if screened.refused:
        record["refused"] = [
            {"kind": n.kind, "detail": render(n.message, lang), "source": n.source}
            for n in screened.refusals
        ]
        lines.insert(0, words["refused"])
    record["explanation"] = lines
    return record


_WORDS: dict[Lang, dict[str, Any]] = {
    "en": {
        "component": {
            "skills": "skills",
            "certification": "certification",
            "language": "language",
            "experience": "experience",
        },
        "gap": "gap",
        "flag": "flag",
        "refused": "the job order is refused: it gets no candidates",
    },
    "id": {
        "component": {
            "skills": "keahlian",
            "certification": "sertifikasi",
            "language": "bahasa",
            "experience": "pengalaman",
        },
        "gap": "kekurangan",
        "flag": "catatan",
        "refused": "job order ditolak: tidak ada kandidat",
    },
}
