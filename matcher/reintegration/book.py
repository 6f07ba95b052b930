"""Every returnee's best opportunities, selected once and answered one returnee at a time.

A returnee's opportunities do not depend on the other returnees, but the kernel's cost is
per opportunity (each one a pass of the engine's gates), so one returnee against
thousands of opportunities costs about as much as a whole pool. An
:class:`OpportunityBook` runs the kernel once over a pool (``depth`` opportunities per
returnee, both ways as ``selaras reintegrate`` selects them) and then answers one
returnee's top ``k`` (``k <= depth``) from it: the selected pairs are evaluated again by
the reference and ranked exactly as :meth:`~matcher.reintegration.run.ReintegrationRun.rank`
does (the same records). A caller keeps a book while the returnees, the opportunities and
the evaluation date stay the same, and builds a new one when any changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.reintegration.kernel import TopBothWays
from matcher.reintegration.run import ReintegrationRun
from matcher.text.messages import Lang
from models.reintegration_results import ReintegrationResult

__all__ = ["OpportunityBook"]


@dataclass(frozen=True)
class OpportunityBook:
    """A run with every returnee's best ``depth`` opportunities selected.

    Attributes
    ----------
    run : ReintegrationRun
    depth : int
        The most opportunities per returnee the book answers.
    best : TopBothWays
        The kernel's selection (eligible pairs only).
    rows : dict of str to int
        Returnee id -> position in ``run.returnees``.
    """

    run: ReintegrationRun
    depth: int
    best: TopBothWays
    rows: dict[str, int]

    @classmethod
    def build(cls, run: ReintegrationRun, depth: int) -> OpportunityBook:
        """Select every returnee's best ``depth`` opportunities (one kernel pass).

        Parameters
        ----------
        run : ReintegrationRun
            Returnee ids unique within it.
        depth : int
            At least 1.

        Returns
        -------
        OpportunityBook

        Raises
        ------
        ValueError
            If ``depth`` is below 1 or two returnees share an id.
        """
        rows = {r.id: i for i, r in enumerate(run.returnees)}
        if len(rows) != len(run.returnees):
            raise ValueError("returnee ids must be unique in a book")
        best = run.kernel.top(run.opportunities, k=depth)
        return cls(run, depth, best, rows)

    def opportunities_for(
        self, returnee_id: str, k: int, lang: Lang = "en"
    ) -> list[ReintegrationResult] | None:
        """One returnee's top ``k`` eligible opportunities, as ``rank`` gives them.

        Parameters
        ----------
        returnee_id : str
        k : int
            1 to ``depth``.
        lang : {"en", "id"}

        Returns
        -------
        list of ReintegrationResult or None
            None when the book cannot answer: an unknown returnee, or ``k`` outside 1 to
            ``depth``.
        """
        row = self.rows.get(returnee_id)
        if row is None or not 1 <= k <= self.depth:
            return None
        return list(self.run.selected_for(self.best, row, k, False, lang))
