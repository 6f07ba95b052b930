"""``selaras demo``: validate a data directory and show what the normalizers make of it.

This is what ``make run`` shows: every file is read with the same all-or-nothing reader as
``selaras validate``, then the skill names, language results and job titles of the valid
files go through the normalizers and a summary is printed, and the bundled pool is matched.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.report import EXIT_INVALID, EXIT_USAGE, count_of, report_problems
from models.kinds import RecordKind

# The engine is imported where it is used: `selaras --help` reads DATA_SUFFIXES from here.
if TYPE_CHECKING:
    from matcher.taxonomy.occupations import OccupationMatch
    from matcher.taxonomy.skills import Concept
    from models.vacancy import Vacancy
    from models.worker import Worker

__all__ = [
    "DATA_SUFFIXES",
    "KINDS",
    "NO_CEFR",
    "ConceptCount",
    "DataFile",
    "SkillSummary",
    "find_data_files",
    "run_demo",
    "summarize_languages",
    "summarize_skills",
]

KINDS: tuple[RecordKind, ...] = ("agencies", "workers", "vacancies")
"""Record kinds, in the order they are read and shown (a job order names its agency)."""
DATA_SUFFIXES = (".jsonl", ".json", ".csv")
NO_CEFR = "no CEFR"
"""The row for results that map to no CEFR level."""


@dataclass(frozen=True)
class DataFile:
    """One file of the directory after reading.

    Attributes
    ----------
    path : Path
        The file.
    kind : RecordKind
        The records it holds, from its stem.
    records : list
        The validated records; empty when the file is invalid (nothing is applied).
    n_errors, n_warnings : int
        Problems found (already printed on stderr).
    """

    path: Path
    kind: RecordKind
    records: list[Any]
    n_errors: int
    n_warnings: int


@dataclass
class ConceptCount:
    """How often one skill concept is claimed and asked for, and how it was written.

    Attributes
    ----------
    concept : Concept
        The taxonomy concept.
    workers, vacancies : int
        Workers claiming it and job orders asking for it (each record counted once).
    written_as : list[str]
        The distinct strings read as this concept, in the order first seen.
    """

    concept: Concept
    workers: int = 0
    vacancies: int = 0
    written_as: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SkillSummary:
    """What the skill normalizer made of every skill name in the data.

    Attributes
    ----------
    mentions : int
        Skill names read (worker claims plus job-order requirements).
    distinct : int
        Distinct strings among them.
    concepts : list[ConceptCount]
        Concepts named, most frequent first.
    unknown : list[tuple[str, int]]
        Strings placed in no concept, with how often each occurs, most frequent first.
    """

    mentions: int
    distinct: int
    concepts: list[ConceptCount]
    unknown: list[tuple[str, int]]


def find_data_files(directory: Path) -> list[tuple[RecordKind, Path]]:
    """List the data files of ``directory`` whose stem names a record kind.

    Parameters
    ----------
    directory : Path
        The data directory (not searched recursively).

    Returns
    -------
    list[tuple[RecordKind, Path]]
        ``(kind, path)`` for ``workers.jsonl``, ``vacancies.csv``... in :data:`KINDS`
        order, then by file name.
    """
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in DATA_SUFFIXES)
    return [(kind, p) for kind in KINDS for p in files if p.stem == kind and p.is_file()]


def _read(kind: RecordKind, path: Path) -> DataFile:
    from models.files import InvalidInputError, read_records

    try:
        result = read_records(path, kind)
    except InvalidInputError as error:
        report_problems(error.problems)
        return DataFile(path, kind, [], len(error.problems), 0)
    report_problems(result.warnings, prefix="warning: ")
    return DataFile(path, kind, result.records, 0, len(result.warnings))


def summarize_skills(workers: Sequence[Worker], vacancies: Sequence[Vacancy]) -> SkillSummary:
    """Normalize every worker skill name and job-order skill requirement.

    Parameters
    ----------
    workers, vacancies : Sequence
        Validated records.

    Returns
    -------
    SkillSummary
        Per concept, the number of workers claiming it and job orders asking for it (each
        record counted once per concept), and the strings left unknown.
    """
    from matcher.taxonomy.skills import default_skill_normalizer

    claims = [[skill.name for skill in worker.skills] for worker in workers]
    asks = [[skill.name for skill in vacancy.requirements.skills] for vacancy in vacancies]
    mentions = Counter(name for names in claims + asks for name in names)
    distinct = list(mentions)
    readings = dict(zip(distinct, default_skill_normalizer().normalize_many(distinct), strict=True))
    counts: dict[str, ConceptCount] = {}
    for name, match in readings.items():
        for hit in match.concepts:
            count = counts.setdefault(hit.concept.id, ConceptCount(hit.concept))
            count.written_as.append(name)

    def concepts_of(names: list[str]) -> set[str]:
        return {hit.concept.id for name in names for hit in readings[name].concepts}

    for names in claims:
        for concept_id in concepts_of(names):
            counts[concept_id].workers += 1
    for names in asks:
        for concept_id in concepts_of(names):
            counts[concept_id].vacancies += 1
    unknown = [(name, mentions[name]) for name, match in readings.items() if not match.concepts]
    return SkillSummary(
        mentions=sum(mentions.values()),
        distinct=len(distinct),
        concepts=sorted(counts.values(), key=lambda c: (-c.workers - c.vacancies, c.concept.id)),
        unknown=sorted(unknown, key=lambda item: (-item[1], item[0])),
    )


def summarize_languages(workers: Sequence[Worker]) -> dict[str, Counter[str]]:
    """Map every worker language result to CEFR and count the tests per level.

    Parameters
    ----------
    workers : Sequence[Worker]
        Validated records.

    Returns
    -------
    dict[str, Counter[str]]
        CEFR level (or :data:`NO_CEFR` for tests that keep their own scale and results
        below every level) -> test name -> number of results, levels in CEFR order.
    """
    from matcher.taxonomy.language_scale import normalize_language

    by_level: dict[str, Counter[str]] = {}
    for worker in workers:
        for result in worker.languages:
            level = normalize_language(
                result.test, result.result, sections=result.sections, score=result.score
            )
            by_level.setdefault(level.cefr or NO_CEFR, Counter())[result.test] += 1
    return dict(sorted(by_level.items(), key=lambda item: (item[0] == NO_CEFR, item[0])))


def _files_table(files: Sequence[DataFile]) -> Table:
    table = Table(title="Files")
    for column in ("File", "Kind", "Records", "Status"):
        table.add_column(column)
    for data_file in files:
        if data_file.n_errors:
            status = f"invalid: {count_of(data_file.n_errors, 'errors')} (on stderr)"
        elif data_file.n_warnings:
            status = f"valid, {count_of(data_file.n_warnings, 'warnings')}"
        else:
            status = "valid"
        table.add_row(
            Text(data_file.path.name), data_file.kind, str(len(data_file.records)), status
        )
    return table


def _skills_table(summary: SkillSummary) -> Table:
    table = Table(
        title=f"Skills: {count_of(summary.mentions, 'names')}, {summary.distinct} distinct; "
        f"{count_of(len(summary.concepts), 'concepts')}, {len(summary.unknown)} unknown"
    )
    # Concept ids have no spaces: fold them rather than cut them off with an ellipsis.
    table.add_column("Concept", overflow="fold")
    for column in ("ISCO", "Workers", "Job orders", "Written as"):
        table.add_column(column)
    for count in summary.concepts:
        table.add_row(
            count.concept.id,
            ", ".join(count.concept.isco),
            str(count.workers),
            str(count.vacancies),
            Text(", ".join(count.written_as)),
        )
    return table


def _languages_table(by_level: dict[str, Counter[str]]) -> Table:
    table = Table(
        title="Language results by CEFR level",
        caption="EPS-TOPIK and NAT-TEST keep their own scale: they are never converted.",
    )
    for column in ("CEFR", "Results", "Tests"):
        table.add_column(column)
    for level, tests in by_level.items():
        listed = ", ".join(f"{test} ×{n}" for test, n in sorted(tests.items()))
        table.add_row(level, str(sum(tests.values())), listed)
    return table


def _titles_table(readings: Sequence[tuple[Vacancy, OccupationMatch]]) -> Table:
    table = Table(title="Job-order titles -> ISCO-08")
    for column in ("Job order", "Title", "Read as", "Unit group", "In record"):
        table.add_column(column)
    for vacancy, match in readings:
        given = vacancy.isco or "-"
        if vacancy.isco and match.isco:
            given += " (same)" if vacancy.isco == match.isco else " (differs)"
        table.add_row(
            Text(vacancy.id),
            Text(vacancy.title),
            match.isco or "unknown",
            match.title or "-",
            given,
        )
    return table


def run_demo(directory: Path, as_of: dt.date) -> int:
    """Validate the data files of ``directory``, print the normalization summary, then
    match the pool in ``directory/pool`` (when there is one) on ``as_of``, plan training
    for it with the catalogue ``directory/courses.jsonl`` (when there is one), and match
    the returnees of ``directory`` to its domestic opportunities (when it has both files).

    Parameters
    ----------
    directory : Path
        Holds ``workers``, ``vacancies`` and ``agencies`` files (``.jsonl``, ``.json`` or
        ``.csv``; several formats of one kind may sit side by side).
    as_of : datetime.date
        Evaluation date of the matching part.

    Returns
    -------
    int
        The exit status: 0, :data:`EXIT_INVALID` when a file is invalid (its problems are
        on stderr and the summary covers the valid files), :data:`EXIT_USAGE` when the
        directory holds no data file.
    """
    from cli.demo_match import show_matching
    from cli.demo_reintegrate import show_reintegration
    from cli.demo_training import show_training
    from matcher.taxonomy.occupations import default_occupation_normalizer

    found = find_data_files(directory)
    if not found:
        typer.echo(
            f"{directory}: no workers, vacancies or agencies file "
            f"({', '.join(DATA_SUFFIXES)}) to read",
            err=True,
        )
        return EXIT_USAGE
    files = [_read(kind, path) for kind, path in found]
    workers = [r for f in files if f.kind == "workers" for r in f.records]
    vacancies = [r for f in files if f.kind == "vacancies" for r in f.records]

    console = Console(highlight=False)
    console.rule(Text(f"Selaras demo: {directory}"))
    console.print(_files_table(files))
    skills = summarize_skills(workers, vacancies)
    console.print(_skills_table(skills))
    unknown = ", ".join(f"{name!r} ×{n}" for name, n in skills.unknown) or "none"
    console.print(Text(f"Unknown skill names (an officer should look): {unknown}"))
    console.print(_languages_table(summarize_languages(workers)))
    titles = default_occupation_normalizer().normalize_many([v.title for v in vacancies])
    console.print(_titles_table(list(zip(vacancies, titles, strict=True))))
    show_matching(console, directory / "pool", as_of)
    show_training(console, directory / "pool", directory / "courses.jsonl", as_of)
    show_reintegration(console, directory, as_of)

    invalid = [f for f in files if f.n_errors]
    if invalid:
        typer.echo(f"{len(invalid)} of {count_of(len(files), 'files')} invalid", err=True)
        return EXIT_INVALID
    return 0
