"""The reference scorer: the executable specification of matching, one pair at a time.

docs/scoring.md says the same in prose for users. The vectorized kernel
(:mod:`matcher.scoring.kernel`) must agree with it on every pair: eligibility and gaps
exactly, scores bit for bit. The two are peers: both take a
:class:`~matcher.scoring.params.ScoringParams` and neither imports the other. The modules
stand file for file beside the kernel's:

==========================  ====================================================
reference                   kernel
==========================  ====================================================
:mod:`.context`             ``kernel/context.py`` (relations every pair reads)
:mod:`.gates`               ``kernel/gates.py`` (the gates, as gaps)
:mod:`.components`          ``kernel/components.py`` (the components, the score)
:mod:`.results`             ``kernel/results.py`` (result types)
:mod:`.scorer`              ``kernel/pool_scorer.py`` (the entry point)
:mod:`.flags`               (none: flags are read for the pairs shown only)
==========================  ====================================================
"""

from matcher.scoring.reference.results import Gap, PairOutcome
from matcher.scoring.reference.scorer import Scorer

__all__ = ["Gap", "PairOutcome", "Scorer"]
