"""One pair -> its match record with a readable explanation (``selaras explain``, the API).

The record is the docs/format.md match result of the pair, plus ``refused`` reasons when the job
order is refused and ``explanation``: one line per score component, gap and flag, in the
language asked for. How the pair's rank is found is up to the caller: a batch run ranks
every worker of its pool, a server its live pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matcher.rules.screening import Note, ScreenedVacancy
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.matching import MatchRun, result_record
from matcher.scoring.reference import PairOutcome
from matcher.scoring.reference.results import Gap
from matcher.text.messages import Lang, kind_label, render

__all__ = ["explain_pair", "explanation", "with_explanation"]


def explain_pair(
    worker: WorkerFacts, screened: ScreenedVacancy, outcome: PairOutcome, rank: int, lang: Lang
) -> dict[str, Any]:
    """The match record of one evaluated pair with a readable explanation.

    Parameters
    ----------
    worker, screened, outcome
        The pair and its evaluation (:meth:`matcher.scoring.reference.Scorer.evaluate`).
    rank : int
        The pair's rank (1-based) among the workers the caller ranks it against.
    lang : {"en", "id"}
        Language of the details and of the explanation lines.

    Returns
    -------
    dict
        The docs/format.md match-result fields, plus ``refused`` reasons when the job order is
        refused and ``explanation``: one line per component, gap and flag, in ``lang``.
    """
    record = result_record(worker, screened, outcome, rank, lang).model_dump()
    words = _WORDS[lang]
    lines = [
        f"{words['component'][name]}: {value:.2f}" for name, value in outcome.components.items()
    ]
    refusals = screened.refusals if screened.refused else None
    return with_explanation(record, lines, outcome.gaps, outcome.flags, refusals, words, lang)


def with_explanation(
    record: dict[str, Any],
    lines: list[str],
    gaps: Sequence[Gap],
    flags: Sequence[Note],
    refusals: Sequence[Note] | None,
    words: Mapping[str, Any],
    lang: Lang,
) -> dict[str, Any]:
    """Finish an explained record: its ``explanation`` and, when refused, ``refused``.

    Parameters
    ----------
    record : dict
        The pair's record; changed in place and returned.
    lines : list of str
        The lines before the gaps (the score components, and what the caller adds).
    gaps, flags : sequences of Gap and Note
        The pair's, each one line after ``lines``.
    refusals : sequence of Note or None
        The refusal reasons when the job order (or opportunity) is refused, else None:
        written as ``refused`` and announced by ``words["refused"]`` as the first line.
    words : mapping
        ``gap``, ``flag`` and ``refused`` in ``lang``.
    lang : {"en", "id"}

    Returns
    -------
    dict
        ``record``.
    """
    lines = lines + [
        f"{words['gap']} ({kind_label(g.kind, lang)}): {render(g.message, lang)}" for g in gaps
    ]
    lines += [
        f"{words['flag']} ({kind_label(f.kind, lang)}): {render(f.message, lang)}" for f in flags
    ]
    if refusals is not None:
        record["refused"] = [
            {"kind": n.kind, "detail": render(n.message, lang), "source": n.source}
            for n in refusals
        ]
        lines.insert(0, words["refused"])
    record["explanation"] = lines
    return record


def explanation(run: MatchRun, worker_id: str, vacancy_id: str, lang: Lang) -> dict[str, Any]:
    """The match record of one pair of a run with a readable explanation.

    Parameters
    ----------
    run : MatchRun
    worker_id, vacancy_id : str
    lang : {"en", "id"}

    Returns
    -------
    dict
        As :func:`explain_pair`, with ``rank`` among every worker of the run for the job
        order, ineligible ones included (1 when the job order is refused).

    Raises
    ------
    KeyError
        If either id is not in the run.
    """
    worker, screened, outcome = run.evaluate(worker_id, vacancy_id)
    alone = MatchRun(run.workers, (screened,), run.params, run.encoded)
    ranked = alone.rank("vacancies", top=0, include_ineligible=True, lang=lang)
    rank = next((r.rank for r in ranked if r.worker_id == worker_id), 0)
    return explain_pair(worker, screened, outcome, max(rank, 1), lang)


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
