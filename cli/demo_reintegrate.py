"""The reintegration part of ``selaras demo``: a few returnees' best domestic
opportunities, the refused opportunities, and one pair explained in English and
Indonesian."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.demo_match import show_heading
from cli.report import count_of
from matcher.reintegration.run import (
    ReintegrationRun,
    explain_reintegration,
    prepare_reintegration,
)
from models.files import InvalidInputError, read_records

__all__ = ["show_reintegration"]

_SHOWN_RETURNEES = 3
_TOP = 3


def _load(directory: Path, as_of: dt.date) -> ReintegrationRun | None:
    returnees, opportunities = directory / "returnees.jsonl", directory / "opportunities.jsonl"
    if not (returnees.exists() and opportunities.exists()):
        return None
    try:
        people = list(read_records(returnees, "returnees").records)
        offers = list(read_records(opportunities, "opportunities").records)
    except InvalidInputError:
        return None
    return prepare_reintegration(people, offers, as_of)


def show_reintegration(console: Console, directory: Path, as_of: dt.date) -> bool:
    """Match the returnees of ``directory`` to its opportunities and print a summary.

    Parameters and return value as :func:`cli.demo_match.show_matching`, but ``directory``
    holds ``returnees.jsonl`` and ``opportunities.jsonl``, and False means it holds no
    valid pair of files.
    """
    run = _load(directory, as_of)
    if run is None:
        return False
    refusals = run.refusals()
    people = count_of(len(run.returnees), "returnees")
    offers = count_of(len(run.opportunities), "domestic opportunities")
    show_heading(console, f"Reintegration: {people} and {offers}", as_of, refusals)
    results = list(run.rank("returnees", top=_TOP))
    shown = list(dict.fromkeys(r.worker_id for r in results))[:_SHOWN_RETURNEES]
    kinds = {o.id: o.kind for o in run.opportunities}
    table = Table(title=f"Best {_TOP} opportunities of {len(shown)} returnees")
    for column in ("Returnee", "Rank", "Opportunity", "Kind", "Score", "Where", "Recognised"):
        table.add_column(column)
    for r in (r for r in results if r.worker_id in shown):
        recognised = ", ".join(f"{x.skill} {x.level}" for x in r.recognised) or "-"
        table.add_row(
            r.worker_id,
            str(r.rank),
            r.opportunity_id,
            kinds[r.opportunity_id],
            f"{r.score:.4f}",
            r.proximity,
            recognised,
        )
    console.print(table)
    for refusal in refusals:
        console.print(Text(f"refused {refusal.opportunity_id}: {refusal.reasons[0].detail}"))
    if results:
        # The best pair that used a recognised level shows the most of the engine.
        first = max(results, key=lambda r: (bool(r.recognised), r.eligible, r.score))
        for lang in ("en", "id"):
            record = explain_reintegration(run, first.worker_id, first.opportunity_id, lang)
            console.print(Text(f"{first.worker_id} / {first.opportunity_id} ({lang}):"))
            for line in record["explanation"]:
                console.print(Text(f"  {line}"))
    return True
