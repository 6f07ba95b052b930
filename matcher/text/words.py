"""Word reading: a segment cut into words, and each word given its known forms.

A word is known as written, by an Indonesian root ("pengelasan" -> "las"), by an English
base form ("assemblies" -> "assembly"), or by a typo correction to a known word
("forklip" -> "forklift": one edit for short words, two for long ones, the same first
letter, and only when the nearest known word is unique). East
Asian words are cut into known words by longest match ("溶接作業" -> "溶接", "作業"), and
words split by a stray space are joined again when only the join is known ("fork lift").

What a word resolves to is memoized in a bounded LRU (:data:`MEMO_SIZE` words), so a
long-running server reading a stream of distinct words keeps its memory flat.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from matcher.text.aliases import AliasIndex, cut_east_asian, east_asian_stem
from matcher.text.english import is_dictionary_word, lemma_candidates
from matcher.text.fold import is_east_asian
from matcher.text.indonesian import activity_candidates, root_candidates

__all__ = ["MEMO_SIZE", "Word", "WordReader"]

MEMO_SIZE = 32_768
"""Words whose reading is kept (least recently used first out): the vocabulary of a large
batch of skill names fits; at about 300 bytes a word the memo stays under 10 MB."""

# Typo correction: words shorter than this are never corrected (too many near neighbours).
_MIN_TYPO_LENGTH = 4
# Words at least this long may be two edits away from the word meant.
_TWO_EDIT_LENGTH = 8


class _Typo:
    """A word to correct as a typo (:meth:`WordReader._read`)."""


_TYPO = _Typo()


@dataclass(frozen=True)
class Word:
    """How a word of the input is read."""

    forms: tuple[str, ...]  # the known forms the word can be read as (itself, its root)
    similarity: float  # 1 for an exact or root match, lower for a typo correction
    chars: int  # length of the word as written


_readers: weakref.WeakSet[WordReader] = weakref.WeakSet()


def _fresh_locks() -> None:
    # A process forked while another thread held a memo's lock (a server's bulk upload
    # read in parts, api.upload_parts) would wait for it forever: the child renews them.
    # The memo itself is at worst a word short or over.
    for reader in list(_readers):
        reader._lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks)


class WordReader:
    """Cuts segments into words and reads each word against an alias index.

    Parameters
    ----------
    index : AliasIndex
        The names whose words are known.
    workers : int
        Threads for the batched rapidfuzz comparisons (``-1``: all cores).
    memo_size : int
        Words whose reading is kept (:data:`MEMO_SIZE`).
    """

    def __init__(self, index: AliasIndex, workers: int = 1, memo_size: int = MEMO_SIZE) -> None:
        self.index = index
        self.workers = workers
        self.memo_size = memo_size
        self._longest_east_asian = max(map(len, index.east_asian), default=0)
        self._spelling = sorted(w for w in index.named if not any(map(is_east_asian, w)))
        self._spelling_first = np.array([ord(w[0]) for w in self._spelling], dtype=np.int64)
        self._memo: OrderedDict[str, Word | None] = OrderedDict()
        # Normalizers are shared by a server's threads: the memo changes under a lock.
        self._lock = threading.Lock()
        _readers.add(self)

    # --------------------------------------------------------------- segments
    def segment_words(self, segment: str) -> list[str]:
        """The words of one segment, East Asian words cut and split words joined."""
        known = self.index.known
        words = [piece for w in self.index.words(segment) for piece in self._cut_east_asian(w)]
        # Rejoin words split by a stray space ("co 2", "fork lift") when only the join is known.
        merged: list[str] = []
        for word in words:
            # East Asian compounds are spaced as the writer likes ("기계 조립", "기계조립"):
            # there a known join is taken even when both halves are known.
            if (
                merged
                and merged[-1] + word in known
                and (
                    merged[-1] not in known
                    or word not in known
                    or (is_east_asian(word[0]) and is_east_asian(merged[-1][-1]))
                )
            ):
                merged[-1] += word
            else:
                merged.append(word)
        return merged

    def _cut_east_asian(self, word: str) -> list[str]:
        """Cut an East Asian word into known words by longest match from the left."""
        east_asian = self.index.east_asian
        if word in east_asian or not is_east_asian(word[0]):
            return [word]
        return cut_east_asian(word, east_asian, self._longest_east_asian)

    # ------------------------------------------------------------------ words
    def resolve(self, words: Iterable[str]) -> dict[str, Word | None]:
        """Each distinct word's reading (None: unknown), typos corrected in one batch.

        Parameters
        ----------
        words : Iterable[str]
            Folded words, repeats allowed.

        Returns
        -------
        dict of str to Word or None
            Every word asked for, whatever the memo keeps.
        """
        distinct = list(dict.fromkeys(words))
        found: dict[str, Word | None] = {}
        with self._lock:
            for word in distinct:
                if word in self._memo:
                    self._memo.move_to_end(word)
                    found[word] = self._memo[word]
        fresh: dict[str, Word | None] = {}
        typos: list[str] = []
        for word in distinct:
            if word not in found:
                reading = self._read(word)
                if isinstance(reading, _Typo):
                    typos.append(word)
                else:
                    fresh[word] = reading
        if typos:
            fresh.update(self._correct(typos))
        with self._lock:
            self._memo.update(fresh)
            while len(self._memo) > self.memo_size:
                self._memo.popitem(last=False)
        found.update(fresh)
        return found

    def _read(self, word: str) -> Word | _Typo | None:
        """A word's forms without typo correction, or :class:`_Typo` to correct it."""
        index = self.index
        bases: list[str] = []
        if word not in index.rules.qualifiers and not any(map(str.isdigit, word)):
            root = next((r for r in root_candidates(word) if r in index.named), None)
            bases.extend(() if root is None else (root,))
        # An English inflection reads as its base form ("tending lathes" -> "tend lathe").
        # A word known as written takes only a base that is a word of some name: "machining"
        # must not turn neutral through its lemma "machine".
        vocabulary = index.named if word in index.known else index.known
        bases.extend(b for b in lemma_candidates(word) if b in vocabulary and b not in bases)
        # An Indonesian or Malay agent noun of a name reads as its activity too ("pemasang
        # paip" is the pipe fitter of "pemasangan paip"), only when that activity is a word of
        # a name and not a glossary variant: "pembuat" (a maker) is not the production role
        # "pembuatan" is made a synonym of. A word no name uses is left alone: "perawat" is
        # a nurse, not "perawatan" (maintenance).
        if word in index.named:
            bases.extend(
                b
                for b in activity_candidates(word)
                if b in index.named and b not in index.canonical and b not in bases
            )
        if word in index.known and is_east_asian(word[-1]):
            # A known East Asian word with a worker or work suffix also reads as its stem
            # ("검사원", an inspector in "용접 검사원", is "검사" in "품질 검사원").
            stem = east_asian_stem([word], index.east_asian_suffixes, index.known)
            bases.extend(() if stem is None or stem not in index.named else (stem,))
        if word in index.known:
            # "mengelas" is a name itself and also reads as "las" inside "las argon"; a base
            # that is a qualifier would make a word of a name neutral ("meat" -> "at").
            bases = [b for b in bases if b not in index.rules.qualifiers]
            return Word(index.canonical_key((word, *bases)), 1.0, len(word))
        if bases:
            return Word(index.canonical_key(tuple(bases)), 1.0, len(word))
        if (
            len(word) >= _MIN_TYPO_LENGTH
            and word.isalpha()
            and not any(map(is_east_asian, word))
            and not is_dictionary_word(word)
        ):
            return _TYPO
        return None

    @staticmethod
    def _meaning(word: str, canonical: dict[str, str]) -> str:
        base = next(iter(lemma_candidates(word)), word)
        return canonical.get(base, canonical.get(word, base))

    def _correct(self, words: list[str]) -> dict[str, Word | None]:
        """Correct typos in one batch: OSA distance of every word to every name word."""
        distances = process.cdist(
            words,
            self._spelling,
            scorer=OSA.distance,
            score_cutoff=2,
            dtype=np.uint8,
            workers=self.workers,
        )
        first = np.array([ord(w[0]) for w in words], dtype=np.int64)
        allowed = np.array([2 if len(w) >= _TWO_EDIT_LENGTH else 1 for w in words])
        # A typo seldom hits the first letter, and allowing it doubles the wrong corrections.
        distances = np.where(first[:, None] == self._spelling_first[None, :], distances, 255)
        best = distances.min(axis=1)
        out: dict[str, Word | None] = {}
        canonical = self.index.canonical
        for i, word in enumerate(words):
            nearest = np.flatnonzero(distances[i] == best[i])
            # Nearest words that are synonyms ("weld", "welder" for "weldr") are one reading.
            # So are inflections of one word ("welds", "weld").
            meanings = {self._meaning(self._spelling[j], canonical) for j in nearest}
            if best[i] <= allowed[i] and len(meanings) == 1:
                form = self._spelling[int(nearest[0])]
                similarity = 1.0 - float(best[i]) / max(len(word), len(form))
                out[word] = Word(self.index.canonical_key((form,)), similarity, len(word))
            else:
                out[word] = None
        return out
