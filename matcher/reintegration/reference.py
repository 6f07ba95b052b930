"""The reference scorer of a (returnee, opportunity) pair: the engine's reference, extended.

The pair is first evaluated by the engine's reference scorer
(:class:`matcher.scoring.reference.Scorer`) on the returnee's facts (recognised levels
added) and the opportunity's requirements (:mod:`matcher.reintegration.screening`): every
gate, component and flag of placement matching holds unchanged. Then the gates only
returnees have (:mod:`matcher.reintegration.gaps`): the kind within the returnee's
``interests``, the site within ``relocate`` of home, the months abroad an opportunity
asks, the capital a programme needs. The score blends the engine's score with the
proximity credit (:meth:`~matcher.reintegration.params.ReintegrationParams.blend`). A
certificate gap the returnee's recognised level would meet says how to close it: an RPL
assessment at an LSP (:func:`~matcher.reintegration.recognition.rpl_gap_message`).

The kernel (:mod:`matcher.reintegration.kernel`) must agree with this pair for pair; the
two never import each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matcher.reintegration.facts import RECOGNISED, ReturneeFacts
from matcher.reintegration.gaps import (
    CAPITAL,
    INTERESTS,
    RELOCATE,
    capital_message,
    interest_message,
    overseas_label,
    overseas_message,
    relocate_message,
    required_capital,
)
from matcher.reintegration.params import ReintegrationParams
from matcher.reintegration.proximity import ProximityTier, proximity, within_reach
from matcher.reintegration.recognition import RecognisedLevel, rpl_gap_message
from matcher.reintegration.screening import ScreenedOpportunity
from matcher.scoring.params import ScoringParams
from matcher.scoring.reference import Gap, PairOutcome, Scorer
from models.opportunity import INTEREST_OF_KIND

__all__ = ["ReintegrationOutcome", "ReintegrationScorer"]


@dataclass(frozen=True)
class ReintegrationOutcome(PairOutcome):
    """The evaluation of one (returnee, opportunity) pair: a pair's outcome whose
    ``components`` are the engine's and ``proximity``, with the proximity tier and
    ``recognised``, the recognised levels of skills the opportunity asks for (held within,
    or related to, a requirement).
    """

    proximity: ProximityTier
    recognised: tuple[RecognisedLevel, ...]


class ReintegrationScorer:
    """Evaluates (returnee, opportunity) pairs with one run's parameters.

    Parameters
    ----------
    params : ScoringParams
        The engine's parameters (taxonomy, evaluation date, exchange rates, weights).
    reintegration : ReintegrationParams, optional
        The proximity component; the defaults when omitted.
    """

    def __init__(
        self, params: ScoringParams, reintegration: ReintegrationParams | None = None
    ) -> None:
        self.params = params
        self.reintegration = reintegration or ReintegrationParams()
        self.engine = Scorer(params)

    def evaluate(
        self, returnee: ReturneeFacts, opportunity: ScreenedOpportunity
    ) -> ReintegrationOutcome:
        """Evaluate one pair.

        Parameters
        ----------
        returnee : ReturneeFacts
        opportunity : ScreenedOpportunity
            Not refused.

        Returns
        -------
        ReintegrationOutcome
        """
        engine = self.engine.evaluate(returnee.worker, opportunity.screened)
        tier = proximity(returnee.home, opportunity.opportunity.location)
        credit = self.reintegration.proximity_credit[tier]
        gaps = [self._rpl(g, returnee, opportunity) for g in engine.gaps]
        gaps += self.returnee_gaps(returnee, opportunity, tier)
        return ReintegrationOutcome(
            eligible=not gaps,
            score=self.reintegration.blend(engine.score, credit),
            components={**engine.components, "proximity": credit},
            gaps=tuple(gaps),
            flags=engine.flags,
            proximity=tier,
            recognised=self.used(returnee, opportunity),
        )

    def returnee_gaps(
        self, returnee: ReturneeFacts, opportunity: ScreenedOpportunity, tier: ProximityTier
    ) -> list[Gap]:
        """The gates only returnees have, in order: interests, relocate, months abroad,
        capital."""
        found = opportunity.opportunity
        gaps = []
        if INTEREST_OF_KIND[found.kind] not in returnee.interests:
            message = interest_message(returnee.interests, found.kind)
            gaps.append(Gap(*INTERESTS, message))
        if not within_reach(returnee.relocate, tier):
            message = relocate_message(returnee.home, found.location, tier, returnee.relocate)
            gaps.append(Gap(*RELOCATE, message))
        abroad = found.requirements.overseas_experience
        if abroad is not None:
            wanted = abroad.countries
            months = sum(m for c, m in returnee.abroad if wanted is None or c in wanted)
            if months < abroad.min_months:
                message = overseas_message(abroad, months)
                gaps.append(Gap("experience", overseas_label(abroad), message))
        capital = found.requirements.capital
        if capital is not None:
            have = returnee.capital
            need = math.nan if have is None else required_capital(capital, have[1], self.params)
            # NaN (no rate) compares False: nothing shows the capital is enough.
            if have is None or not have[0] >= need:
                shown = None if math.isnan(need) else need
                gaps.append(Gap(*CAPITAL, capital_message(capital, have, shown)))
        return gaps

    def used(
        self, returnee: ReturneeFacts, opportunity: ScreenedOpportunity
    ) -> tuple[RecognisedLevel, ...]:
        """The recognised levels the pair uses: of skills the opportunity asks for, and
        above the level the returnee states for that skill (the engine takes the higher,
        so a lower recognised level is not what it used)."""
        taxonomy = self.params.taxonomy
        concepts = [c for need in opportunity.screened.skills for c in need.concepts]
        stated: dict[str, int] = {}
        for skill in returnee.worker.skills:
            if skill.written != RECOGNISED and skill.level is not None:
                stated[skill.concept] = max(stated.get(skill.concept, 0), skill.level)
        return tuple(
            r
            for r in returnee.recognised
            if r.level > stated.get(r.skill, 0)
            and any(taxonomy.relation(r.skill, c) is not None for c in concepts)
        )

    def _rpl(self, gap: Gap, returnee: ReturneeFacts, opportunity: ScreenedOpportunity) -> Gap:
        """A certificate gap that a recognised level meets: its way to close is RPL."""
        if gap.kind != "certificate":
            return gap
        taxonomy = self.params.taxonomy
        for need in opportunity.screened.skills:
            if need.name != gap.requirement:
                continue
            levels = [
                r
                for r in returnee.recognised
                if any(taxonomy.is_within(r.skill, c) for c in need.concepts)
            ]
            if levels:
                best = max(levels, key=lambda r: r.level)
                message = rpl_gap_message(need.name, opportunity.screened.day, best, need.min_level)
                if message is not None:
                    return Gap(gap.kind, gap.requirement, message)
        return gap
