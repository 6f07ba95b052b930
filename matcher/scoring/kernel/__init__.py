"""The vectorized kernel: job orders against an encoded pool, in chunks, and top-k both ways.

Every gate and score component is the reference scorer's
(:mod:`matcher.scoring.reference`), pair for pair: eligibility and gaps exactly, and the
score computed with the same floating-point operations in the same order, so it equals
the reference's bit for bit. The two are peers: both take a
:class:`~matcher.scoring.params.ScoringParams`, and the kernel never imports the reference.
The component curves that numpy and Python might round differently (``exp``, powers) are
tabulated once from the parameters over the finitely many values they can take
(experience months come in quarters; language margins come from the pool's distinct
results).

A job order is compiled once (requirements resolved to concept, test and code indices,
with per-value tables); it is then scored over the workers in chunks whose size follows a
memory budget. When ineligible pairs are not asked for, the kernel prunes exactly: the
workers that can pass the hard gates are found first by intersecting posting lists (skill
concepts, destination, language results, certificate schemes:
:mod:`~matcher.scoring.kernel.candidates`), or the pool is scanned when those do not
narrow it; a worker is dropped as soon as one gate fails, before the costlier gates and
the score; and the best ``k`` of a job order are looked for first among the workers its
skills credit, when a bound shows nobody else can reach them.

Ranking follows docs/format.md as :mod:`matcher.scoring.publish` defines it: eligible first,
then the published score descending, then the other side's id ascending.

For counting gaps only (:meth:`PoolScorer.count_gaps`), each gate's mask over the pool is
computed once per requirement and kept as a bitset, and a job order's counts are
combined from its gates' bitsets (:mod:`~matcher.scoring.kernel.gap_counts`).

Modules: :mod:`~matcher.scoring.kernel.context` (what a pool's job orders share),
:mod:`~matcher.scoring.kernel.kept` (pool-wide columns kept for the keys asked for most),
:mod:`~matcher.scoring.kernel.candidates` (posting-list candidates and score tiers),
:mod:`~matcher.scoring.kernel.plan` (a job order compiled),
:mod:`~matcher.scoring.kernel.gates` and :mod:`~matcher.scoring.kernel.components` (one
chunk: gates, then the score), :mod:`~matcher.scoring.kernel.gap_counts` (gap counts from
kept gate bitsets), :mod:`~matcher.scoring.kernel.pool_scorer` (chunking and top-k),
:mod:`~matcher.scoring.kernel.results`, :mod:`~matcher.scoring.kernel.rows` (the rows of a
chunk), :mod:`~matcher.scoring.kernel.tables` (the tabulated curves).
"""

from matcher.scoring.kernel.context import kept_columns
from matcher.scoring.kernel.gap_counts import GateCounts, counts_from_gaps
from matcher.scoring.kernel.kept import KeptColumns
from matcher.scoring.kernel.pool_scorer import DEFAULT_MEMORY_BUDGET, PoolScorer
from matcher.scoring.kernel.results import TopVacancies, TopWorkers, VacancyScores

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "GateCounts",
    "KeptColumns",
    "PoolScorer",
    "TopVacancies",
    "TopWorkers",
    "VacancyScores",
    "counts_from_gaps",
    "kept_columns",
]
