"""The matching part of ``selaras demo``: a readable top 5 for a few job orders of the
bundled pool, one explanation and one refused job order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sized
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.report import count_of
from matcher.scoring.explain import explanation
from matcher.scoring.matching import MatchRun, prepare_run
from models.files import InvalidInputError, read_records

__all__ = ["show_heading", "show_matching"]

_SHOWN_ORDERS = 3
_TOP = 5


def show_heading(console: Console, what: str, as_of: dt.date, refusals: Sized) -> None:
    """The rule that opens a part of the demo: what it matches, on which day, how many of
    its offers are refused."""
    console.rule(Text(f"{what} on {as_of} ({len(refusals)} refused)"))


def _load(directory: Path, as_of: dt.date) -> MatchRun | None:
    paths = {kind: directory / f"{kind}.jsonl" for kind in ("workers", "vacancies", "agencies")}
    if not all(p.exists() for p in paths.values()):
        return None
    try:
        records = {kind: list(read_records(path, kind).records) for kind, path in paths.items()}  # type: ignore[arg-type]
    except InvalidInputError:
        return None
    return prepare_run(records["workers"], records["vacancies"], records["agencies"], as_of)


def show_matching(console: Console, directory: Path, as_of: dt.date) -> bool:
    """Match the pool in ``directory`` and print the summary.

    Parameters
    ----------
    console : rich.console.Console
    directory : Path
        Holds ``workers.jsonl``, ``vacancies.jsonl`` and ``agencies.jsonl``.
    as_of : datetime.date
        Evaluation date.

    Returns
    -------
    bool
        False when the directory holds no valid pool (nothing printed).
    """
    run = _load(directory, as_of)
    if run is None:
        return False
    refusals = run.refusals()
    what = f"Matching {count_of(len(run.workers), 'workers')} against "
    show_heading(console, f"{what}{count_of(len(run.vacancies), 'job orders')}", as_of, refusals)
    open_orders = [v for v in run.vacancies if not v.refused]
    shown = MatchRun(run.workers, tuple(open_orders[:_SHOWN_ORDERS]), run.params)
    results = list(shown.rank("vacancies", top=_TOP))
    for screened in open_orders[:_SHOWN_ORDERS]:
        vacancy = screened.vacancy
        table = Table(
            title=f"{vacancy.id}: {vacancy.title} ({vacancy.programme}, "
            f"{vacancy.region or vacancy.country}) — top {_TOP}"
        )
        for column in ("Rank", "Worker", "Score", "Skills", "Cert.", "Language", "Experience"):
            table.add_column(column)
        for r in (r for r in results if r.vacancy_id == vacancy.id):
            c = r.components
            table.add_row(
                str(r.rank),
                r.worker_id,
                f"{r.score:.4f}",
                f"{c['skills']:.2f}",
                f"{c['certification']:.2f}",
                f"{c['language']:.2f}",
                f"{c['experience']:.2f}",
            )
        if not table.rows:
            table.caption = "no eligible candidate"
        console.print(table)
    if open_orders:
        _explain_one(console, run, open_orders[0].vacancy.id)
    if refusals:
        refusal = refusals[0]
        console.print(Text(f"Refused job order {refusal.vacancy_id}:", style="bold"))
        for reason in refusal.reasons:
            console.print(Text(f"  {reason.kind}: {reason.detail}\n    source: {reason.source}"))
    return True


def _explain_one(console: Console, run: MatchRun, vacancy_id: str) -> None:
    """Explain the best ineligible candidate: the gaps say what would close them."""
    screened = next(v for v in run.vacancies if v.vacancy.id == vacancy_id)
    alone = MatchRun(run.workers, (screened,), run.params)
    ranked = [r for r in alone.rank("vacancies", top=0, include_ineligible=True) if not r.eligible]
    if not ranked:
        return
    record = explanation(run, ranked[0].worker_id, vacancy_id, "en")
    console.print(
        Text(
            f"Why is {record['worker_id']} not eligible for {vacancy_id}? "
            f"(selaras explain --lang en|id)",
            style="bold",
        )
    )
    for line in record["explanation"]:
        console.print(Text(f"  {line}"))
