"""The ranking contract of a run over two sides (:class:`~matcher.scoring.matching.MatchRun`,
:class:`~matcher.reintegration.run.ReintegrationRun`): one signature and one docstring for
``rank``, each run saying only how its kernel and its reference select pairs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import ClassVar, Generic, TypeVar

from matcher.text.messages import Lang

__all__ = ["RankedRun"]

_Direction = TypeVar("_Direction", bound=str)
_Result = TypeVar("_Result")


class RankedRun(ABC, Generic[_Direction, _Result]):
    """A run that ranks the pairs of its two sides, with the kernel or the reference.

    A subclass names its sides' directions (``direction`` of :meth:`rank`: the side whose
    records each get their best counterparts) and its default, and implements
    :meth:`_by_kernel` and :meth:`_by_reference` with the same records.
    """

    default_direction: ClassVar[str]
    """The direction :meth:`rank` takes when it is given none."""

    def rank(
        self,
        direction: _Direction | None = None,
        top: int = 10,
        include_ineligible: bool = False,
        lang: Lang = "en",
        *,
        use_kernel: bool = True,
    ) -> Iterator[_Result]:
        """Ranked pair records.

        Parameters
        ----------
        direction : str or None
            The side whose records each get their top counterparts (MatchRun:
            ``vacancies``, the default, or ``workers``; ReintegrationRun: ``returnees``,
            the default, or ``opportunities``).
        top : int
            How many per record of that side; 0 means all.
        include_ineligible : bool
            Also return ineligible pairs (after the eligible ones), with their gaps.
        lang : {"en", "id"}
            Language of gap and flag details.
        use_kernel : bool
            Score and select with the vectorized kernel (default), evaluating only the
            selected pairs with the reference scorer for their gaps and flags; False runs
            the reference on every pair. Both give the same records.

        Yields
        ------
        record
            By record of the ``direction`` side in input order, then by rank.

        Raises
        ------
        RuntimeError
            If the kernel and the reference disagree on a selected pair (a bug).
        """
        side = self.default_direction if direction is None else direction
        select = self._by_kernel if use_kernel else self._by_reference
        return select(side, top, include_ineligible, lang)

    @abstractmethod
    def _by_kernel(
        self, direction: str, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[_Result]:
        """:meth:`rank` with ``use_kernel``."""

    @abstractmethod
    def _by_reference(
        self, direction: str, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[_Result]:
        """:meth:`rank` without ``use_kernel``: the reference on every pair."""
