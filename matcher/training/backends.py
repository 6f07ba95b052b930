"""Solver backends: one sparse program, solved by CP-SAT, SCIP, HiGHS or CBC.

The program is handed over as arrays: to HiGHS directly through ``highspy`` (its own
Python binding: the arrays are passed as they are, so loading a 370,000-variable program
takes a fraction of a second, where OR-Tools' model builder spent 13-18 s converting it
before HiGHS's clock even started, which is how a 60 s limit became 80-100 s), and to
the others through OR-Tools' model builder
(``ModelBuilderHelper.fill_model_from_sparse_data``: CP-SAT, SCIP) or, for CBC, which the
model builder does not offer, through ``pywraplp`` from the same model proto. Every
backend runs single-threaded with a fixed seed, so a solve that finishes within its
limit gives the same answer on every run; gaps are set to prove the optimum (absolute
gap below one unit of an integer objective).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Literal

import highspy
import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import linear_solver_pb2, pywraplp  # type: ignore[attr-defined]
from ortools.linear_solver.python import model_builder_helper as mbh
from scipy.sparse import csr_matrix

__all__ = [
    "BACKENDS",
    "Backend",
    "LinearRelaxation",
    "Outcome",
    "solve_program",
    "solve_relaxation",
]

Backend = Literal["cp-sat", "scip", "highs", "cbc"]
BACKENDS: tuple[Backend, ...] = ("cp-sat", "scip", "highs", "cbc")

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

_NAMES = {"cp-sat": "sat", "scip": "scip"}
_HIGHS_OPTIONS: dict[str, Any] = {
    "mip_rel_gap": 0.0,
    "mip_abs_gap": 0.5,
    "threads": 1,
    "random_seed": 0,
    "mip_feasibility_tolerance": 1e-9,
    "output_flag": False,
}
_PARAMETERS = {
    # One worker: CP-SAT's parallel portfolio is not deterministic under a time limit.
    "cp-sat": "num_workers:1 random_seed:0 absolute_gap_limit:0.5 relative_gap_limit:0",
    "scip": "limits/gap = 0\nlimits/absgap = 0.5\nrandomization/randomseedshift = 0\n"
    "numerics/feastol = 1e-9",
}


@dataclass(frozen=True)
class Outcome:
    """What a solve found.

    Attributes
    ----------
    status : {"optimal", "feasible", "infeasible", "unknown"}
        ``feasible``: a solution without a proof of optimality (a limit stopped it);
        ``unknown``: no solution and no proof either way.
    values : ndarray of float64 or None
        Variable values, when a solution was found.
    objective : float
        Objective of the solution (nan without one).
    bound : float
        The solver's proven bound on the objective (nan when it has none).
    """

    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    values: Floats | None
    objective: float
    bound: float


def _empty_feasible(row_lower: Floats, row_upper: Floats) -> bool:
    """Whether rows with no variable left (activity 0) hold."""
    return bool((row_lower <= 1e-9).all() and (row_upper >= -1e-9).all())


def _status(code: object) -> Literal["optimal", "feasible", "infeasible", "unknown"]:
    name = getattr(code, "name", str(code))
    if name == "OPTIMAL":
        return "optimal"
    if name == "FEASIBLE":
        return "feasible"
    if name == "INFEASIBLE":
        return "infeasible"
    if name in {"NOT_SOLVED", "UNKNOWN_STATUS", "CANCELLED_BY_USER"}:
        return "unknown"
    raise RuntimeError(f"solver ended with status {name}; please report this")


def solve_program(
    backend: Backend,
    matrix: csr_matrix,
    row_lower: Floats,
    row_upper: Floats,
    var_upper: Floats,
    integer: Bools,
    objective: Floats,
    *,
    maximize: bool,
    var_lower: Floats | None = None,
    time_limit: float,
    start: Floats | None = None,
) -> Outcome:
    """Solve ``max/min objective @ v`` s.t. ``row_lower <= matrix @ v <= row_upper``.

    Parameters
    ----------
    backend : {"cp-sat", "scip", "highs", "cbc"}
    matrix : csr_matrix, shape (n_rows, n_vars)
    row_lower, row_upper : ndarray of float64, shape (n_rows,)
    var_upper : ndarray of float64, shape (n_vars,)
        Upper bounds (lower bounds are ``var_lower``, default 0).
    integer : ndarray of bool, shape (n_vars,)
        Integer variables.
    objective : ndarray of float64, shape (n_vars,)
    maximize : bool
    var_lower : ndarray of float64, shape (n_vars,), optional
    time_limit : float
        Seconds of wall-clock time, loading the program included.
    start : ndarray of float64, shape (n_vars,), optional
        A solution to start from (HiGHS only; ignored by the solver if infeasible).

    Returns
    -------
    Outcome
    """
    n_vars = matrix.shape[1]
    if not n_vars:
        # Everything is fixed (some backends answer "not solved" for an empty model).
        if _empty_feasible(row_lower, row_upper):
            return Outcome("optimal", np.zeros(0), 0.0, 0.0)
        return Outcome("infeasible", None, math.nan, math.nan)
    lower = np.zeros(n_vars) if var_lower is None else var_lower
    # The limit is wall time from here: loading the program counts against it.
    deadline = time.monotonic() + time_limit
    if backend == "highs":
        return _solve_highs(
            matrix,
            row_lower,
            row_upper,
            lower,
            var_upper,
            integer,
            objective,
            maximize,
            deadline,
            start,
        )
    # The helper's stubs type arrays in a form numpy's own types do not meet.
    helper: Any = mbh.ModelBuilderHelper()
    helper.fill_model_from_sparse_data(lower, var_upper, objective, row_lower, row_upper, matrix)
    # One call per integer variable: the helper has no array form of this setter.
    for index in np.flatnonzero(integer).tolist():
        helper.set_var_integrality(index, True)
    helper.set_maximize(maximize)
    limit = max(deadline - time.monotonic(), 0.01)
    if backend == "cbc":
        return _solve_cbc(helper, n_vars, limit)
    solver = mbh.ModelSolverHelper(_NAMES[backend])
    solver.set_solver_specific_parameters(_PARAMETERS[backend])
    solver.enable_output(False)
    solver.set_time_limit_in_seconds(limit)
    solver.solve(helper)
    status = _status(solver.status())
    if not solver.has_solution():
        return Outcome(
            "infeasible" if status == "infeasible" else "unknown", None, math.nan, math.nan
        )
    bound = solver.best_objective_bound() if status != "infeasible" else math.nan
    if status == "optimal":
        bound = solver.objective_value()
    return Outcome(status, np.asarray(solver.variable_values()), solver.objective_value(), bound)


def _solve_highs(
    matrix: csr_matrix,
    row_lower: Floats,
    row_upper: Floats,
    var_lower: Floats,
    var_upper: Floats,
    integer: Bools,
    objective: Floats,
    maximize: bool,
    deadline: float,
    start: Floats | None,
) -> Outcome:
    """HiGHS through ``highspy``, the program passed as arrays (no per-variable call)."""
    csc = matrix.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = csc.shape[1], csc.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = objective, var_lower, var_upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = csc.shape[1], csc.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_ = csc.indptr, csc.indices
    lp.a_matrix_.value_ = csc.data
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # its stub leaves __init__ bare
    for name, value in _HIGHS_OPTIONS.items():
        highs.setOptionValue(name, value)
    highs.passModel(lp)
    columns = np.flatnonzero(integer).astype(np.int32)
    if columns.size:
        kinds = np.full(columns.size, highspy.HighsVarType.kInteger.value, np.uint8)
        highs.changeColsIntegrality(columns.size, columns, kinds)
    if start is not None:
        hint = highspy.HighsSolution()
        hint.col_value = start
        hint.value_valid = True
        highs.setSolution(hint)
    # HiGHS's clock starts at run(): it gets what is left once the program is loaded.
    highs.setOptionValue("time_limit", max(deadline - time.monotonic(), 0.01))
    highs.run()
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible.value
    if model_status == highspy.HighsModelStatus.kInfeasible:
        return Outcome("infeasible", None, math.nan, math.nan)
    if model_status == highspy.HighsModelStatus.kOptimal:
        status: Literal["optimal", "feasible", "infeasible", "unknown"] = "optimal"
    elif model_status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
        status = "feasible" if found else "unknown"
    else:
        raise RuntimeError(f"HiGHS ended with status {model_status.name}; please report this")
    if not found:
        return Outcome("unknown", None, math.nan, math.nan)
    values = np.asarray(highs.getSolution().col_value, np.float64)
    objective_value = float(info.objective_function_value)
    bound = objective_value if status == "optimal" else float(info.mip_dual_bound)
    if not math.isfinite(bound):  # stopped before any bound (the start solution alone)
        bound = math.nan
    return Outcome(status, values, objective_value, bound)


def _solve_cbc(helper: Any, n_vars: int, time_limit: float) -> Outcome:
    """CBC through pywraplp, from the model builder's proto."""
    solver = pywraplp.Solver.CreateSolver("CBC")
    if solver is None:  # pragma: no cover - CBC ships with every OR-Tools wheel
        raise RuntimeError("this OR-Tools build has no CBC")
    proto = mbh.to_mpmodel_proto(helper)  # type: ignore[no-untyped-call]
    error = solver.LoadModelFromProto(proto)
    if error:
        raise RuntimeError(f"CBC rejected the model: {error}")
    solver.SetSolverSpecificParametersAsString("")
    solver.SetTimeLimit(int(time_limit * 1000))
    parameters = pywraplp.MPSolverParameters()
    parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, 0.0)
    code = solver.Solve(parameters)
    if code == pywraplp.Solver.INFEASIBLE:
        return Outcome("infeasible", None, math.nan, math.nan)
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return Outcome("unknown", None, math.nan, math.nan)
    # The response proto hands every value over at once (no call per variable).
    response = linear_solver_pb2.MPSolutionResponse()
    solver.FillSolutionResponseProto(response)
    values = np.array(response.variable_value, np.float64)
    objective = response.objective_value
    if code == pywraplp.Solver.OPTIMAL:
        return Outcome("optimal", values, objective, objective)
    return Outcome("feasible", values, objective, response.best_objective_bound)


@dataclass(frozen=True)
class LinearRelaxation:
    """The optimum of a program's linear relaxation (GLOP, OR-Tools' simplex).

    Attributes
    ----------
    optimal : bool
        Whether GLOP proved an optimum (else the other fields are empty).
    objective : float
    values, reduced_costs : ndarray of float64, shape (n_vars,)
        Reduced costs ``c - A'y`` of the optimal basis.
    duals : ndarray of float64, shape (n_rows,)
    """

    optimal: bool
    objective: float
    values: Floats
    reduced_costs: Floats
    duals: Floats


def solve_relaxation(
    matrix: csr_matrix,
    row_lower: Floats,
    row_upper: Floats,
    var_lower: Floats,
    var_upper: Floats,
    objective: Floats,
    *,
    maximize: bool,
    time_limit: float,
) -> LinearRelaxation:
    """Solve the linear relaxation of a program with GLOP (deterministic, single thread).

    Parameters are as for :func:`solve_program`, without integrality.

    Returns
    -------
    LinearRelaxation
    """
    if not matrix.shape[1]:
        empty = np.zeros(0)
        feasible = _empty_feasible(row_lower, row_upper)
        return LinearRelaxation(feasible, 0.0, empty, empty, np.zeros(len(row_lower)))
    helper: Any = mbh.ModelBuilderHelper()
    helper.fill_model_from_sparse_data(
        var_lower, var_upper, objective, row_lower, row_upper, matrix
    )
    helper.set_maximize(maximize)
    solver = mbh.ModelSolverHelper("glop")
    solver.enable_output(False)
    solver.set_time_limit_in_seconds(max(time_limit, 0.01))
    solver.solve(helper)
    if _status(solver.status()) != "optimal":
        empty = np.zeros(0)
        return LinearRelaxation(False, math.nan, empty, empty, empty)
    return LinearRelaxation(
        True,
        solver.objective_value(),
        np.asarray(solver.variable_values()),
        np.asarray(solver.reduced_costs()),
        np.asarray(solver.dual_values()),
    )
