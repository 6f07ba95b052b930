"""The fuzzy fallback: a whole segment compared with every name, as a last resort.

A wrong target is worse than none, so a fuzzy match is accepted only when one target is
clearly ahead of every other: first by edit ratio (rapidfuzz ``process.cdist``), then, for
segments with a word nobody knows, by character n-gram TF-IDF cosine
(:mod:`matcher.text.ngrams`), which still finds "olahan susu" in "pengolahan susu".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from matcher.text.aliases import Entry
from matcher.text.cover import Hit, Query
from matcher.text.ngrams import NgramIndex

__all__ = ["FuzzyFallback"]

# Minimum rapidfuzz ratio (0-100) and char n-gram TF-IDF cosine (0-1), and how far ahead
# the best target must be of the best other target. Tuned on the dev set so that they add
# readings without adding wrong ones.
_RATIO_CUTOFF = 88.0
_RATIO_MARGIN = 6.0
_COSINE_CUTOFF = 0.8
_COSINE_MARGIN = 0.1


class FuzzyFallback:
    """Whole-segment matching against the names that point at one target.

    Parameters
    ----------
    entries : Sequence[Entry]
        The alias index's names; those several targets share and secondary ones are left
        out.
    threshold : float
        Minimum score of a reading (a fuzzy one too).
    ancestors : Mapping[str, frozenset[str]]
        Target -> all its ancestors (a weak reading may only be narrowed).
    workers : int
        Threads for the batched rapidfuzz comparisons (``-1``: all cores).
    """

    def __init__(
        self,
        entries: Sequence[Entry],
        threshold: float,
        ancestors: Mapping[str, frozenset[str]],
        workers: int = 1,
    ) -> None:
        self.threshold = threshold
        self.workers = workers
        self._ancestors = ancestors
        # Secondary names (ESCO labels) are read by the cover only: thousands of long
        # English labels would outweigh the curated names in the n-gram statistics.
        self._entries = [e for e in entries if e.target is not None and not e.secondary]
        self._keys = [" ".join(e.tokens) for e in self._entries]
        self._targets = np.array([e.target for e in self._entries], dtype=object)

    @cached_property
    def _ngrams(self) -> NgramIndex:
        """The names' n-gram vectors, built on first use: most runs never need them."""
        return NgramIndex(self._keys)

    def load(self) -> None:
        """Build the n-gram vectors now rather than on first use."""
        self._ngrams  # noqa: B018 (a cached property: reading it builds it)

    def match(self, queries: list[Query]) -> list[Hit | None]:
        """The target of each segment the names did not read well enough, or None.

        A segment that was read, only too weakly ("injek plastik": plastic moulding), may
        be narrowed by either stage (to injection moulding), confirmed only by a
        near-exact edit ratio ("operatr produksi"), and never turned into another trade:
        the n-grams of "perawatan wajah" (facial care) are close to "perawatan"
        (maintenance), but that is no evidence.
        """
        if not queries or not self._keys:
            return [None] * len(queries)
        texts = [q.text for q in queries]
        ratios = process.cdist(
            texts, self._keys, scorer=fuzz.ratio,
            score_cutoff=_RATIO_CUTOFF - _RATIO_MARGIN, dtype=np.float32,
            workers=self.workers,
        )  # fmt: skip
        results: list[Hit | None] = []
        for query, row in zip(queries, ratios, strict=True):
            hit = self._winner(query, row / 100.0, _RATIO_CUTOFF / 100.0, _RATIO_MARGIN / 100.0)
            results.append(hit if self._allowed(query, hit, confirm=True) else None)
        again = [i for i, q in enumerate(queries) if results[i] is None and q.has_unknown]
        if again:
            cosines = self._ngrams.cosines([texts[i] for i in again])
            for i, row in zip(again, cosines, strict=True):
                hit = self._winner(queries[i], row, _COSINE_CUTOFF, _COSINE_MARGIN)
                results[i] = hit if self._allowed(queries[i], hit, confirm=False) else None
        return results

    def _allowed(self, query: Query, hit: Hit | None, *, confirm: bool) -> bool:
        if hit is None or query.within is None:
            return True
        narrows = query.within in self._ancestors.get(hit.target, ())
        return narrows or (confirm and hit.target == query.within)

    def _winner(
        self, query: Query, row: NDArray[np.floating[Any]], cutoff: float, margin: float
    ) -> Hit | None:
        best_index = int(row.argmax())
        best = float(row[best_index])
        if best < max(cutoff, self.threshold):
            return None
        # A typo seldom hits a word's first letter (matcher.text.words): a name of as many
        # words whose words start otherwise is other words, not a misspelling ("clean" is
        # not "lean", "kebersihan kantor", office cleaning, not "kebersihan makanan"). With
        # another count of words (one joined or split) the letters do not pair up.
        written, name = query.text.split(), self._keys[best_index].split()
        if len(written) == len(name) and _initials(written) != _initials(name):
            return None
        # Nor is a part of a name a misspelling of it: "housekeeping" is not "5s
        # housekeeping", a word short of it (the cover reads only whole names).
        if len(written) < len(name) and set(written) <= set(name):
            return None
        target = self._entries[best_index].target
        rival = float(np.max(row, where=self._targets != target, initial=0.0))
        if best - rival < margin:
            return None
        assert target is not None
        return Hit(target, round(best, 3))


def _initials(words: list[str]) -> list[str]:
    """The first letters of the words, in sorted order (names match in any word order)."""
    return sorted(word[0] for word in words)
