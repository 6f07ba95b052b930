"""The ``reintegration`` table: returnees by home province and skill, against the slots of
domestic opportunities there.

A returnee's skills are the concepts her skill claims name (read by the engine's
normalizer, as for every worker) and the levels recognised from her work abroad and
foreign certificates (:func:`matcher.reintegration.recognition.recognise_pool`); her
province is ``home.province`` (the official name), else her province of origin as the
``origin`` table publishes it (:func:`~matcher.insights.counts.published_province`). An
opportunity counts its slots under each concept its required skills name (``none`` when
it requires no skill) in the province of its location, unless the wage gate refuses it
(:func:`matcher.reintegration.wage_gate.check_opportunity_wage`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from matcher.insights.cells import CellIndex, distinct_workers
from matcher.insights.counts import NO_SKILL, published_province
from matcher.insights.schema import schema_for
from matcher.insights.table import PolicyTable
from matcher.reintegration.recognition import recognise_pool
from matcher.reintegration.wage_gate import check_opportunity_wage
from matcher.rules.exchange_rates import ExchangeRateTable
from matcher.taxonomy.skills import SkillNormalizer
from models.opportunity import Opportunity
from models.worker import Worker

__all__ = ["reintegration_table"]


def _concepts(normalizer: SkillNormalizer, texts: Sequence[str]) -> list[list[str]]:
    """The concept ids each skill text names."""
    return [[h.concept.id for h in m.concepts] for m in normalizer.normalize_many(list(texts))]


def _home(worker: Worker) -> str:
    if worker.home is not None:
        return worker.home.official_province.name
    return published_province(worker.province)


def reintegration_table(
    returnees: Sequence[Worker],
    opportunities: Sequence[Opportunity],
    as_of: dt.date,
    *,
    normalizer: SkillNormalizer,
    rates: ExchangeRateTable | None = None,
) -> PolicyTable:
    """Count returnees and opportunity slots by province and skill.

    Parameters
    ----------
    returnees : sequence of Worker
        Returnee records.
    opportunities : sequence of Opportunity
        Domestic opportunities.
    as_of : datetime.date
        Evaluation date (recognition counts work and certificates up to it; the wage gate
        uses it when an opportunity has no start date).
    normalizer : SkillNormalizer
        The engine's skill normalizer.
    rates : ExchangeRateTable, optional
        For wages not in IDR.

    Returns
    -------
    PolicyTable
    """
    index = CellIndex()
    claims = [s.name for r in returnees for s in r.skills]
    claimed = iter(_concepts(normalizer, claims))
    recognised = recognise_pool(returnees, lambda t: _concepts(normalizer, t), as_of)
    cells, workers = [], []
    for i, (returnee, levels) in enumerate(zip(returnees, recognised, strict=True)):
        own = {c for _ in returnee.skills for c in next(claimed)}
        own.update(level.skill for level in levels)
        home = _home(returnee)
        for skill in sorted(own) or [NO_SKILL]:
            cells.append(index.id((home, skill)))
            workers.append(i)
    slots: dict[int, int] = defaultdict(int)
    open_ones = [
        o for o in opportunities if not check_opportunity_wage(o, as_of, rates=rates).refused
    ]
    needs = iter(_concepts(normalizer, [s.name for o in open_ones for s in o.requirements.skills]))
    for opportunity in open_ones:
        required = {
            c for need in opportunity.requirements.skills for c in next(needs) if need.required
        }
        province = opportunity.location.official_province.name
        for skill in sorted(required) or [NO_SKILL]:
            slots[index.id((province, skill))] += opportunity.slots
    n_cells = len(index)
    counted = distinct_workers(
        np.array(cells, np.int64), np.array(workers, np.int64), n_cells, len(returnees)
    )
    return PolicyTable(
        schema_for("reintegration"),
        as_of,
        index.columns(("province", "skill")),
        {
            "returnees": counted,
            "opportunity_slots": [slots.get(c, 0) for c in range(n_cells)],
        },
    )
