"""Training plans whose optimum can be checked by hand, the tie rules, empty plans, and the
instance's validation. (The brute-force oracle is in ``test_training_oracle.py``.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from matcher.training import BACKENDS, PlanInstance, TrainingPlan, solve_plan
from matcher.training.instance import PlanInstanceError
from tests.training_tables import random_instance, small_instances, tables


def _plan(instance: PlanInstance, **options: object) -> TrainingPlan:
    plan = solve_plan(instance, **options)  # type: ignore[arg-type]
    assert plan.status in {"optimal", "empty"}
    assert plan.upper_bound == plan.value
    assert plan.gap == 0.0
    return plan


def _enrolled(instance: PlanInstance, plan: TrainingPlan) -> list[tuple[str, str, str]]:
    return [(e.worker_id, e.cohort_start, e.placed_in) for e in plan.enrolments(instance)]


# --------------------------------------------------------------------- known optima
def test_trains_the_second_best_near_miss_because_the_best_is_placed_anyway() -> None:
    # W-1 is the best candidate for JO-B after the course, but she is the only one who
    # can fill JO-A today. Training W-2 places both: 1 + 0.8 > 0.8.
    instance = tables("""
        jobs     JO-A slots=1  JO-B slots=1
        eligible W-1 JO-A 0.9000
        cohort   WELD 2026-04-06 seats=5 pass=0.80
        option   W-1 WELD 2026-04-06 cost=100 unlocks=JO-B:0.9500
        option   W-2 WELD 2026-04-06 cost=100 unlocks=JO-B:0.7000
    """)
    plan = _plan(instance)
    assert _enrolled(instance, plan) == [("W-2", "2026-04-06", "JO-B")]
    assert plan.expected_placed == pytest.approx(1.8)
    assert plan.baseline_placed == 1
    assert plan.cost == 100
    assert plan.enrolments(instance)[0].expected_placement == pytest.approx(0.8)
    assert plan.enrolments(instance)[0].unlocks == ("JO-B",)


def test_a_cohort_that_completes_after_the_start_date_does_not_unlock_the_job_order() -> None:
    # JO-1 starts 2026-06-01. The April cohort (12 weeks) completes 2026-06-29 - too late
    # for JO-1, so its options list only JO-2 (starting in September); the February
    # cohort completes in time. Both workers want JO-1; its one seat in time goes to W-1
    # (lower id), W-2 takes the April cohort for JO-2.
    instance = tables("""
        jobs     JO-1 slots=2  JO-2 slots=1
        cohort   SMAW 2026-02-02 seats=1 pass=0.90
        cohort   SMAW 2026-04-06 seats=5 pass=0.90
        option   W-1 SMAW 2026-02-02 cost=100 unlocks=JO-1:0.8000,JO-2:0.8000
        option   W-1 SMAW 2026-04-06 cost=100 unlocks=JO-2:0.8000
        option   W-2 SMAW 2026-02-02 cost=100 unlocks=JO-1:0.8000,JO-2:0.8000
        option   W-2 SMAW 2026-04-06 cost=100 unlocks=JO-2:0.8000
    """)
    plan = _plan(instance)
    assert _enrolled(instance, plan) == [
        ("W-1", "2026-02-02", "JO-1"),
        ("W-2", "2026-04-06", "JO-2"),
    ]
    assert plan.cohort_enrolled.tolist() == [1, 1]


def test_a_binding_budget_buys_the_best_combination() -> None:
    # Budget 300: the 100 and 200 courses (0.5 + 0.9) beat the single 250 one (0.95).
    instance = tables(
        """
        jobs     JO-1 slots=1  JO-2 slots=1  JO-3 slots=1
        cohort   A 2026-04-06 seats=5 pass=0.50
        cohort   B 2026-04-06 seats=5 pass=0.90
        cohort   C 2026-04-06 seats=5 pass=0.95
        option   W-1 A 2026-04-06 cost=100 unlocks=JO-1:0.7000
        option   W-2 B 2026-04-06 cost=200 unlocks=JO-2:0.7000
        option   W-3 C 2026-04-06 cost=250 unlocks=JO-3:0.7000
    """,
        budget=300,
    )
    plan = _plan(instance)
    assert [e.worker_id for e in plan.enrolments(instance)] == ["W-1", "W-2"]
    assert plan.cost == 300
    assert plan.expected_placed == pytest.approx(1.4)
    unlimited = _plan(
        PlanInstance(**{**_fields(instance), "budget": None})  # type: ignore[arg-type]
    )
    assert unlimited.n_enrolled == 3


def test_binding_seats_go_to_the_higher_score() -> None:
    instance = tables("""
        jobs     JO-1 slots=1  JO-2 slots=1
        cohort   TIG 2026-04-06 seats=1 pass=0.85
        option   W-1 TIG 2026-04-06 cost=100 unlocks=JO-1:0.7000
        option   W-2 TIG 2026-04-06 cost=100 unlocks=JO-2:0.9000
    """)
    plan = _plan(instance)
    assert _enrolled(instance, plan) == [("W-2", "2026-04-06", "JO-2")]
    assert plan.cohort_enrolled.tolist() == [1]


def test_the_pass_rate_changes_the_choice() -> None:
    text = """
        jobs     JO-1 slots=1
        cohort   CHEAP 2026-04-06 seats=5 pass=0.60
        cohort   GOOD 2026-04-06 seats=5 pass=0.90
        option   W-1 CHEAP 2026-04-06 cost=100 unlocks=JO-1:0.8000
        option   W-1 GOOD 2026-04-06 cost=300 unlocks=JO-1:0.8000
    """
    instance = tables(text)
    plan = _plan(instance)
    assert [e.course_id for e in plan.enrolments(instance)] == ["GOOD"]
    assert plan.expected_placed == pytest.approx(0.9)
    # The budget rules out the better course: the cheaper one is still worth taking.
    tight = tables(text, budget=200)
    assert [e.course_id for e in _plan(tight).enrolments(tight)] == ["CHEAP"]


def test_a_failed_prerequisite_means_no_option_so_the_other_worker_is_trained() -> None:
    # W-1 would score higher after the course but fails its prerequisite on the cohort's
    # start date: the counterfactual pass gives her no option row at all.
    instance = tables(
        """
        jobs     JO-1 slots=1
        cohort   JLPT-N4 2026-04-06 seats=5 pass=0.75
        option   W-2 JLPT-N4 2026-04-06 cost=100 unlocks=JO-1:0.6000
    """,
        workers=["W-1"],
    )
    plan = _plan(instance)
    assert _enrolled(instance, plan) == [("W-2", "2026-04-06", "JO-1")]


# ------------------------------------------------------------------------ tie rules
def test_equal_value_goes_to_the_lower_cost() -> None:
    instance = tables("""
        jobs     JO-1 slots=1
        cohort   A 2026-04-06 seats=5 pass=0.80
        cohort   B 2026-04-06 seats=5 pass=0.80
        option   W-1 A 2026-04-06 cost=300 unlocks=JO-1:0.9000
        option   W-2 B 2026-04-06 cost=200 unlocks=JO-1:0.5000
    """)
    assert [e.worker_id for e in _plan(instance).enrolments(instance)] == ["W-2"]


def test_equal_value_and_cost_go_to_the_higher_total_score() -> None:
    # Pass rate 1, so training either worker places both (value 2, cost 100). Training
    # W-2 keeps W-1 in JO-1 (0.9 + 0.6 = 1.5); training W-1 moves her to JO-2 and W-2
    # into JO-1 (0.8 + 0.6 = 1.4).
    instance = tables("""
        jobs     JO-1 slots=1  JO-2 slots=1
        eligible W-1 JO-1 0.9000
        eligible W-2 JO-1 0.6000
        cohort   A 2026-04-06 seats=5 pass=1.00
        option   W-1 A 2026-04-06 cost=100 unlocks=JO-2:0.8000
        option   W-2 A 2026-04-06 cost=100 unlocks=JO-2:0.6000
    """)
    plan = _plan(instance)
    assert _enrolled(instance, plan) == [("W-2", "2026-04-06", "JO-2")]
    assert plan.score == 15_000


def test_full_ties_go_to_the_lower_worker_id_then_earlier_cohort_then_job_order_id() -> None:
    # Two slots: both workers are trained (value first). W-A comes first: her best choice
    # in a plan that keeps both placed is the April cohort (earlier than July) and JO-2,
    # as JO-1 is the only job order W-B can reach. With one slot, the identical workers
    # tie and W-A gets it, in her earlier cohort.
    instance = tables("""
        jobs     JO-2 slots=1  JO-1 slots=1
        cohort   A 2026-07-06 seats=5 pass=0.80
        cohort   A 2026-04-06 seats=5 pass=0.80
        option   W-B A 2026-04-06 cost=100 unlocks=JO-1:0.7000
        option   W-A A 2026-07-06 cost=100 unlocks=JO-2:0.7000,JO-1:0.7000
        option   W-A A 2026-04-06 cost=100 unlocks=JO-2:0.7000,JO-1:0.7000
    """)
    assert _enrolled(instance, _plan(instance)) == [
        ("W-A", "2026-04-06", "JO-2"),
        ("W-B", "2026-04-06", "JO-1"),
    ]
    one_slot = tables("""
        jobs     JO-1 slots=1
        cohort   A 2026-07-06 seats=5 pass=0.80
        cohort   A 2026-04-06 seats=5 pass=0.80
        option   W-B A 2026-04-06 cost=100 unlocks=JO-1:0.7000
        option   W-A A 2026-07-06 cost=100 unlocks=JO-1:0.7000
        option   W-A A 2026-04-06 cost=100 unlocks=JO-1:0.7000
    """)
    assert _enrolled(one_slot, _plan(one_slot)) == [("W-A", "2026-04-06", "JO-1")]


def test_an_earlier_worker_gets_the_scarce_early_cohort() -> None:
    instance = tables("""
        jobs     JO-1 slots=2
        cohort   A 2026-04-06 seats=1 pass=0.80
        cohort   A 2026-05-04 seats=1 pass=0.80
        option   W-2 A 2026-04-06 cost=100 unlocks=JO-1:0.7000
        option   W-2 A 2026-05-04 cost=100 unlocks=JO-1:0.7000
        option   W-1 A 2026-04-06 cost=100 unlocks=JO-1:0.7000
        option   W-1 A 2026-05-04 cost=100 unlocks=JO-1:0.7000
    """)
    assert _enrolled(instance, _plan(instance)) == [
        ("W-1", "2026-04-06", "JO-1"),
        ("W-2", "2026-05-04", "JO-1"),
    ]


# ---------------------------------------------------------------------- empty plans
def test_no_option_is_an_empty_plan_with_a_reason() -> None:
    instance = tables("""
        jobs     JO-1 slots=1
        eligible W-1 JO-1 0.9000
    """)
    plan = _plan(instance)
    assert plan.status == "empty"
    assert plan.n_enrolled == 0
    assert plan.expected_placed == 1.0
    assert plan.cost == 0
    assert "no worker has an enrolment option" in plan.reasons[0]


def test_a_budget_below_every_cost_is_an_empty_plan_with_a_reason() -> None:
    instance = tables(
        """
        jobs     JO-1 slots=1
        cohort   A 2026-04-06 seats=5 pass=0.80
        option   W-1 A 2026-04-06 cost=500 unlocks=JO-1:0.7000
    """,
        budget=100,
    )
    plan = _plan(instance)
    assert plan.status == "empty"
    assert plan.reasons == ("every option costs more than the budget",)


def test_training_that_adds_nothing_is_an_empty_plan_with_a_reason() -> None:
    # JO-1 is filled without training; a trained worker would only weigh 0.8.
    instance = tables("""
        jobs     JO-1 slots=1
        eligible W-1 JO-1 0.5000
        cohort   A 2026-04-06 seats=5 pass=0.80
        option   W-2 A 2026-04-06 cost=100 unlocks=JO-1:0.9900
    """)
    plan = _plan(instance)
    assert plan.status == "empty"
    assert plan.expected_placed == 1.0
    assert "no enrolment raises the expected placements" in plan.reasons[0]


def test_no_seats_is_an_empty_plan_with_a_reason() -> None:
    instance = tables("""
        jobs     JO-1 slots=1
        cohort   A 2026-04-06 seats=0 pass=0.80
        option   W-1 A 2026-04-06 cost=100 unlocks=JO-1:0.7000
    """)
    assert _plan(instance).reasons == ("every cohort with an option has no seats",)


# ------------------------------------------------------------- contract, every backend
@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=25, deadline=None)
@given(instance=small_instances())
def test_same_plan_whatever_the_input_order(backend: str, instance: PlanInstance) -> None:
    plan = solve_plan(instance, backend=backend)  # type: ignore[arg-type]
    shuffled = _permuted(instance, np.random.default_rng(len(instance.pair_worker)))
    again = solve_plan(shuffled, backend=backend)  # type: ignore[arg-type]
    assert again.enrolments(shuffled) == plan.enrolments(instance)
    assert (again.value, again.cost, again.score) == (plan.value, plan.cost, plan.score)


def test_a_time_limit_returns_a_valid_plan_with_an_honest_bound() -> None:
    instance = random_instance(
        np.random.default_rng(7),
        n_workers=300,
        n_jobs=40,
        n_cohorts=12,
        p_eligible=0.05,
        p_option=0.1,
        p_unlock=0.1,
        budget=False,
    )
    plan = solve_plan(instance, time_limit=1e-3)
    assert plan.status in {"feasible", "optimal", "empty"}
    assert plan.upper_bound >= plan.value
    assert 0.0 <= plan.gap <= 1.0
    assert (plan.cohort_enrolled <= instance.seats).all()
    exact = solve_plan(instance, time_limit=120)
    assert exact.status == "optimal"
    assert plan.value <= exact.value <= plan.upper_bound


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="'backend' parameter of solve_plan"):
        solve_plan(tables("jobs JO-1 slots=1"), backend="gurobi")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'time_limit' parameter of solve_plan"):
        solve_plan(tables("jobs JO-1 slots=1"), time_limit=0)


# ----------------------------------------------------------------------- validation
def _fields(instance: PlanInstance) -> dict[str, object]:
    names = [
        "worker_ids", "job_ids", "slots", "pair_worker", "pair_job", "pair_score",
        "cohort_course", "cohort_start", "seats", "pass_rate", "option_worker",
        "option_cohort", "option_cost", "unlock_option", "unlock_job", "unlock_score", "budget",
    ]  # fmt: skip
    return {name: getattr(instance, name) for name in names}


_BASE = """
    jobs     JO-1 slots=1  JO-2 slots=1
    eligible W-1 JO-1 0.9000
    cohort   A 2026-04-06 seats=5 pass=0.80
    option   W-2 A 2026-04-06 cost=100 unlocks=JO-1:0.7000
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"worker_ids": np.array(["W-1", "W-1"])}, r"worker_ids\[1\]: the same id as row 0"),
        ({"slots": np.array([1, -1])}, r"slots\[1\] = -1 is outside"),
        ({"pass_rate": np.array([10_001])}, r"pass_rate\[0\] = 10001 is outside \[0, 10000\]"),
        ({"pair_job": np.array([2])}, r"pair_job\[0\] = 2 is outside \[0, 1\]"),
        ({"option_cost": np.array([-5])}, r"option_cost\[0\] = -5 is outside"),
        ({"unlock_job": np.array([0, 1])}, r"unlock_job: has 2 rows, unlock_option has 1"),
        ({"pair_score": np.array([0.5])}, r"pair_score: expected integers"),
        ({"budget": -1}, r"budget = -1 is outside"),
        ({"budget": 1.5}, r"budget: expected an integer or None"),
        ({"cohort_start": np.array([""])}, r"cohort_start\[0\]: an id must not be empty"),
    ],
)
def test_a_broken_instance_names_the_field_and_row(change: dict[str, object], message: str) -> None:
    fields = {**_fields(tables(_BASE)), **change}
    with pytest.raises(PlanInstanceError, match=message):
        PlanInstance(**fields)  # type: ignore[arg-type]


def test_a_course_cannot_unlock_what_the_worker_can_already_do() -> None:
    fields = _fields(tables(_BASE))
    fields["option_worker"] = np.array([0])  # W-1, who is eligible for JO-1 already
    with pytest.raises(PlanInstanceError, match=r"unlock_job\[0\]: worker W-1 is already eligible"):
        PlanInstance(**fields)  # type: ignore[arg-type]


def test_repeated_pairs_and_options_are_errors() -> None:
    fields = _fields(tables(_BASE))
    fields.update(
        option_worker=np.array([1, 1]), option_cohort=np.array([0, 0]),
        option_cost=np.array([100, 100]),
    )  # fmt: skip
    with pytest.raises(PlanInstanceError, match=r"option_cohort\[1\]: the same worker and cohort"):
        PlanInstance(**fields)  # type: ignore[arg-type]


def _permuted(instance: PlanInstance, rng: np.random.Generator) -> PlanInstance:
    """The same instance with every table in another order (ids unchanged)."""
    w = rng.permutation(instance.n_workers)
    j = rng.permutation(instance.n_jobs)
    c = rng.permutation(instance.n_cohorts)
    o = rng.permutation(instance.n_options)
    p = rng.permutation(len(instance.pair_worker))
    u = rng.permutation(len(instance.unlock_option))
    inv = {k: np.argsort(v) for k, v in {"w": w, "j": j, "c": c, "o": o}.items()}
    return PlanInstance(
        worker_ids=instance.worker_ids[w],
        job_ids=instance.job_ids[j],
        slots=instance.slots[j],
        pair_worker=inv["w"][instance.pair_worker[p]],
        pair_job=inv["j"][instance.pair_job[p]],
        pair_score=instance.pair_score[p],
        cohort_course=instance.cohort_course[c],
        cohort_start=instance.cohort_start[c],
        seats=instance.seats[c],
        pass_rate=instance.pass_rate[c],
        option_worker=inv["w"][instance.option_worker[o]],
        option_cohort=inv["c"][instance.option_cohort[o]],
        option_cost=instance.option_cost[o],
        unlock_option=inv["o"][instance.unlock_option[u]],
        unlock_job=inv["j"][instance.unlock_job[u]],
        unlock_score=instance.unlock_score[u],
        budget=instance.budget,
    )


def test_the_solver_imports_nothing_else_from_the_engine() -> None:
    """The optimisation core takes plain arrays: no import from the rest of matcher (the
    catalogue, the workers after a course, the counterfactual pass, the run end to end and
    the trainers among returnees are the engine's users)."""
    import ast
    from pathlib import Path

    import matcher.training

    users = {"after.py", "catalogue.py", "counterfactual.py", "run.py", "trainers.py"}
    for path in Path(matcher.training.__file__).parent.glob("*.py"):
        if path.name in users:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith(("matcher", "models")):
                    assert name.startswith("matcher.training"), f"{path.name} imports {name}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_answers_a_program_with_every_variable_fixed(backend: str) -> None:
    """Fixing can leave no variable; HiGHS alone would answer "not solved" for that."""
    from scipy.sparse import csr_matrix

    from matcher.training.backends import solve_program

    def status(lower: list[float], upper: list[float]) -> str:
        return solve_program(
            backend,  # type: ignore[arg-type]
            csr_matrix((2, 0)), np.array(lower), np.array(upper), np.zeros(0),
            np.zeros(0, np.bool_), np.zeros(0), maximize=True, time_limit=5,
        ).status  # fmt: skip

    assert status([-np.inf, 0.0], [1.0, 0.0]) == "optimal"
    assert status([1.0, 0.0], [1.0, 0.0]) == "infeasible"


def test_a_course_pass_rate_is_held_exactly_by_the_plan() -> None:
    from matcher.training.instance import PASS_SCALE
    from models.course import PASS_RATE_DECIMALS

    assert PASS_SCALE == 10**PASS_RATE_DECIMALS
