"""Training plans: whom to train, in which course cohort, so that the most are placed.

The optimisation core of ``selaras plan-training`` (FORMAT.md, "Training plan"). It takes
plain arrays (:class:`PlanInstance`) and imports nothing else from ``matcher``: which
worker a course unlocks for which job order, and with what score, is the counterfactual
eligibility pass's answer, computed elsewhere by the scoring engine.
"""

from matcher.training.instance import PASS_SCALE, PlanInstance
from matcher.training.plan import Enrolment, TrainingPlan
from matcher.training.solve import BACKENDS, solve_plan

__all__ = [
    "BACKENDS",
    "PASS_SCALE",
    "Enrolment",
    "PlanInstance",
    "TrainingPlan",
    "solve_plan",
]
