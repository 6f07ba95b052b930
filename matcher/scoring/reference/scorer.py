"""The reference scorer: one (job order, worker) pair at a time (the kernel's counterpart
is :class:`matcher.scoring.kernel.PoolScorer`)."""

from __future__ import annotations

from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.params import ScoringParams
from matcher.scoring.reference.components import components, weighted_score
from matcher.scoring.reference.context import experience_months, language_margin
from matcher.scoring.reference.flags import pair_flags
from matcher.scoring.reference.gates import pair_gaps
from matcher.scoring.reference.results import PairOutcome, first_per_requirement

__all__ = ["Scorer"]


class Scorer:
    """Evaluates pairs with one run's parameters.

    Parameters
    ----------
    params : ScoringParams
        Taxonomy, evaluation date, exchange rates, weights and component constants.
    """

    def __init__(self, params: ScoringParams) -> None:
        self.params = params

    def evaluate(self, worker: WorkerFacts, screened: ScreenedVacancy) -> PairOutcome:
        """Evaluate one pair.

        Parameters
        ----------
        worker : WorkerFacts
            The worker, read once per run.
        screened : ScreenedVacancy
            The job order after screening (not refused).

        Returns
        -------
        PairOutcome
            Eligibility, gaps, score, components and flags.
        """
        params = self.params
        margins = [language_margin(params, worker, g, screened.day) for g in screened.languages]
        exact, weighted = experience_months(params, worker, screened.experience_targets)
        gaps = pair_gaps(params, worker, screened, margins, exact)
        found, measured = components(params, worker, screened, margins, weighted)
        return PairOutcome(
            eligible=not gaps,
            score=weighted_score(screened.weights or params.weights, found, measured),
            components=found,
            gaps=tuple(first_per_requirement(gaps)),
            flags=tuple(pair_flags(params.taxonomy, worker, screened)),
        )
